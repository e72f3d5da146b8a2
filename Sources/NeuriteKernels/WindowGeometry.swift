/// Where the windows of a 2-D convolution or pooling fall on a batch of `[N, C, H, W]` planes
/// (1-D windows are the case `H = 1`, `kernelHeight = 1`).
///
/// Output position `(y, x)` reads input rows `y·strideY − padTop + i·dilationY` for
/// `i ∈ 0..<kernelHeight` and columns `x·strideX − padLeft + j·dilationX` for
/// `j ∈ 0..<kernelWidth`; reads outside the plane are padding. The output size is chosen by the
/// caller (it differs between convolution and ceil-mode pooling), so the padding after the plane
/// is implied by it.
public struct WindowGeometry: Sendable, Equatable {
    public var batch: Int
    public var channels: Int
    public var height: Int
    public var width: Int
    public var kernelHeight: Int
    public var kernelWidth: Int
    public var strideY: Int
    public var strideX: Int
    public var dilationY: Int
    public var dilationX: Int
    public var padTop: Int
    public var padLeft: Int
    public var outputHeight: Int
    public var outputWidth: Int

    public init(
        batch: Int, channels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int,
        strideY: Int, strideX: Int, dilationY: Int, dilationX: Int, padTop: Int, padLeft: Int,
        outputHeight: Int, outputWidth: Int
    ) {
        self.batch = batch
        self.channels = channels
        self.height = height
        self.width = width
        self.kernelHeight = kernelHeight
        self.kernelWidth = kernelWidth
        self.strideY = strideY
        self.strideX = strideX
        self.dilationY = dilationY
        self.dilationX = dilationX
        self.padTop = padTop
        self.padLeft = padLeft
        self.outputHeight = outputHeight
        self.outputWidth = outputWidth
    }

    /// Elements of one input plane, `H·W`.
    public var planeSize: Int { height * width }
    /// Output positions of one plane, `oh·ow`.
    public var outputPlaneSize: Int { outputHeight * outputWidth }
    /// Taps of one window, `kh·kw`.
    public var kernelArea: Int { kernelHeight * kernelWidth }

    /// The output columns `x` whose tap `j` reads inside the plane:
    /// `0 ≤ x·strideX − padLeft + j·dilationX < width`.
    @inline(__always)
    func validColumns(tap j: Int) -> Range<Int> {
        let offset = j * dilationX - padLeft
        // Smallest x with x·s + offset ≥ 0, and the first x with x·s + offset ≥ width.
        let low = offset >= 0 ? 0 : (-offset + strideX - 1) / strideX
        let high = width - offset <= 0 ? 0 : (width - offset + strideX - 1) / strideX
        let clampedLow = min(low, outputWidth)
        return clampedLow..<max(clampedLow, min(high, outputWidth))
    }
}
