public import Booking
import Foundation
import SQL

/// A gym's own credit pack: credits at that gym for a price in its currency.
public struct CreditPackage: Equatable, Sendable {
    public var id: String
    public var tenantId: String
    public var name: String
    public var credits: Int
    public var price: Money
    /// Days the credits last once bought; nil for as long as they are not spent.
    public var validityDays: Int?
    public var isActive: Bool
    /// A monthly plan (bought as a subscription), not a one-off pack.
    public var recurring: Bool
    public var createdAt: Int64
    public var updatedAt: Int64
}

/// What a manager may change about a pack; nil leaves a field as it is.
public struct CreditPackageChanges: Equatable, Sendable {
    public var name: String?
    public var credits: Int?
    public var priceCents: Int64?
    /// `.some(nil)` makes the credits last until spent.
    public var validityDays: Int??
    public var isActive: Bool?

    public init(name: String? = nil, credits: Int? = nil, priceCents: Int64? = nil, validityDays: Int?? = nil, isActive: Bool? = nil) {
        self.name = name
        self.credits = credits
        self.priceCents = priceCents
        self.validityDays = validityDays
        self.isActive = isActive
    }
}

/// The gyms' price lists: packs an owner or admin defines, members buy through checkout. A
/// purchase keeps the price it was made at, so a later change never touches it.
public struct CreditPackageStore: Sendable {
    let database: any Database

    /// What a pack may be: 1 to 1,000 credits, a positive price, 1 to 3,650 days.
    public static let credits = 1...1_000
    public static let validityDays = 1...3_650

    static let columns = "id, tenant_id, name, credits, price_cents, currency, validity_days, is_active, created_at, updated_at, recurring"

    /// Adds a pack, or with `recurring` a monthly plan (whose credits last the month after the
    /// one they were paid for, as every plan's do, so it takes no validity of its own).
    public func create(
        tenant: String, by user: String, name: String, credits: Int, price: Money, validityDays: Int?, recurring: Bool = false, now: Int64
    ) async throws -> CreditPackage {
        try Self.validate(credits: credits, priceCents: price.cents, validityDays: validityDays)
        if recurring, validityDays != nil { throw StoreError.invalid("a monthly plan's credits last a month past their own; it takes no validity_days") }
        let id = UUID().uuidString.lowercased()
        return try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: user))
            try Authorization.requireManager(user, of: tenant, on: db)
            try db.query(
                """
                INSERT INTO credit_packages (\(Self.columns)) VALUES ($1, $2, $3, $4, $5, $6, $7, 1, $8, $8, $9)
                """, .text(id), .text(tenant), .text(name), .integer(Int64(credits)), .integer(price.cents), .text(price.currency),
                SQLValue(validityDays.map(Int64.init)), .integer(now), .integer(recurring ? 1 : 0)
            )
            return try Self.read(id, tenant: tenant, on: db)
        }
    }

    public func update(id: String, tenant: String, by user: String, changes: CreditPackageChanges, now: Int64) async throws -> CreditPackage {
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: user))
            try Authorization.requireManager(user, of: tenant, on: db)
            var pack = try Self.read(id, tenant: tenant, on: db)
            if let name = changes.name { pack.name = name }
            if let credits = changes.credits { pack.credits = credits }
            if let cents = changes.priceCents { pack.price.cents = cents }
            if let days = changes.validityDays { pack.validityDays = days }
            if let active = changes.isActive { pack.isActive = active }
            try Self.validate(credits: pack.credits, priceCents: pack.price.cents, validityDays: pack.validityDays)
            if pack.recurring, pack.validityDays != nil { throw StoreError.invalid("a monthly plan takes no validity_days") }
            try db.query(
                """
                UPDATE credit_packages SET name = $3, credits = $4, price_cents = $5, validity_days = $6, is_active = $7, updated_at = $8
                WHERE id = $1 AND tenant_id = $2
                """, .text(id), .text(tenant), .text(pack.name), .integer(Int64(pack.credits)), .integer(pack.price.cents),
                SQLValue(pack.validityDays.map(Int64.init)), .integer(pack.isActive ? 1 : 0), .integer(now)
            )
            return try Self.read(id, tenant: tenant, on: db)
        }
    }

    /// A gym's packs, cheapest first; inactive ones only when asked (for its managers).
    public func list(tenant: String, includeInactive: Bool = false) async throws -> [CreditPackage] {
        try await database.transaction { db in
            try db.setContext(.system)
            return try db.query(
                """
                SELECT \(Self.columns) FROM credit_packages WHERE tenant_id = $1 AND (is_active = 1 OR $2 = 1)
                ORDER BY price_cents, credits, id
                """, .text(tenant), .integer(includeInactive ? 1 : 0)
            ).map(Self.package)
        }
    }

    /// A pack by its id, whichever gym's.
    public func package(id: String) async throws -> CreditPackage? {
        try await database.transaction { db in
            try db.setContext(.system)
            return try db.query("SELECT \(Self.columns) FROM credit_packages WHERE id = $1", .text(id)).first.map(Self.package)
        }
    }

    static func validate(credits: Int, priceCents: Int64, validityDays: Int?) throws {
        guard Self.credits.contains(credits) else { throw StoreError.invalid("credits must be \(Self.credits.lowerBound) to \(Self.credits.upperBound)") }
        guard priceCents > 0, priceCents <= 10_000_000_000 else { throw StoreError.invalid("price_cents must be a positive whole number of cents") }
        if let days = validityDays, !Self.validityDays.contains(days) {
            throw StoreError.invalid("validity_days must be \(Self.validityDays.lowerBound) to \(Self.validityDays.upperBound), or null")
        }
    }

    static func read(_ id: String, tenant: String, on db: any SQLConnection) throws -> CreditPackage {
        guard let row = try db.query("SELECT \(columns) FROM credit_packages WHERE id = $1 AND tenant_id = $2", .text(id), .text(tenant)).first
        else { throw StoreError.notFound("credit package") }
        return try package(row)
    }

    static func package(_ row: SQLRow) throws -> CreditPackage {
        try CreditPackage(
            id: row.text("id"), tenantId: row.text("tenant_id"), name: row.text("name"), credits: row.int("credits"),
            price: Money(cents: row.int64("price_cents"), currency: row.text("currency")), validityDays: row["validity_days"].integer.map(Int.init),
            isActive: row.int("is_active") == 1, recurring: row.int("recurring") == 1, createdAt: row.int64("created_at"),
            updatedAt: row.int64("updated_at")
        )
    }
}
