import Datasets
import Foundation
import Marketplace

/// A day in the life of a long-running server, replayed on a second index of the same dataset:
/// every hour the timetable roll reloads every gym in one batch (as `serve`'s hourly roll does
/// to nearly every gym), and between rolls gyms are edited a few at a time. Then the workload is
/// timed on that lived-in index, and again once it is compacted; the fresh index's figures are
/// the run's own. Gyms come back as they were, so every answer is still checked against brute
/// force's.
struct DayOfRolls {
    let dataset: Dataset
    /// The run's freshly built index, timed again last: the same measurement at the same point
    /// of the run, so an ordering effect shows.
    let fresh: MarketplaceIndex
    let now: Int64
    let comparison: Comparison
    let expected: [[String]]
    let hours: Int
    let progress: @Sendable (String, Int, Int) -> Void
    /// Edits between two rolls, each a batch of `editSize` gyms.
    static let editsPerHour = 12
    static let editSize = 10

    func run() throws -> BenchReport.DayOfRollsFigures {
        let index = MarketplaceIndex(dataset: dataset, now: now)
        let records = dataset.gymRecords(from: now, to: now + Int64(index.horizonDays) * 86_400)
        var rng = SeededRandom(seed: 24)
        let clock = ContinuousClock()
        let lived = clock.measure {
            for hour in 0..<hours {
                progress("a day of hourly rolls and edits", hour, hours)
                index.upsert(records)
                for _ in 0..<Self.editsPerHour {
                    index.upsert((0..<Self.editSize).map { _ in records[rng.int(in: 0..<records.count)] })
                }
            }
        }
        progress("a day of hourly rolls and edits", hours, hours)
        let shape = index.shape
        let before = try comparison.measure(IndexSystem(index: index), expected: expected)
        var compacted = false
        let compaction = clock.measure { compacted = index.compact() }
        guard compacted else { throw BenchError("the lived-in index did not compact") }
        let after = try comparison.measure(IndexSystem(index: index), expected: expected)
        let freshAgain = try comparison.measure(IndexSystem(index: fresh), expected: expected)
        return .init(
            hours: hours, editsPerHour: Self.editsPerHour, gymsPerEdit: Self.editSize, replaySeconds: lived.seconds,
            segments: shape.segments, deadGyms: shape.deadGyms, livedIn: before.summary, livedInMismatches: before.mismatches.count,
            compactionSeconds: compaction.seconds, compacted: after.summary, compactedMismatches: after.mismatches.count,
            freshAgain: freshAgain.summary
        )
    }
}
