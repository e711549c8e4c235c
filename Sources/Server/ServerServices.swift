import Booking
import Crypto
import Datasets
import Geo
public import Domain
public import Marketplace
public import Notifications
public import Payments
public import Storage

/// Everything the routes share: the store, the index kept in step with it, sign-in, metrics and
/// the clock.
public struct ServerServices: Sendable {
    public let store: Store
    public let index: MarketplaceIndex
    public let authenticator: Authenticator
    public let metrics: ServerMetrics
    public let clock: ServerClock
    /// Payment providers by name, with their webhook secrets.
    public let providers: [String: any PaymentProvider]
    public let defaultProvider: String
    let prices: PriceList
    /// Every city's named areas ("Soweto", "Westlands"), for search and maps.
    public let areas: NamedAreas
    /// The pages' city and area picker, written once from `areas`.
    let cityPicker: CityPicker
    /// Days of sessions the index holds and new timetables are materialized for.
    public let horizonDays: Int
    /// Real places (Data/places.tsv): a new gym is filed under the nearest.
    let places: [Place]
    /// Each account's session version, which access tokens must carry.
    let sessions: SessionVersions
    /// How often each client may call; see `RateLimits`.
    let limiters: RateLimiters
    /// Browser origins allowed to call the API (`*` for any); empty for none.
    let corsOrigins: Set<String>
    /// Where this server is reached from outside: checkout return pages and the sandbox's.
    let publicURL: String
    /// Days after buying within which a purchase may be refunded.
    let refundWindowDays: Int
    /// Meta's signed WhatsApp webhook, when its app secret is configured.
    let whatsappWebhook: WhatsAppWebhook?
    /// Browser sign-in and form tokens for the pages.
    let web: WebSessions
    /// Whether the index may be missing other servers' changes.
    public let freshness: IndexFreshness
    /// Set when the server has been asked to stop: `/ready` says not-ready from then.
    public let draining: Draining

    /// - Parameters:
    ///   - webSecret: what the pages' CSRF key is derived from (the JWT secret, so every server
    ///     sharing it accepts the others' forms); random when not given.
    ///   - secureCookies: whether the pages' cookies go over HTTPS only (outside development).
    public init(
        store: Store, index: MarketplaceIndex, authenticator: Authenticator, metrics: ServerMetrics = ServerMetrics(),
        clock: ServerClock = .system, providers: [any PaymentProvider] = [], defaultProvider: String? = nil,
        rateLimits: RateLimits = .off, corsOrigins: Set<String> = [], places: [Place] = [],
        horizonDays: Int = 14, areas: NamedAreas? = nil,
        publicURL: String = "http://127.0.0.1:8080", refundWindowDays: Int = PaymentStore.defaultRefundWindowDays,
        whatsappWebhook: WhatsAppWebhook? = nil, webSecret: [UInt8]? = nil, secureCookies: Bool = false,
        freshness: IndexFreshness = IndexFreshness(), draining: Draining = Draining()
    ) {
        self.freshness = freshness
        self.draining = draining
        self.store = store
        self.index = index
        self.authenticator = authenticator
        self.metrics = metrics
        self.clock = clock
        self.providers = Dictionary(providers.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.defaultProvider = defaultProvider ?? providers.first?.name ?? "none"
        prices = PriceList(currencies: store.bookings.currencies)
        self.places = places
        self.horizonDays = horizonDays
        self.areas = areas ?? NamedAreas()
        cityPicker = CityPicker(areas: self.areas)
        limiters = RateLimiters(rateLimits)
        sessions = SessionVersions(accounts: store.accounts)
        self.corsOrigins = corsOrigins
        self.publicURL = publicURL
        self.refundWindowDays = refundWindowDays
        self.whatsappWebhook = whatsappWebhook
        web = WebSessions(
            accounts: store.accounts, secret: webSecret ?? SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }, secureCookies: secureCookies
        )
    }
}

extension ServerServices {
    /// A 403 unless the account has proven its email or phone: browsing and booking need none,
    /// opening a gym and paying do.
    func requireVerified(_ user: String) async throws {
        guard try await store.accounts.isVerified(user) else {
            throw APIError(.verificationRequired, "verify your phone or email first: POST /api/v1/auth/verify with the code we sent")
        }
    }

    /// The currency a gym sells in: its own if set, else its country's, else the platform's.
    func currency(of gym: GymCommerce) -> String {
        store.bookings.currencies.gymCurrency(country: gym.country, configured: gym.currency)
    }

    /// The provider a payment in `currency` goes through: the one asked for, or the first
    /// configured that takes the currency (and, for a subscription, recurring charges).
    func provider(_ asked: String?, currency: String, recurring: Bool) throws -> any PaymentProvider {
        guard !providers.isEmpty else { throw APIError(.paymentsUnavailable, "payments are not configured on this server") }
        func takes(_ provider: any PaymentProvider) -> Bool {
            (provider.currencies?.contains(currency) ?? true) && (!recurring || provider.takesSubscriptions)
        }
        if let asked {
            guard let provider = providers[asked] else {
                throw APIError.validation("provider must be one of \(providers.keys.sorted().joined(separator: ", ")) (got '\(asked)')")
            }
            guard takes(provider) else {
                throw APIError.validation("\(asked) does not take \(recurring ? "subscriptions in " : "")\(currency)")
            }
            return provider
        }
        let order = [defaultProvider] + providers.keys.sorted().filter { $0 != defaultProvider }
        guard let name = order.first(where: { providers[$0].map(takes) ?? false }) else {
            throw APIError(.paymentsUnavailable, "no payment provider on this server takes \(recurring ? "subscriptions in " : "")\(currency)")
        }
        return providers[name]!
    }

    /// The id of the gym the path's `{slug}` names, or a 404.
    /// The GeoNames place within 30 km nearest a gym (0: none), whose names search then knows.
    func nearestPlace(_ location: Location) -> Int {
        let coordinate = Coordinate(latitude: location.lat, longitude: location.lng)
        return places
            .map { ($0, GreatCircle.distanceKm(coordinate, $0.coordinate)) }
            .filter { $0.1 <= 30 }.min { $0.1 < $1.1 }?.0.id ?? 0
    }

    func tenantId(_ context: AppContext) async throws -> String {
        let slug = try context.parameters.require("slug")
        guard let id = try await store.catalog.tenantId(slug: slug) else { throw APIError.notFound("no gym with slug '\(slug)'") }
        return id
    }
}
