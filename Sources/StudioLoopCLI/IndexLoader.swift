import Datasets
import Foundation
import Marketplace

/// The index a command searches, and the places its `--city` can name.
struct LoadedMarketplace {
    var index: MarketplaceIndex
    var places: [Place]
}

/// Builds the index from a dataset folder.
struct IndexLoader {
    var dataset: URL
    var snapshot: URL?
    var now: Int64

    func load() throws -> LoadedMarketplace {
        let data = try Dataset.read(from: dataset)
        return LoadedMarketplace(index: MarketplaceIndex(dataset: data, now: now), places: data.places)
    }
}
