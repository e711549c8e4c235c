import Datasets
import Domain
@testable import Marketplace
import Testing

/// Several gyms replaced in one segment: each once, the last copy winning, none searchable twice.
@Suite struct BatchUpsertTests {
    @Test func aBatchReplacesEachGymOnce() throws {
        let dataset = TestData.generate("johannesburg", gyms: 40, seed: 3)
        let index = MarketplaceIndex(dataset: dataset, now: TestData.now)
        let records = dataset.gymRecords(from: TestData.now, to: TestData.now + 14 * 86_400)
        let before = index.counts
        var renamed = records[0]
        renamed.tenant.name = "Renamed Twice Gym"
        var first = records[0]
        first.tenant.name = "Renamed Once Gym"
        index.upsert([first, records[1], renamed])
        index._checkInvariants()
        #expect(index.counts.gyms == before.gyms)
        #expect(index.counts.sessions == before.sessions)
        var query = SearchQuery(now: TestData.now)
        query.origin = .init(latitude: renamed.tenant.location.lat, longitude: renamed.tenant.location.lng)
        query.radiusKm = 0.1
        query.tenant = renamed.tenant.id
        query.minSpots = 0
        query.limit = 100
        query.marketplaceOnly = false
        let results = try index.search(query).results
        #expect(!results.isEmpty)
        #expect(results.allSatisfy { $0.gym.name == "Renamed Twice Gym" })
        #expect(Set(results.map(\.sessionId)).count == results.count, "no session twice")
    }
}
