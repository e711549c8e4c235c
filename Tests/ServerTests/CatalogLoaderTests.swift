import Datasets
import Marketplace
import Server
import Storage
import TestSupport
import Testing

/// A first start builds its index from the dataset it just imported instead of reading the store
/// back: the two must be the same index.
@Suite struct CatalogLoaderTests {
    @Test(arguments: StoreKind.allCases)
    func anImportedDatasetIndexesAsTheStoreReadBack(kind: StoreKind) async throws {
        let (database, _, _) = try await kind.openFresh()
        let store = Store(database: database)
        let now = ServerFixture.start
        try await store.migrate(now: now)
        let generator = DatasetGenerator(reference: ServerFixture.reference)
        let dataset = try generator.generate(cities: generator.cities(named: "all"), gyms: 150, seed: 12)
        try await store.catalog.importDataset(dataset, from: now, to: now + 14 * 86_400, now: now)
        let loader = CatalogLoader(store: store, places: ServerFixture.reference.places, horizonDays: 14)
        let fromStore = try await loader.buildIndex(now: now)
        let fromDataset = loader.buildIndex(imported: dataset, now: now)
        #expect(fromDataset.counts == fromStore.counts)
        let queries = QueryGenerator(dataset: dataset, now: now)
        var rng = SeededRandom(seed: 3)
        var nonEmpty = 0
        for n in 0..<200 {
            var query = queries.query(&rng)
            query.plan = PlanChoice.allCases[n % PlanChoice.allCases.count]
            let answer = try fromDataset.search(query).results
            #expect(answer == (try fromStore.search(query).results), "\(query)")
            if !answer.isEmpty { nonEmpty += 1 }
        }
        #expect(nonEmpty > 50)
    }
}
