import Bench
import Datasets
import Domain
import Foundation
import Marketplace
import SearchReference
import Testing

/// The comparison harness on a small dataset: every system it can run without a server of its
/// own (the index, SQLite R*Tree + FTS5, brute force, the GEOS STRtree, Xapian, and Sphinx, whose
/// searchd the peer starts) agrees with brute force on the whole workload, and a system that answers
/// wrongly is caught.
@Suite struct ComparisonTests {
    static let now: Int64 = 1_795_600_800  // 2026-11-25T10:00:00Z
    static let dataset: Dataset = {
        let reference = try! ReferenceData(directory: ReferenceData.defaultDirectory())
        let generator = DatasetGenerator(reference: reference)
        return try! generator.generate(cities: try! generator.cities(named: "johannesburg"), gyms: 400, seed: 42)
    }()
    static let catalog = ReferenceCatalog(dataset: dataset, now: now)
    static let queries = Workload.queries(300, dataset: dataset, catalog: catalog)

    @Test func workloadHasTheIssuesMix() {
        let texts = Dictionary(grouping: Self.queries, by: \.text).mapValues(\.count)
        let withText = Self.queries.count - (texts[BenchQuery.TextKind.none] ?? 0)
        // 60 % with words, of which 10 % misspelled and 20 % unfinished (loose bounds: 300 draws).
        #expect((150...210).contains(withText))
        #expect((5...40).contains(texts[.misspelled] ?? 0))
        #expect((20...60).contains(texts[.unfinished] ?? 0))
        #expect(Set(Self.queries.map(\.search.sort)) == Set(SortOrder.allCases))
        #expect(Set(Self.queries.compactMap(\.search.radiusKm)) == Set(Workload.radiiKm))
        #expect(Self.queries.allSatisfy { $0.search.minSpots == 1 && $0.search.marketplaceOnly })
        #expect(Self.queries.allSatisfy { ($0.search.from ?? 0) < ($0.search.to ?? 0) })
        // The same seed draws the same queries.
        let again = Workload.queries(300, dataset: Self.dataset, catalog: Self.catalog)
        #expect(again.map(\.search) == Self.queries.map(\.search))
    }

    @Test func everySystemAgreesWithBruteForce() throws {
        let index = MarketplaceIndex(dataset: Self.dataset, now: Self.now)
        let path = FileManager.default.temporaryDirectory.appending(path: "bench-test-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let comparison = Comparison(queries: Self.queries, concurrency: 2) { _, _, _ in }
        let expected = try comparison.referenceAnswers(BruteForce(catalog: Self.catalog))
        #expect(expected.filter { !$0.isEmpty }.count > 150, "most queries should have answers")
        let systems: [any SearchSystem] = [IndexSystem(index: index), try SQLitePeer(catalog: Self.catalog, path: path)]
        for system in systems {
            let measured = try comparison.measure(system, expected: expected)
            #expect(measured.mismatches.isEmpty, "\(system.name): \(measured.mismatches.prefix(3).map(\.summary))")
            #expect(measured.asked.count + measured.notExpressible.values.reduce(0, +) == Self.queries.count)
            #expect(measured.summary.count == measured.asked.count)
        }
    }

    /// Sphinx's searchd, started by the peer on this catalog, answers every query it can
    /// express as brute force does (each tier of words through gyms and places, the integer
    /// distance order, prefixes and synonyms). Needs Debian's sphinxsearch, which
    /// scripts/install-deps installs.
    @Test(.enabled(if: (try? SphinxPeer.binaries()) != nil, "needs Sphinx's indexer and searchd"))
    func sphinxAgreesWithBruteForce() throws {
        try expectAgreement("sphinx") { try SphinxPeer(catalog: Self.catalog, directory: $0) }
    }

    /// Xapian, in process, answers every query it can express as brute force does.
    @Test func xapianAgreesWithBruteForce() throws {
        try expectAgreement("xapian") { try XapianPeer(catalog: Self.catalog, directory: $0) }
    }

    /// A peer loaded into a folder of its own, asked the workload by two workers, agrees with
    /// brute force on every query it can express, and can express most.
    func expectAgreement(_ name: String, _ load: (URL) throws -> any SearchSystem) throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "bench-test-\(name)-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let comparison = Comparison(queries: Self.queries, concurrency: 2, rounds: 1) { _, _, _ in }
        let expected = try comparison.referenceAnswers(BruteForce(catalog: Self.catalog))
        let measured = try comparison.measure(try load(directory), expected: expected)
        #expect(measured.mismatches.count == 0, "\(measured.mismatches.prefix(3).map(\.summary))")
        #expect(measured.asked.count > 150, "most queries should be asked (\(measured.notExpressible))")
        #expect(measured.asked.count + measured.notExpressible.values.reduce(0, +) == Self.queries.count)
    }

    @Test func aWrongAnswerIsCaught() throws {
        let comparison = Comparison(queries: Self.queries, concurrency: 1) { _, _, _ in }
        let expected = try comparison.referenceAnswers(BruteForce(catalog: Self.catalog))
        let measured = try comparison.measure(DropsTheLastResult(catalog: Self.catalog), expected: expected)
        #expect(measured.mismatches.count == expected.filter { !$0.isEmpty }.count)
    }

    @Test func rtreeAndGEOSAgree() throws {
        let report = try SpatialComparison(catalog: Self.catalog, queries: Self.queries) { _, _, _ in }.run()
        #expect(report.count == 2)
        #expect(report.allSatisfy { $0.equal })
    }
}

/// Brute force with its last result dropped: what the harness must refuse to time as equal.
final class DropsTheLastResult: SearchSystem {
    let name = "wrong"
    let brute: BruteForce

    init(catalog: ReferenceCatalog) {
        brute = BruteForce(catalog: catalog)
    }

    func limitation(of query: BenchQuery) -> Limitation? { nil }

    func makeSearcher() throws -> any Searcher { Dropping(inner: try brute.makeSearcher()) }

    final class Dropping: Searcher {
        let inner: any Searcher
        init(inner: any Searcher) { self.inner = inner }
        func search(_ query: BenchQuery) throws -> [String] { Array(try inner.search(query).dropLast()) }
    }
}
