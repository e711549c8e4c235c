public import Booking

/// The store: one database, a type per concern over it. Each concern's operations are single
/// transactions; the rules they apply live in `Booking`, the SQL in the concern's own files.
public struct Store: Sendable {
    public let database: any Database
    public let accounts: AccountStore
    public let staff: StaffStore
    public let catalog: CatalogStore
    public let bookings: BookingStore
    public let ledger: LedgerStore
    public let payments: PaymentStore
    /// The gyms' own credit packs.
    public let packages: CreditPackageStore
    /// What gyms are owed, and paying them.
    public let payouts: PayoutStore
    public let analytics: AnalyticsStore
    private let feed: ChangeFeed

    public init(
        database: any Database, creditValue: Money = Money(cents: 5_000, currency: "ZAR"), rates: CommissionRates = .standard,
        promotionCutoffSeconds: Int64 = BookingRules.defaultPromotionCutoffSeconds, checkInSecret: [UInt8]? = nil,
        currencies: Currencies? = nil
    ) {
        let feed = ChangeFeed()
        self.database = database
        self.feed = feed
        accounts = AccountStore(database: database)
        staff = StaffStore(database: database)
        catalog = CatalogStore(database: database, feed: feed)
        bookings = BookingStore(
            database: database, feed: feed, currencies: currencies ?? Currencies(base: creditValue), rates: rates, promotionCutoffSeconds: promotionCutoffSeconds,
            checkInTokens: checkInSecret.map(CheckInToken.init(secret:))
        )
        ledger = LedgerStore(database: database)
        payments = PaymentStore(database: database)
        packages = CreditPackageStore(database: database)
        payouts = PayoutStore(database: database)
        analytics = AnalyticsStore(database: database)
    }

    /// Every committed change made through this store, for the search index (one consumer).
    public var changes: AsyncStream<CatalogChange> { feed.changes }

    /// Brings the schema up to date; returns the migrations applied.
    @discardableResult
    public func migrate(now: Int64) async throws -> [Int] {
        try await Migrations.apply(to: database, at: now)
    }

    /// Whether the store answers: for readiness checks.
    public func ping() async throws {
        _ = try await database.transaction { db in try db.query("SELECT 1") }
    }
}
