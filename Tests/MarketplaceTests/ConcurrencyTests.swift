import Datasets
import Domain
import Foundation
import Geo
@testable import Marketplace
import Synchronization
import Testing

/// Searches running while thousands of spot changes and whole-gym replacements apply: every
/// answer must be one the index could give at some instant, never a mix of two.
@Suite struct ConcurrencyTests {
    static let dataset = TestData.generate("johannesburg", gyms: 150, seed: 5)

    @Test func searchesNeverSeeTornUpdates() throws {
        let index = MarketplaceIndex(dataset: Self.dataset, now: TestData.now)
        let records = Self.dataset.gymRecords(from: TestData.now, to: TestData.now + 14 * 86_400)
        let center = records[0].tenant.location
        // Gyms near the centre that writers will rename again and again.
        let churned = Array(records.filter { $0.tenant.isActive && $0.tenant.marketplaceEnabled && !$0.sessions.isEmpty }.prefix(6))
        #expect(churned.count == 6)

        let everything = {
            var query = SearchQuery(now: TestData.now)
            query.origin = Coordinate(latitude: center.lat, longitude: center.lng)
            query.radiusKm = 100
            query.minSpots = 0
            query.limit = 100
            query.sort = .startTime
            return query
        }()
        let baseline = try index.search(everything)

        // Real threads, not tasks: the readers spin, and on two cores they would starve a
        // cooperative pool. Failures are collected and checked after every thread joined.
        let writersDone = SharedFlag()
        let spotWrites = SharedCounter()
        let failures = SharedLog()
        let readerRounds = SharedCounter()
        let threads = ThreadGroup()

        // Writer 1: toggles every session of the dataset between full and open, four times.
        threads.spawn {
            for round in 0..<4 {
                for gym in records {
                    for session in gym.sessions {
                        let spots = round % 2 == 0 ? 0 : session.capacity
                        index.setSpots(gymId: gym.tenant.id, classId: gym.classes[session.classIndex].id, start: session.start, spotsLeft: spots)
                        spotWrites.value.add(1, ordering: .relaxed)
                    }
                }
            }
        }
        // Writer 2: replaces gyms whole, with the version in both the gym's and its classes' names.
        threads.spawn {
            for version in 1...60 {
                var update = churned[version % churned.count]
                update.tenant.name = "Churn v\(version)"
                for i in update.classes.indices { update.classes[i].name = "Churn class v\(version)" }
                index.upsert(update)
                // Every upsert (and the merges it sets off) leaves the index whole.
                index._checkInvariants()
            }
        }
        // Writer 3: compacts the whole index again and again: a swap is refused when a gym was
        // replaced during the copy, and spots booked during it are carried over.
        let compactions = SharedCounter()
        threads.spawn {
            for _ in 0..<25 {
                if index.compact() { compactions.value.add(1, ordering: .relaxed) }
                index._checkInvariants()
            }
        }
        let writers = threads.count
        // Readers: every answer must be one the index could give at some instant.
        for reader in 0..<2 {
            threads.spawn {
                var open = everything
                open.minSpots = 1
                open.sort = reader == 0 ? .distance : .relevance
                open.text = reader == 0 ? nil : "churn"
                var rounds = 0
                while writersDone.value.load(ordering: .relaxed) == false || rounds < 20 {
                    do {
                        for result in try index.search(open).results {
                            if result.spotsLeft < 1 { failures.append("a full session passed the spots filter") }
                            if result.gym.name.hasPrefix("Churn v"),
                                result.class.name != "Churn class " + result.gym.name.dropFirst("Churn ".count)
                            {
                                failures.append("torn gym: \(result.gym.name) with \(result.class.name)")
                            }
                        }
                        // Whatever the spots and the names, the sessions in the window stay the same.
                        if try index.search(everything).results.map(\.sessionId) != baseline.results.map(\.sessionId) {
                            failures.append("the set of sessions changed mid-update")
                        }
                    } catch {
                        failures.append("search failed: \(error)")
                    }
                    rounds += 1
                }
                readerRounds.value.add(rounds, ordering: .relaxed)
            }
        }
        threads.waitForFirst(writers)
        writersDone.value.store(true, ordering: .relaxed)
        threads.waitForAll()

        #expect(failures.lines == [])
        #expect(spotWrites.value.load(ordering: .relaxed) > 2000)
        #expect(readerRounds.value.load(ordering: .relaxed) >= 40)
        let state = index.currentState
        // Upserts were merged into at most the base plus the small segments allowed.
        #expect(state.segments.count <= MarketplaceIndex.maxSmallSegments + 1)
        for segment in state.segments { segment._checkInvariants() }
        index._checkInvariants()
        #expect(index.counts.gyms == records.count)
        #expect(compactions.value.load(ordering: .relaxed) > 0)
        // Writer 1 ended opening every session: no compaction lost one of its writes (gyms
        // writer 2 replaced came back with their spots as first read).
        let replaced = Set(churned.map(\.tenant.id))
        for (number, segment) in state.segments.enumerated() {
            for (g, gym) in segment.gyms.enumerated() where !state.dead[number].contains(Int32(g)) && !replaced.contains(gym.id) {
                for c in gym.classes {
                    for session in segment.classes[Int(c)].sessions {
                        #expect(segment.spots[Int(session)] == segment.classes[Int(c)].capacity, "a spot change lost")
                    }
                }
            }
        }
    }

