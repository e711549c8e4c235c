/// The catalog's records carry the field names of the seed's data model (snake case on disk);
/// identifiers are lowercase UUID strings.
public struct Location: Codable, Hashable, Sendable {
    public var lat: Double
    public var lng: Double

    public init(lat: Double, lng: Double) {
        self.lat = lat
        self.lng = lng
    }
}

public struct Address: Codable, Hashable, Sendable {
    public var street: String
    public var suburb: String
    public var city: String
    public var province: String
    public var postalCode: String
    public var country: String

    public init(street: String, suburb: String, city: String, province: String, postalCode: String, country: String) {
        self.street = street
        self.suburb = suburb
        self.city = city
        self.province = province
        self.postalCode = postalCode
        self.country = country
    }
}
