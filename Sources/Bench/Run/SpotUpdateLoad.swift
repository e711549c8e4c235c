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

    func run() throws -> BenchReport.SpotUpdateFigures {
        let alone = try searchAll("searching, no writer")
        let writerDone = DispatchSemaphore(value: 0)
        let shared = SpotWriterState()
        let (index, catalog) = (index, catalog)
        let thread = Thread {
            var rng = SeededRandom(seed: 11)
            while !shared.stop.load(ordering: .relaxed) {
                let session = catalog.sessions[rng.int(in: 0..<catalog.sessions.count)]
                let fitnessClass = catalog.classes[Int(session.classIndex)]
                let spots = max(0, Int(session.spots) + rng.int(in: -2...1))
                _ = index.setSpots(gymId: catalog.gyms[Int(session.gym)].id, classId: fitnessClass.id, start: session.start, spotsLeft: spots)
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
