/// A gym or studio (the seed's `tenants`).
public struct Tenant: Codable, Hashable, Sendable {
    public var id: String
    public var name: String
    public var slug: String
    public var email: String
    public var phone: String
    public var address: Address
    public var location: Location
    public var timezone: String
    public var subscriptionTier: String
    public var marketplaceEnabled: Bool
    public var status: String
    /// The GeoNames place the gym belongs to; its alternate names are searchable.
    public var placeId: Int

    public init(
        id: String, name: String, slug: String, email: String, phone: String, address: Address, location: Location,
        timezone: String, subscriptionTier: String, marketplaceEnabled: Bool, status: String, placeId: Int
    ) {
        self.id = id
        self.name = name
        self.slug = slug
        self.email = email
        self.phone = phone
        self.address = address
        self.location = location
        self.timezone = timezone
        self.subscriptionTier = subscriptionTier
        self.marketplaceEnabled = marketplaceEnabled
        self.status = status
        self.placeId = placeId
    }

    public var isActive: Bool { status == "active" }
}
