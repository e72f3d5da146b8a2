/// The collective operations of data-parallel training, over the processes ("ranks") of one job:
/// Open MPI's (`MPICommunicator` in NeuriteDistributed, built with the `MPI` package trait) or
/// ranks running as threads of one process (`LocalCommunicator`, for tests and trials).
///
/// Every rank calls the same operations in the same order with buffers of the same lengths; each
/// call returns once all ranks have made it.
public protocol Communicator: AnyObject, Sendable {
    /// This process's rank, in `0..<size`.
    var rank: Int { get }
    /// The number of ranks in the job.
    var size: Int { get }
    /// Replaces `values` on every rank with rank `root`'s.
    func broadcast(_ values: UnsafeMutableBufferPointer<Float>, root: Int)
    /// Replaces `values` on every rank with their element-wise sum over the ranks; every rank
    /// gets the same bits.
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Float>)
    /// `allReduceSum` in double precision (metric totals).
    func allReduceSum(_ values: UnsafeMutableBufferPointer<Double>)
    /// Returns once every rank has called it.
    func barrier()
}

extension Communicator {
    /// The element-wise sums of `values` over the ranks.
    public func sum(_ values: [Double]) -> [Double] {
        var result = values
        result.withUnsafeMutableBufferPointer { allReduceSum($0) }
        return result
    }
}
