public import Geo

/// A real place that gyms stand in: a town from GeoNames, or a neighbourhood of a city from
/// StudioLoop's own gazetteer (`Data/neighbourhoods.tsv`), which GeoNames' towns leave out.
public struct Place: Codable, Hashable, Sendable {
    public var id: Int
    public var name: String
    public var lat: Double
    public var lng: Double
    public var country: String
    public var population: Int
    public var timezone: String
    public var alternateNames: [String]

    public init(id: Int, name: String, lat: Double, lng: Double, country: String, population: Int, timezone: String, alternateNames: [String]) {
        self.id = id
        self.name = name
        self.lat = lat
        self.lng = lng
        self.country = country
        self.population = population
        self.timezone = timezone
        self.alternateNames = alternateNames
    }

    public var coordinate: Coordinate { Coordinate(latitude: lat, longitude: lng) }

    /// The gazetteer numbers its neighbourhoods from here; GeoNames' ids stay far below.
    public static let firstNeighbourhoodId = 1_000_000_000

    /// A neighbourhood of the gazetteer rather than a GeoNames town.
    public var isNeighbourhood: Bool { id >= Self.firstNeighbourhoodId }
}
