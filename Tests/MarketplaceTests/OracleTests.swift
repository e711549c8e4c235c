import Datasets
import Marketplace
import Testing

/// The index against a brute-force scan of every session, on random queries over every city
/// (Johannesburg, Cape Town, Durban, Lagos, Nairobi, Accra, Cairo, Casablanca, Fes, Addis Ababa,
/// Kigali, Maputo), page after page, with the planner free and with each side forced.
@Suite struct OracleTests {
    static let horizon: Int64 = 14 * 86_400
    static let index = MarketplaceIndex(dataset: TestData.allCities, now: TestData.now)
    static let oracle = BruteForceSearch(dataset: TestData.allCities, from: TestData.now, to: TestData.now + horizon)

    @Test(arguments: 0..<8)
    func randomQueriesMatchBruteForce(batch: UInt64) throws {
        let generator = QueryGenerator(dataset: TestData.allCities, now: TestData.now)
        var rng = SeededRandom(seed: 1000 + batch)
        var nonEmpty = 0
        for n in 0..<150 {
            var query = generator.query(&rng)
            query.plan = [PlanChoice.automatic, .geographic, .text][n % 3]
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
