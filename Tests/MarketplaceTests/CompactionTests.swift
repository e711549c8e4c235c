import Datasets
import Domain
@testable import Marketplace
import TestSupport
import Testing

/// An index that has lived (gyms replaced, renamed, removed, spots booked) and is then compacted
/// into one segment answers exactly as it did before, and as an index freshly built from the
/// same gyms does.
@Suite struct CompactionTests {
    static let dataset = TestData.generate("all", gyms: 300, seed: 31)
    static let horizon: Int64 = 14 * 86_400

    /// The same changes applied to a live index and to the records a fresh index is built from.
    struct LivedIndex {
        let index: MarketplaceIndex
        var records: [GymRecords]
    }

    static func lived() -> LivedIndex {
        let index = MarketplaceIndex(dataset: dataset, now: TestData.now)
        var records = dataset.gymRecords(from: TestData.now, to: TestData.now + horizon)
        var rng = SeededRandom(seed: 9)
        for round in 0..<12 {
            // A batch of gyms edited: renamed, a class renamed, a session dropped.
            var batch: [GymRecords] = []
            for _ in 0..<(1 + round % 5) {
                let g = Int(rng.next() % UInt64(records.count))
                records[g].tenant.name = "Lived \(round) \(records[g].tenant.name)"
                if !records[g].classes.isEmpty { records[g].classes[0].name = "Renamed Zumbathon \(round)" }
                if !records[g].sessions.isEmpty { records[g].sessions.removeFirst() }
                batch.append(records[g])
            }
            index.upsert(batch)
            // A gym closed for good.
            if round % 3 == 0 {
                let g = Int(rng.next() % UInt64(records.count))
                #expect(index.removeGym(id: records[g].tenant.id))
                records.remove(at: g)
            }
            // Bookings.
            for _ in 0..<40 {
                let g = Int(rng.next() % UInt64(records.count))
                guard !records[g].sessions.isEmpty else { continue }
                let s = Int(rng.next() % UInt64(records[g].sessions.count))
                let session = records[g].sessions[s]
                let left = max(0, session.availableSpots - 1 - Int(rng.next() % 3))
                if index.setSpots(gymId: records[g].tenant.id, classId: records[g].classes[session.classIndex].id, start: session.start, spotsLeft: left) {
                    records[g].sessions[s].availableSpots = left
                }
            }
        }
        return LivedIndex(index: index, records: records)
    }

    @Test func aCompactedIndexAnswersAsBeforeAndAsAFreshOne() throws {
        let lived = Self.lived()
        let index = lived.index
        #expect(index.currentState.segments.count > 1)
        #expect(index.compactionDue)
        let generator = QueryGenerator(dataset: Self.dataset, now: TestData.now)
        var rng = SeededRandom(seed: 4)
        var queries = (0..<300).map { n in
            var query = generator.query(&rng)
            query.plan = PlanChoice.allCases[n % PlanChoice.allCases.count]
            return query
        }
        // Words that only edited gyms hold, and a place search.
        for text in ["zumbathon", "lived", "renamed zumbathon 11"] {
            var query = SearchQuery(now: TestData.now)
            query.text = text
            query.radiusKm = 100
            query.minSpots = 0
            query.limit = 50
            query.origin = .init(latitude: lived.records[0].tenant.location.lat, longitude: lived.records[0].tenant.location.lng)
            queries.append(query)
        }
        let before = try queries.map { try index.search($0).results }
        let counts = index.counts

        #expect(index.compact())
        index._checkInvariants()
        #expect(index.currentState.segments.count == 1)
        #expect(index.currentState.dead == [[]])
        #expect(!index.compactionDue)
        #expect(index.counts == counts)
        #expect(!index.compact(), "nothing left to compact")

        let fresh = MarketplaceIndex(records: lived.records, materializedAt: TestData.now, horizonDays: Int(Self.horizon / 86_400))
        #expect(fresh.counts == counts)
        var nonEmpty = 0
        for (query, answer) in zip(queries, before) {
            let after = try index.search(query).results
            #expect(after == answer, "\(query)")
            #expect(after == (try fresh.search(query).results), "\(query)")
            if !after.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty > 100)
        // Words of removed gyms and replaced names are gone from the vocabulary, not only from
        // the postings.
        let compacted = index.currentState.segments[0].text.vocabulary.terms
        #expect(Set(compacted) == Set(fresh.currentState.segments[0].text.vocabulary.terms))
    }

    /// Spots booked while the copy was made are copied again at the swap. (A gym replaced
    /// meanwhile refuses the swap: `ConcurrencyTests` compacts while gyms are replaced.)
    @Test func spotsBookedDuringTheCopyAreCarriedOver() throws {
        let lived = Self.lived()
        let index = lived.index
        let state = index.currentState
        let merged = CatalogSegment(merging: state.segments, dead: state.dead)
        // A booking after the copy: copied again at the swap.
        let gym = lived.records.first { !$0.sessions.isEmpty }!
        let session = gym.sessions[0]
        #expect(index.setSpots(gymId: gym.tenant.id, classId: gym.classes[session.classIndex].id, start: session.start, spotsLeft: 0))
        merged.copySpots(from: state.segments, dead: state.dead)
        let g = merged.gyms.firstIndex { $0.id == gym.tenant.id }!
        let c = merged.gyms[g].classes.first { merged.classes[Int($0)].id == gym.classes[session.classIndex].id }!
        #expect(merged.spots[merged.session(classIndex: Int(c), start: session.start)!] == 0)
    }
}
