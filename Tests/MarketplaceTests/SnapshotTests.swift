import Datasets
import Domain
import Foundation
@testable import Marketplace
import TestSupport
import Testing

@Suite struct SnapshotTests {
    static let dataset = TestData.generate("all", gyms: 250, seed: 21)

    func temporaryFile(_ name: String) -> URL {
        FileManager.default.temporaryDirectory.appending(path: "sl-\(UUID().uuidString)-\(name)")
    }

    /// Built and loaded indexes answer every query alike, also a day later (the snapshot keeps
    /// timetables, so the loaded index materializes the sessions of its own "now").
    @Test(arguments: [0, 86_400 + 3600])
    func loadedIndexAnswersLikeABuiltOne(laterBy seconds: Int64) throws {
        let file = temporaryFile("roundtrip.idx")
        defer { try? FileManager.default.removeItem(at: file) }
        try IndexSnapshot.write(MarketplaceIndex(dataset: Self.dataset, now: TestData.now), datasetFingerprint: 7, to: file)
        let now = TestData.now + seconds
        let loaded = try IndexSnapshot.read(from: file, datasetFingerprint: 7, now: now)
        let built = MarketplaceIndex(dataset: Self.dataset, now: now)
        #expect(loaded.counts == built.counts)
        for segment in loaded.currentState.segments { segment._checkInvariants() }
        let generator = QueryGenerator(dataset: Self.dataset, now: now)
        var rng = SeededRandom(seed: 77)
        for _ in 0..<200 {
            let query = generator.query(&rng)
            #expect(try loaded.search(query).results == built.search(query).results, "\(query)")
        }
    }

    @Test func unusableSnapshotsAreRefusedNotTrusted() throws {
        let file = temporaryFile("good.idx")
        defer { try? FileManager.default.removeItem(at: file) }
        try IndexSnapshot.write(MarketplaceIndex(dataset: Self.dataset, now: TestData.now), datasetFingerprint: 7, to: file)
        let good = try Data(contentsOf: file)

        func attempt(_ bytes: Data, fingerprint: UInt64 = 7) -> SnapshotError? {
            let damaged = temporaryFile("bad.idx")
            defer { try? FileManager.default.removeItem(at: damaged) }
            try! bytes.write(to: damaged)
            do {
                _ = try IndexSnapshot.read(from: damaged, datasetFingerprint: fingerprint, now: TestData.now)
                return nil
            } catch {
                return error
            }
        }

        #expect(attempt(good) == nil)
        #expect(attempt(good, fingerprint: 8).map { if case .stale = $0 { true } else { false } } == true)
        #expect(attempt(Data("hello, world".utf8)).map { if case .notASnapshot = $0 { true } else { false } } == true)
        var otherVersion = good
        otherVersion[8] = 99
        #expect(attempt(otherVersion).map { if case .otherVersion(_, found: 99, expected: IndexSnapshot.formatVersion) = $0 { true } else { false } } == true)
        // Truncated anywhere, or one byte flipped anywhere: refused, never a crash.
        var rng = SeededRandom(seed: 5)
        for _ in 0..<40 {
            let cut = rng.int(in: 0..<good.count)
            #expect(attempt(good.prefix(cut)) != nil, "truncated at \(cut)")
            var flipped = good
            let at = rng.int(in: 12..<good.count)
            flipped[at] ^= 0x5A
            #expect(attempt(flipped) != nil, "byte \(at) flipped")
        }
        let missing = temporaryFile("none.idx")
        #expect(throws: SnapshotError.missing(missing.path)) {
            try IndexSnapshot.read(from: missing, datasetFingerprint: 7, now: TestData.now)
        }
    }

    /// A store's snapshot (what `serve` writes) keeps the live index as it stood: a lived-in
    /// index, edited and booked, loads answering exactly as it did, for its own store only.
    @Test func aStoreSnapshotKeepsTheLiveIndexAsItStood() throws {
        let lived = CompactionTests.lived()
        let file = temporaryFile("live.idx")
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(lived.index.currentState.segments.count > 1, "written from several segments")
        try IndexSnapshot.write(lived.index, store: "store-a", watermark: 1_234, to: file)
        let (loaded, watermark) = try IndexSnapshot.read(from: file, store: "store-a")
        #expect(watermark == 1_234)
        #expect(loaded.counts == lived.index.counts)
        loaded._checkInvariants()
        let generator = QueryGenerator(dataset: CompactionTests.dataset, now: TestData.now)
        var rng = SeededRandom(seed: 78)
        for n in 0..<200 {
            var query = generator.query(&rng)
            query.plan = PlanChoice.allCases[n % PlanChoice.allCases.count]
            #expect(try loaded.search(query).results == lived.index.search(query).results, "\(query)")
        }
        // Another store's, or a dataset's: refused.
        #expect(throws: SnapshotError.stale(file.path)) { try IndexSnapshot.read(from: file, store: "store-b") }
        #expect(throws: SnapshotError.stale(file.path)) { try IndexSnapshot.read(from: file, datasetFingerprint: 7, now: TestData.now) }
    }
}
