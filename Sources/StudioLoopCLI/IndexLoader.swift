import Datasets
import Domain
import Foundation
import Marketplace

/// The index a command searches, and the places its `--city` can name.
struct LoadedMarketplace {
    var index: MarketplaceIndex
    var places: [Place]
}

/// Loads the index from a snapshot when one is given and matches the dataset; otherwise (or
/// when the snapshot cannot be used, said in one line) builds it from the dataset.
struct IndexLoader {
    var dataset: URL
    var snapshot: URL?
    var now: Int64

    func load() throws -> LoadedMarketplace {
        if let snapshot {
            do {
                let index = try IndexSnapshot.read(from: snapshot, datasetFingerprint: try Dataset.fingerprint(of: dataset), now: now)
                let places = try JSONLines.read(Place.self, from: dataset.appending(path: "places.jsonl"))
                return LoadedMarketplace(index: index, places: places)
            } catch let error as SnapshotError {
                let note = "note: \(error); rebuilding the index from \(dataset.path) (`studioloop index build` refreshes the snapshot)\n"
                FileHandle.standardError.write(Data(note.utf8))
            }
        }
        let data = try Dataset.read(from: dataset)
        return LoadedMarketplace(index: MarketplaceIndex(dataset: data, now: now), places: data.places)
    }
}
