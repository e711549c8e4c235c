import Datasets
import Domain
import Foundation
import Marketplace

/// The index a command searches, and the places its `--city` can name.
struct LoadedMarketplace {
    var index: MarketplaceIndex
    var places: [Place]
    /// How the index came to be and how long each step took, for a reader who waited for it:
    /// "read the dataset in 12.0 s, built the index in 32.1 s".
    var howLoaded: String
}

/// Loads the index from a snapshot when one is given and matches the dataset; otherwise (or
/// when the snapshot cannot be used, said in one line) builds it from the dataset.
struct IndexLoader {
    var dataset: URL
    var snapshot: URL?
    var now: Int64

    func load() throws -> LoadedMarketplace {
        let bar = ProgressBar()
        defer { bar.finish() }
        if let snapshot {
            do {
                let started = ContinuousClock.now
                // Whole reads with no count to report: said as they start and end.
                bar.update("checking the snapshot against the dataset", 0, 1)
                let fingerprint = try Dataset.fingerprint(of: dataset)
                bar.update("loading the snapshot", 0, 1)
                let index = try IndexSnapshot.read(from: snapshot, datasetFingerprint: fingerprint, now: now)
                let places = try JSONLines.read(Place.self, from: dataset.appending(path: "places.jsonl"))
                bar.update("loading the snapshot", 1, 1)
                return LoadedMarketplace(index: index, places: places, howLoaded: "loaded the snapshot in \(Self.seconds(since: started))")
            } catch let error as SnapshotError {
                bar.finish()
                let note = "note: \(error); rebuilding the index from \(dataset.path) (`studioloop index build` refreshes the snapshot)\n"
                FileHandle.standardError.write(Data(note.utf8))
            }
        }
        let reading = ContinuousClock.now
        let data = try Dataset.read(from: dataset, progress: bar.report)
        let building = ContinuousClock.now
        let index = MarketplaceIndex(dataset: data, now: now, progress: bar.report)
        let howLoaded = "read the dataset in \(Self.seconds(since: reading, until: building)), built the index in \(Self.seconds(since: building))"
        return LoadedMarketplace(index: index, places: data.places, howLoaded: howLoaded)
    }

    /// "0.42 s".
    static func seconds(since start: ContinuousClock.Instant, until end: ContinuousClock.Instant = .now) -> String {
        let elapsed = end - start
        return String(format: "%.2f s", Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
    }
}
