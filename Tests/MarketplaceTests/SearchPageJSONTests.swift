import Datasets
import Domain
import Foundation
import Marketplace
import TestSupport
import Testing

/// The hand-written JSON of a search page is byte for byte what `Codable` writes.
@Suite struct SearchPageJSONTests {
    @Test func handWrittenJSONEqualsCodable() throws {
        let generator = QueryGenerator(dataset: TestData.allCities, now: TestData.now)
        var rng = SeededRandom(seed: 77)
        var compared = 0
        for i in 0..<300 {
            var query = generator.query(&rng)
            query.explain = i % 3 == 0
            query.limit = [1, 20, 100][i % 3]
            let page = try OracleTests.index.search(query)
            let expected = try JSONLines.encoder().encode(page)
            let written = page.jsonBytes()
            #expect(written == Array(expected), "\(String(decoding: written.prefix(300), as: UTF8.self))\nvs\n\(String(decoding: expected.prefix(300), as: UTF8.self))")
            compared += page.results.count
            if written != Array(expected) { break }
        }
        #expect(compared > 1_000)
    }

    @Test func stringsAreEscaped() throws {
        var page = try OracleTests.index.search({ var q = SearchQuery(now: TestData.now); q.origin = .init(latitude: -26.2, longitude: 28.04); q.limit = 1; return q }())
        try #require(!page.results.isEmpty)
        page.results[0].gym.name = "Quote \" back\\slash\nnew\tline \u{01} / Ünïcödé 🧘"
        page.tookMs = 3
        #expect(page.jsonBytes() == Array(try JSONLines.encoder().encode(page)))
    }
}
