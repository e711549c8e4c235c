public import Domain
import Foundation
public import Geo

/// A neighbourhood, township, suburb or district people name when they say where ("Sandton",
/// "Westlands", "الزمالك", "ቦሌ"): what GeoNames' table of towns does not hold. Curated in
/// `Data/neighbourhoods.tsv`, each row with the source of its position.
public struct Neighbourhood: Sendable, Hashable {
    public var id: Int
    /// The slug of the dataset city it lies in.
    public var city: String
    public var name: String
    /// Its names in other scripts and spellings.
    public var alternateNames: [String]
    public var lat: Double
    public var lng: Double
    /// The city or town an address there names ("Johannesburg", "Soweto", "Giza").
    public var municipality: String
    /// Where its position comes from.
    public var source: String

    public var coordinate: Coordinate { Coordinate(latitude: lat, longitude: lng) }

    /// The neighbourhood as a place gyms can stand in, on its city's clock (`timezone`).
    func place(country: String, timezone: String) -> Place {
        Place(id: id, name: name, lat: lat, lng: lng, country: country, population: 0, timezone: timezone, alternateNames: alternateNames)
    }
}

/// Reads the gazetteer: a header line, then tab-separated rows of id, city, name, alternate
/// names (`|`-separated), latitude, longitude, municipality and source.
enum NeighbourhoodTable {
    static func read(_ url: URL, cities: [City]) throws(DatasetError) -> [Neighbourhood] {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch { throw .unreadable(url.path, "\(error)") }
        let slugs = Set(cities.map(\.slug))
        var rows: [Neighbourhood] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated().dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard f.count == 8, let id = Int(f[0]), id >= Place.firstNeighbourhoodId, let lat = Double(f[4]), let lng = Double(f[5]),
                  Coordinate(latitude: lat, longitude: lng).isValid, !f[2].isEmpty, !f[6].isEmpty, !f[7].isEmpty
            else {
                throw .malformed(url.path, line: number + 1, "expected id (from \(Place.firstNeighbourhoodId)), city, name, alternate names, latitude, longitude, municipality and source")
            }
            guard slugs.contains(f[1]) else { throw .malformed(url.path, line: number + 1, "no city '\(f[1])' in cities.json") }
            rows.append(Neighbourhood(
                id: id, city: f[1], name: f[2], alternateNames: f[3].split(separator: "|").map(String.init), lat: lat, lng: lng,
                municipality: f[6], source: f[7]
            ))
        }
        return rows
    }
}
