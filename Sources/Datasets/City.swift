public import Geo
public import Domain

/// A metropolitan area a dataset can be generated for (Data/cities.json).
public struct City: Codable, Hashable, Sendable {
    public var slug: String
    public var name: String
    public var aliases: [String]
    /// ISO 3166-1 alpha-2.
    public var country: String
    public var countryName: String
    /// The international dialling prefix, "+27".
    public var callingCode: String
    public var province: String
    public var center: Location
    public var radiusKm: Double
    /// ISO 639-1 codes, most spoken first; they pick the vocabulary of names and descriptions.
    public var languages: [String]
    public var currency: String

    public var centerCoordinate: Coordinate { Coordinate(latitude: center.lat, longitude: center.lng) }

    /// Whether `name` names this city: its slug, its name or an alias, in any case.
    public func isNamed(_ name: String) -> Bool {
        let key = City.key(name)
        return key == City.key(slug) || key == City.key(self.name) || aliases.contains { City.key($0) == key }
    }

    static func key(_ name: String) -> String {
        String(name.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic })
    }
}
