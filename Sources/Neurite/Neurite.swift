@_exported import NeuriteCheckpoint
// The umbrella module: `import Neurite` brings in every public layer of the library.
@_exported import NeuriteCore
@_exported import NeuriteData
@_exported import NeuriteDistributed
@_exported import NeuriteInterpret
@_exported import NeuriteNN
@_exported import NeuriteONNX
@_exported import NeuriteOptimizers
@_exported import NeuritePlot
@_exported import NeuriteTensorBoard
@_exported import NeuriteTrain
