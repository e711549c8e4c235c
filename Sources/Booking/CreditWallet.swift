/// A lot of credits a member holds: bought or granted together, for one gym or universal,
/// perhaps expiring.
public struct CreditLot: Hashable, Sendable {
    public var id: String
    /// The gym the credits pay at, or nil for universal marketplace credits.
    public var tenantId: String?
    public var remaining: Int
    /// UTC seconds; nil never expires.
    public var expiresAt: Int64?
    /// The currency the credits were bought in; nil for credits given (the platform's).
    public var currency: String?

    public init(id: String, tenantId: String?, remaining: Int, expiresAt: Int64?, currency: String? = nil) {
        self.id = id
        self.tenantId = tenantId
        self.remaining = remaining
        self.expiresAt = expiresAt
        self.currency = currency
    }

    public func isUsable(at now: Int64) -> Bool {
        remaining > 0 && (expiresAt.map { now < $0 } ?? true)
    }
}

/// Which credits pay for what: a direct booking spends credits of that gym; a marketplace
/// booking spends universal credits, at any gym that sells through the marketplace.
public enum CreditRules {
    public enum Purpose: Hashable, Sendable {
        case direct(tenantId: String)
        case marketplace
    }

    /// The credits usable now for `purpose`.
    public static func available(_ lots: [CreditLot], for purpose: Purpose, now: Int64) -> Int {
        lots.filter { matches($0, purpose) && $0.isUsable(at: now) }.reduce(0) { $0 + $1.remaining }
    }

    /// Which lots to draw `credits` from: those expiring soonest first (never-expiring last),
    /// then by id, so the choice is deterministic. Nil if there are not enough.
    public static func draw(_ credits: Int, from lots: [CreditLot], for purpose: Purpose, now: Int64) -> [(lotId: String, credits: Int)]? {
        let usable = lots.filter { matches($0, purpose) && $0.isUsable(at: now) }.sorted {
            switch ($0.expiresAt, $1.expiresAt) {
            case let (a?, b?) where a != b: a < b
            case (_?, nil): true
            case (nil, _?): false
            default: $0.id < $1.id
            }
        }
        var left = credits
        var draws: [(String, Int)] = []
        for lot in usable where left > 0 {
            let take = min(left, lot.remaining)
            draws.append((lot.id, take))
            left -= take
        }
        return left == 0 ? draws : nil
    }

    /// The lots whose unspent credits have expired by `now`, with how many: an expiry run
    /// posts their removal.
    public static func expired(_ lots: [CreditLot], now: Int64) -> [(lotId: String, credits: Int)] {
        lots.filter { lot in lot.remaining > 0 && (lot.expiresAt.map { now >= $0 } ?? false) }.map { ($0.id, $0.remaining) }
    }

    private static func matches(_ lot: CreditLot, _ purpose: Purpose) -> Bool {
        switch purpose {
        case .direct(let tenant): lot.tenantId == tenant
        case .marketplace: lot.tenantId == nil
        }
    }
}
