import Histogram

/// Percentiles of a set of latencies, in microseconds, from an HdrHistogram (three significant
/// digits).
public struct LatencySummary: Codable, Sendable {
    public var count: Int
    public var p50: Double
    public var p90: Double
    public var p99: Double
    public var p999: Double
    public var max: Double
    public var mean: Double

    /// - Parameter nanoseconds: one entry per timed query.
    public init(nanoseconds: [UInt64]) {
        var histogram = Histogram<UInt64>(highestTrackableValue: 600_000_000_000, numberOfSignificantValueDigits: .three)
        for value in nanoseconds { _ = histogram.record(Swift.max(1, value)) }
        func micros(_ ns: UInt64) -> Double { Double(ns) / 1000 }
        count = nanoseconds.count
        p50 = count == 0 ? 0 : micros(histogram.valueAtPercentile(50))
        p90 = count == 0 ? 0 : micros(histogram.valueAtPercentile(90))
        p99 = count == 0 ? 0 : micros(histogram.valueAtPercentile(99))
        p999 = count == 0 ? 0 : micros(histogram.valueAtPercentile(99.9))
        max = count == 0 ? 0 : micros(histogram.max)
        mean = count == 0 ? 0 : histogram.mean / 1000
    }
}
