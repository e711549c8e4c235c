import Datasets
import Marketplace
import SearchReference
import TestSupport
import Testing

/// The oracle on one dense city, where a query's area reaches a few of the R-tree's tiles out of
/// many (3,000 gyms in Johannesburg make a dozen tiles of 256): the sessions walk merges the
/// runs of the tiles the area reaches, so a tile missed there loses answers that the
/// twelve-city oracle, with a few tiles each spanning cities, would never notice.
@Suite struct DenseCityOracleTests {
    static let dataset = TestData.generate("johannesburg", gyms: 3_000, seed: 23)
    static let index = MarketplaceIndex(dataset: dataset, now: TestData.now)
    static let oracle = BruteForceSearch(catalog: ReferenceCatalog(dataset: dataset, now: TestData.now, horizonDays: 14))

    @Test(arguments: [PlanChoice.sessions, .automatic])
    func sessionsWalksMatchBruteForce(plan: PlanChoice) throws {
        let generator = QueryGenerator(dataset: Self.dataset, now: TestData.now)
        var rng = SeededRandom(seed: 2300)
        var nonEmpty = 0
        for n in 0..<150 {
            var query = generator.query(&rng)
            query.plan = plan
            let expected = Self.oracle.search(query).prefix(query.limit).map(\.sessionId)
            if !expected.isEmpty { nonEmpty += 1 }
            let served = try Self.index.search(query).results.map(\.sessionId)
            #expect(served == Array(expected), "query \(n): \(query)")
        }
        #expect(nonEmpty > 75, "most queries have answers")
    }
}
