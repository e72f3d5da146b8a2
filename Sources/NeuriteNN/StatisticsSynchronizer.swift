/// Sums per-channel statistics over the processes of a data-parallel job, so that batch norm
/// normalises with the statistics of the whole global batch (`BatchNorm.synchronization`,
/// PyTorch's `SyncBatchNorm`). `DataParallel.synchronizeBatchNorm(in:)` installs one made from the
/// job's communicator.
public protocol StatisticsSynchronizer: AnyObject, Sendable {
    /// Replaces `values` with their element-wise sums over all processes (the same bits on every
    /// process). Every process calls it the same number of times with the same length.
    func sumAcrossProcesses(_ values: inout [Double])
}