    @Test func spotUpdatesShowInSearches() throws {
        let index = MarketplaceIndex(dataset: Self.dataset, now: TestData.now)
        let records = Self.dataset.gymRecords(from: TestData.now, to: TestData.now + 14 * 86_400)
        let gym = records.first { $0.tenant.isActive && $0.tenant.marketplaceEnabled && !$0.sessions.isEmpty }!
        let session = gym.sessions.first { $0.availableSpots > 0 && !$0.isCancelled }!
        var query = SearchQuery(now: TestData.now)
        query.origin = Coordinate(latitude: gym.tenant.location.lat, longitude: gym.tenant.location.lng)
        query.radiusKm = 0.5
        query.tenant = gym.tenant.slug
        query.from = session.start
        query.to = session.start + 1
        query.limit = 100
        let id = SessionSchedule.sessionID(classId: gym.classes[session.classIndex].id, start: session.start)
        #expect(try index.search(query).results.contains { $0.sessionId == id })

        #expect(index.setSpots(gymId: gym.tenant.id, classId: gym.classes[session.classIndex].id, start: session.start, spotsLeft: 0))
        #expect(try !index.search(query).results.contains { $0.sessionId == id })
        query.minSpots = 0
        let full = try index.search(query).results.first { $0.sessionId == id }
        #expect(full?.waitlistOnly == true)
        #expect(full?.spotsLeft == 0)
        #expect(!index.setSpots(gymId: gym.tenant.id, classId: "no-such-class", start: session.start, spotsLeft: 3))

        // Removing the gym removes its sessions; upserting brings them back.
        #expect(index.removeGym(id: gym.tenant.id))
        index._checkInvariants()
        #expect(try index.search(query).results.isEmpty)
        #expect(!index.removeGym(id: gym.tenant.id))
        index.upsert(gym)
        index._checkInvariants()
        #expect(try index.search(query).results.contains { $0.sessionId == id })
    }
}

final class SharedFlag: Sendable {
    let value = Atomic<Bool>(false)
}

final class SharedCounter: Sendable {
    let value = Atomic<Int>(0)
}

/// OS threads that tests can start and join in order.
final class ThreadGroup: Sendable {
    private let finished = Mutex<[Int: Bool]>([:])
    private let started = Mutex(0)

    var count: Int { started.withLock { $0 } }

    func spawn(_ body: @escaping @Sendable () -> Void) {
        let number = started.withLock { n in
            defer { n += 1 }
            return n
        }
        let thread = Thread {
            body()
            self.finished.withLock { $0[number] = true }
        }
        thread.start()
    }

    /// Waits until the first `n` spawned threads have finished.
    func waitForFirst(_ n: Int) {
        while finished.withLock({ done in (0..<n).contains { done[$0] != true } }) { usleep(1000) }
    }

    func waitForAll() { waitForFirst(count) }
}

final class SharedLog: Sendable {
    private let storage = Mutex<[String]>([])
    func append(_ line: String) { storage.withLock { $0.append(line) } }
    var lines: [String] { storage.withLock { $0 } }
}
