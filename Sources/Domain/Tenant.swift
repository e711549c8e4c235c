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
    public var subscriptionTier: SubscriptionTier
    public var marketplaceEnabled: Bool
    public var status: TenantStatus
    /// The GeoNames place the gym belongs to; its alternate names are searchable.
    public var placeId: Int

    public init(
        id: String, name: String, slug: String, email: String, phone: String, address: Address, location: Location,
        timezone: String, subscriptionTier: SubscriptionTier, marketplaceEnabled: Bool, status: TenantStatus, placeId: Int
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

    public var isActive: Bool { status == .active }
}

/// Whether a gym trades: a suspended gym is kept, but out of search and closed to booking.
public enum TenantStatus: String, Codable, Sendable, CaseIterable {
    case active, suspended
}

/// A gym's platform tier, which sets the marketplace commission on its bookings.
public enum SubscriptionTier: String, Sendable, Codable, CaseIterable {
    case starter, growth, pro, enterprise
}
