import Datasets
import Domain
import Geo
import Marketplace
import Testing

/// A word no class of the asked types holds itself is met only in gym and place names: the
/// planner says so from the postings, and every result bears it out.
@Suite struct WordsOnlyAroundTests {
    @Test(arguments: [SortOrder.distance, .relevance, .credits, .startTime])
    func aWordNoClassOfTheTypeHoldsIsMetOnlyAround(sort: SortOrder) throws {
        var query = SearchQuery(now: TestData.now)
        let johannesburg = TestData.reference.city(named: "johannesburg")!
        query.origin = Coordinate(latitude: johannesburg.center.lat, longitude: johannesburg.center.lng)
        query.radiusKm = 50
        query.text = "yoga"
        query.types = [.martialArts]
        query.sort = sort
        query.explain = true
        let page = try OracleTests.index.search(query)
        #expect(page.plan?.wordsOnlyAround == 1)
        #expect(!page.results.isEmpty, "martial arts classes at gyms named for yoga")
        for result in page.results {
            #expect(result.class.type == .martialArts)
            let field = try #require(result.explain?.matched?.first?.field)
            #expect(["gym name", "suburb", "city", "country", "place name", "place's other name"].contains(field))
        }

        query.types = [.yoga]
        #expect(try OracleTests.index.search(query).plan?.wordsOnlyAround == 0)
    }
}
