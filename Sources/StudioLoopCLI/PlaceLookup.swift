import Datasets
import Domain
import TextSearch

/// Finds a place by any of its names, compared as search folds them ("Fès", "fes", "فاس").
enum PlaceLookup {
    static func place(named name: String, in places: [Place]) -> Place? {
        let key = TextFolding.words(in: name)
        guard !key.isEmpty else { return nil }
        let byPopulation = places.sorted { $0.population > $1.population }
        return byPopulation.first { TextFolding.words(in: $0.name) == key }
            ?? byPopulation.first { place in place.alternateNames.contains { TextFolding.words(in: $0) == key } }
    }
}
