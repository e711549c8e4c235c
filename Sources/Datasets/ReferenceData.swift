public import Foundation
import Geo
import TextSearch
public import Domain

/// The committed reference data under `Data/`: cities, GeoNames places, the neighbourhoods of
/// the gazetteer and vocabularies.
public struct ReferenceData: Sendable {
    public var cities: [City]
    /// GeoNames' towns, then the gazetteer's neighbourhoods as places: every place a search
    /// can name or a gym can stand in.
    public var places: [Place]
    public var neighbourhoods: [Neighbourhood]
    public var vocabulary: NameVocabulary

    /// Loads `cities.json`, `places.tsv`, `neighbourhoods.tsv` and `vocabulary.json` from
    /// `directory`.
    public init(directory: URL) throws(DatasetError) {
        cities = try JSONLines.decode([City].self, from: directory.appending(path: "cities.json"))
        vocabulary = try JSONLines.decode(NameVocabulary.self, from: directory.appending(path: "vocabulary.json"))
        let towns = try PlaceTable.read(directory.appending(path: "places.tsv"))
        neighbourhoods = try NeighbourhoodTable.read(directory.appending(path: "neighbourhoods.tsv"), cities: cities)
        let cityBySlug = Dictionary(uniqueKeysWithValues: cities.map { ($0.slug, $0) })
        places = towns + neighbourhoods.map { neighbourhood in
            let city = cityBySlug[neighbourhood.city]!
            // Its clock is the nearest town's of its country: a city's neighbourhoods share one.
            let town = towns.filter { $0.country == city.country }
                .min { GreatCircle.distanceKm($0.coordinate, neighbourhood.coordinate) < GreatCircle.distanceKm($1.coordinate, neighbourhood.coordinate) }
            return neighbourhood.place(country: city.country, timezone: town?.timezone ?? "UTC")
        }
    }

    /// The city `name` names (slug, name or alias).
    public func city(named name: String) -> City? {
        cities.first { $0.isNamed(name) }
    }

    /// The places of `city`: those of its country within its radius, towns and neighbourhoods.
    public func places(in city: City) -> [Place] {
        places.filter {
            $0.country == city.country && GreatCircle.distanceKm(city.centerCoordinate, $0.coordinate) <= city.radiusKm
        }
    }

    /// The `Data/` folder: `STUDIOLOOP_DATA` if set, else `Data` in the working directory, else
    /// the one beside the sources this binary was built from.
    public static func defaultDirectory() -> URL {
        DataDirectory.url()
    }
}

/// Reads the GeoNames extract: a header line, then tab-separated rows.
enum PlaceTable {
    static func read(_ url: URL) throws(DatasetError) -> [Place] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch { throw .unreadable(url.path, "\(error)") }
        var places: [Place] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated().dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count >= 9, let id = Int(f[0]), let lat = Double(f[2]), let lng = Double(f[3]), let population = Int(f[6])
            else { throw .malformed(url.path, line: number + 1, "expected 9 tab-separated GeoNames fields") }
            places.append(Place(
                id: id, name: String(f[1]), lat: lat, lng: lng, country: String(f[4]), population: population,
                timezone: String(f[7]), alternateNames: f[8].split(separator: "|").map(String.init)
            ))
        }
        return places
    }
}
