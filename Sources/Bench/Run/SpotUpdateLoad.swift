import Datasets
import Domain
import Foundation
import Marketplace
import SearchReference
import Synchronization

/// Spot changes applied to the index as fast as one thread can while another searches: how
/// many it takes a second, and what they cost the searches.
struct SpotUpdateLoad {
    let index: MarketplaceIndex
    let catalog: ReferenceCatalog
    let queries: [BenchQuery]
    let progress: @Sendable (String, Int, Int) -> Void
    /// Updates drawn ahead and applied round and round.
    static let drawn = 1 << 20

    struct SpotUpdate: Sendable {
        var gymId: String
        var classId: String
        var start: Int64
        var spots: Int
    }

    func run() throws -> BenchReport.SpotUpdateFigures {
        let alone = try searchAll("searching, no writer")
        let writerDone = DispatchSemaphore(value: 0)
        let shared = SpotWriterState()
        // The updates are drawn before the clock starts (random sessions, as bookings across the
        // catalog land), so the figure is the index's cost, not the drawing's.
        var rng = SeededRandom(seed: 11)
        let updates = (0..<Self.drawn).map { _ in
            let session = catalog.sessions[rng.int(in: 0..<catalog.sessions.count)]
            return SpotUpdate(
                gymId: catalog.gyms[Int(session.gym)].id, classId: catalog.classes[Int(session.classIndex)].id, start: session.start,
                spots: max(0, Int(session.spots) + rng.int(in: -2...1))
            )
        }
        let index = index
        let thread = Thread {
            var i = 0
            while !shared.stop.load(ordering: .relaxed) {
                let update = updates[i]
                _ = index.setSpots(gymId: update.gymId, classId: update.classId, start: update.start, spotsLeft: update.spots)
                i = i + 1 == updates.count ? 0 : i + 1
                shared.updates.wrappingAdd(1, ordering: .relaxed)
            }
            writerDone.signal()
        }
        let started = ContinuousClock.now
        thread.start()
        let during = try searchAll("searching while spots change")
        shared.stop.store(true, ordering: .relaxed)
        writerDone.wait()
        let seconds = (ContinuousClock.now - started).seconds
        let count = shared.updates.load(ordering: .relaxed)
        return .init(
            seconds: seconds, updatesPerSecond: Double(count) / max(seconds, 1e-9),
            searchDuring: LatencySummary(nanoseconds: during), searchAlone: LatencySummary(nanoseconds: alone)
        )
    }

    /// The workload, over and over for at least `minimumSeconds`, each query timed.
    private func searchAll(_ phase: String, minimumSeconds: Double = 3) throws -> [UInt64] {
        var nanoseconds: [UInt64] = []
        let started = ContinuousClock.now
        repeat {
            for (i, query) in queries.enumerated() {
                if i % 64 == 0 { progress(phase, min(100, Int((ContinuousClock.now - started).seconds / minimumSeconds * 100)), 100) }
                let start = DispatchTime.now().uptimeNanoseconds
                _ = try index.search(query.search)
                nanoseconds.append(DispatchTime.now().uptimeNanoseconds - start)
            }
        } while (ContinuousClock.now - started).seconds < minimumSeconds
        return nanoseconds
    }
}

final class SpotWriterState: Sendable {
    let stop = Atomic<Bool>(false)
    let updates = Atomic<Int>(0)
}
