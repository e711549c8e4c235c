public import Geo

/// A real place from GeoNames that gyms are scattered around.
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
}
