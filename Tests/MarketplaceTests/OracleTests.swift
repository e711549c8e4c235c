import Datasets
import Domain
import Marketplace
import SearchReference
import TestSupport
import Testing

/// The index against a brute-force scan of every session, on random queries over every city
/// (Johannesburg, Cape Town, Durban, Lagos, Nairobi, Accra, Cairo, Casablanca, Fes, Addis Ababa,
/// Kigali, Maputo), page after page, with the planner free and with each side forced.
@Suite struct OracleTests {
    static let horizon: Int64 = 14 * 86_400
    static let index = MarketplaceIndex(dataset: TestData.allCities, now: TestData.now)
    static let oracle = BruteForceSearch(catalog: ReferenceCatalog(dataset: TestData.allCities, now: TestData.now, horizonDays: Int(horizon / 86_400)))

    @Test(arguments: 0..<8)
    func randomQueriesMatchBruteForce(batch: UInt64) throws {
        let generator = QueryGenerator(dataset: TestData.allCities, now: TestData.now)
        var rng = SeededRandom(seed: 1000 + batch)
        var nonEmpty = 0
        for n in 0..<150 {
            var query = generator.query(&rng)
            query.plan = PlanChoice.allCases[n % PlanChoice.allCases.count]
            let expected = Self.oracle.search(query)
            if !expected.isEmpty { nonEmpty += 1 }
            var served: [String] = []
            var page = try Self.index.search(query)
            var pages = 1
            while true {
                served += page.results.map(\.sessionId)
                let want = expected.prefix(served.count).map(\.sessionId)
                if served != want {
                    let at = zip(served, want).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(served.count, want.count)
                    Issue.record("batch \(batch) query \(n) page \(pages): first difference at result \(at) of \(expected.count); \(query)")
                    return
                }
                for (result, row) in zip(page.results, expected[(served.count - page.results.count)...]) {
                    #expect(abs(result.distanceKm - row.distanceKm) < 1e-9)
                    #expect(abs(result.score - row.score) < 1e-12)
                }
                guard let cursor = page.nextCursor, pages < 4 else { break }
                query.cursor = cursor
                page = try Self.index.search(query)
                pages += 1
            }
            if page.nextCursor == nil { #expect(served.count == expected.count, "batch \(batch) query \(n): missing tail") }
        }
        // The generator must not drift into asking only for nothing.
        #expect(nonEmpty > 55, "only \(nonEmpty) of 150 queries had results")
    }
}

/// Keyset cursors while bookings change spots between pages: page 2 holds exactly what the
/// query matches after page 1's last key, with the spots as they are now; nothing of page 1
/// comes back and nothing between is skipped.
@Suite struct CursorStabilityTests {
    @Test(arguments: SortOrder.allCases)
    func spotsChangingBetweenPages(sort: SortOrder) throws {
        let dataset = TestData.allCities
        let index = MarketplaceIndex(dataset: dataset, now: TestData.now)
        let oracle = OracleTests.oracle
        var query = SearchQuery(now: TestData.now)
        let lagos = TestData.reference.city(named: "lagos")!
        query.origin = lagos.centerCoordinate
        query.radiusKm = 15
        query.sort = sort
        query.limit = 25
        let first = try index.search(query)
        let cursor = try #require(first.nextCursor)

        // Fill half of page 1 and a stretch of what follows; open some full sessions.
        var spots: [SessionKey: Int] = [:]
        var rng = SeededRandom(seed: 3)
        let all = oracle.search(query)
        for (position, row) in all.prefix(200).enumerated() {
            let fitnessClass = dataset.classes[row.classIndex]
            let value = position < 25 ? (rng.chance(0.5) ? 0 : 3) : (rng.chance(0.3) ? 0 : Int(oracle.catalog.sessions[row.session].spots))
            spots[SessionKey(classIndex: row.classIndex, start: row.start)] = value
            index.setSpots(gymId: fitnessClass.tenantId, classId: fitnessClass.id, start: row.start, spotsLeft: value)
        }
        query.cursor = cursor
        let second = try index.search(query)
        let firstIds = Set(first.results.map(\.sessionId))
        #expect(second.results.allSatisfy { !firstIds.contains($0.sessionId) })

        // The oracle with the new spots, after page 1's last result.
        let now = oracle.search(query) { spots[SessionKey(classIndex: Int($0.classIndex), start: $0.start)] ?? Int($0.spots) }
        let lastOfFirst = try #require(all.firstIndex { $0.sessionId == first.results.last!.sessionId })
        let after = now.filter { row in all[lastOfFirst].precedes(row) }
        #expect(second.results.map(\.sessionId) == after.prefix(25).map(\.sessionId))
    }
}

struct SessionKey: Hashable {
    var classIndex: Int
    var start: Int64
}
