import _NeuriteProtobuf

/// The summary values an event holds, encoded as TensorBoard's `Summary.Value` messages
/// (`tensorboard/compat/proto/summary.proto`): a scalar, an image, a histogram or a text.
public enum SummaryValue: Sendable {
    /// A number (`simple_value`), drawn as a curve over the steps.
    case scalar(tag: String, value: Float)
    /// An encoded PNG with its size (`Summary.Image`, colour space 3: RGB).
    case image(tag: String, png: [UInt8], width: Int, height: Int)
    /// A histogram of values (`HistogramProto`): `bucketLimits` are the buckets' right edges,
    /// `counts` their counts.
    case histogram(tag: String, Histogram)
    /// Markdown text, as the text plugin shows it (a string tensor with plugin `text`).
    case text(tag: String, String)

    /// A histogram's statistics and buckets.
    public struct Histogram: Sendable, Equatable {
        /// The smallest and largest value, their count, sum and sum of squares.
        public var minimum: Double, maximum: Double, count: Double, sum: Double, sumOfSquares: Double
        /// The buckets' right edges, increasing, and how many values fell in each.
        public var bucketLimits: [Double], counts: [Double]

        /// A histogram from its statistics and buckets.
        public init(minimum: Double, maximum: Double, count: Double, sum: Double, sumOfSquares: Double, bucketLimits: [Double], counts: [Double]) {
            precondition(bucketLimits.count == counts.count, "Histogram: \(bucketLimits.count) bucket limits for \(counts.count) counts")
            (self.minimum, self.maximum, self.count, self.sum, self.sumOfSquares) = (minimum, maximum, count, sum, sumOfSquares)
            (self.bucketLimits, self.counts) = (bucketLimits, counts)
        }

        /// The histogram of `values` in `buckets` buckets of equal width between their minimum and
        /// maximum (one bucket when all are equal; none for no values).
        public init(_ values: [Float], buckets: Int = 30) {
            precondition(buckets > 0, "Histogram: \(buckets) buckets")
            let doubles = values.map(Double.init)
            minimum = doubles.min() ?? 0
            maximum = doubles.max() ?? 0
            count = Double(doubles.count)
            sum = doubles.reduce(0, +)
            sumOfSquares = doubles.reduce(0) { $0 + $1 * $1 }
            guard !doubles.isEmpty else {
                (bucketLimits, counts) = ([], [])
                return
            }
            let width = (maximum - minimum) / Double(buckets)
            guard width > 0, width.isFinite else {
                (bucketLimits, counts) = ([maximum], [count])
                return
            }
            let (low, high) = (minimum, maximum)
            bucketLimits = (1...buckets).map { $0 == buckets ? high : low + Double($0) * width }
            var tally = [Double](repeating: 0, count: buckets)
            for value in doubles where value.isFinite {
                tally[Swift.min(buckets - 1, Swift.max(0, Int((value - low) / width)))] += 1
            }
            counts = tally
        }
    }

    /// The `Summary.Value` message.
    func encode(into writer: inout ProtobufWriter) {
        switch self {
        case .scalar(let tag, let value):
            writer.string(1, tag)
            writer.float(2, value)
        case .image(let tag, let png, let width, let height):
            writer.string(1, tag)
            writer.message(4) { image in
                image.integer(1, Int64(height))
                image.integer(2, Int64(width))
                image.integer(3, 3)
                image.bytes(4, png)
            }
        case .histogram(let tag, let histogram):
            writer.string(1, tag)
            writer.message(5) { proto in
                proto.double(1, histogram.minimum)
                proto.double(2, histogram.maximum)
                proto.double(3, histogram.count)
                proto.double(4, histogram.sum)
                proto.double(5, histogram.sumOfSquares)
                proto.packedDoubles(6, histogram.bucketLimits)
                proto.packedDoubles(7, histogram.counts)
            }
        case .text(let tag, let text):
            writer.string(1, tag)
            // A scalar string tensor: dtype DT_STRING (7), an empty shape, one string value.
            writer.message(8) { tensor in
                tensor.integer(1, 7)
                tensor.message(2) { _ in }
                tensor.bytes(8, Array(text.utf8))
            }
            writer.message(9) { metadata in
                metadata.message(1) { plugin in plugin.string(1, "text") }
            }
        }
    }
}

/// An `Event` message (`tensorboard/compat/proto/event.proto`).
enum EventRecord {
    /// The first record of every file: the format's version.
    static func fileVersion(wallTime: Double) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.double(1, wallTime)
        writer.string(3, "brain.Event:2")
        return writer.bytes
    }

    /// A summary of `values` at `step`.
    static func summary(_ values: [SummaryValue], step: Int, wallTime: Double) -> [UInt8] {
        var writer = ProtobufWriter()
        writer.double(1, wallTime)
        writer.integer(2, Int64(step))
        writer.message(5) { summary in
            for value in values { summary.message(1) { value.encode(into: &$0) } }
        }
        return writer.bytes
    }
}
