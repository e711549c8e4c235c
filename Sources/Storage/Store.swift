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
        let currencies = currencies ?? Currencies(base: creditValue)
        catalog = CatalogStore(database: database, feed: feed, currencies: currencies, rates: rates, promotionCutoffSeconds: promotionCutoffSeconds)
        bookings = BookingStore(
            database: database, feed: feed, currencies: currencies, rates: rates, promotionCutoffSeconds: promotionCutoffSeconds,
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

    /// The identity the store was given when its schema was made: no other store shares it.
    public func identity() async throws -> String {
        try await database.transaction { db in
            try db.setContext(.system)
            guard let identity = try db.query("SELECT identity FROM store_identity WHERE id = 1").first?["identity"].text else {
                throw StoreError.invalid("the store has no identity: run `studioloop migrate`")
            }
            return identity
        }
    }

    /// Brings the schema up to date; returns the migrations applied. On PostgreSQL, a role that
    /// owns the schema then settles its context key (`settleContextKey`).
    @discardableResult
    public func migrate(now: Int64) async throws -> [Int] {
        let applied = try await Migrations.apply(to: database, at: now)
        try await settleContextKey()
        return applied
    }

    /// The PostgreSQL role the store connects as, when it is one that row-level security does
    /// not bind (a superuser, or a role with BYPASSRLS): then every tenant's rows are open to
    /// every request. Nil on SQLite and for a plain role.
    public func unboundRole() async throws -> String? {
        guard database.dialect == .postgres else { return nil }
        return try await database.transaction { db in
            guard let row = try db.query(
                """
                SELECT rolname, CASE WHEN rolsuper THEN 1 ELSE 0 END AS superuser, CASE WHEN rolbypassrls THEN 1 ELSE 0 END AS bypass
                FROM pg_roles WHERE rolname = current_user
                """
            ).first else { return nil }
            let powers = [("superuser", try row.bool("superuser")), ("BYPASSRLS", try row.bool("bypass"))].filter(\.1).map(\.0)
            return powers.isEmpty ? nil : "\(try row.text("rolname")) (\(powers.joined(separator: ", ")))"
        }
    }

    /// Whether the store answers: for readiness checks.
    public func ping() async throws {
        _ = try await database.transaction { db in try db.query("SELECT 1") }
    }
}
