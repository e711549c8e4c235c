/// What a ledger amount counts: credits, or money in one currency's cents. A transaction
/// balances in each unit separately.
public enum LedgerUnit: Hashable, Sendable, CustomStringConvertible {
    case credits
    case cents(currency: String)

    /// "credits" or "ZAR cents": how the stores write the unit.
    public var description: String {
        switch self {
        case .credits: "credits"
        case .cents(let currency): "\(currency) cents"
        }
    }

    /// Reads back what `description` wrote.
    public init?(_ text: String) {
        if text == "credits" {
            self = .credits
        } else if text.hasSuffix(" cents"), text.count > 6 {
            self = .cents(currency: String(text.dropLast(6)))
        } else {
            return nil
        }
    }
}

/// A ledger account, named by what it holds.
public struct LedgerAccount: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var name: String

    public init(_ name: String) {
        self.name = name
    }

    public var description: String { name }
    public static func < (a: Self, b: Self) -> Bool { a.name < b.name }

    /// A member's credits at one gym, or universal marketplace credits when `tenant` is nil.
    public static func memberCredits(_ member: String, tenant: String?) -> Self {
        Self("member:\(member):credits:\(tenant ?? "universal")")
    }

    /// Where credits come from when sold or granted, and go back to when refunded or expired.
    public static func creditsIssued(tenant: String?) -> Self { Self("issued:credits:\(tenant ?? "universal")") }
    /// Credits spent on bookings at a gym.
    public static func creditsRedeemed(tenant: String) -> Self { Self("redeemed:credits:\(tenant)") }
    /// Credits that expired unspent.
    public static func creditsExpired(tenant: String?) -> Self { Self("expired:credits:\(tenant ?? "universal")") }
    /// Money members paid for universal credits, owed back as classes until they are spent.
    public static let creditLiability = Self("platform:credit-liability")
    public static let platformRevenue = Self("platform:revenue")
    /// What the platform owes a gym for marketplace bookings.
    public static func gymPayable(_ tenant: String) -> Self { Self("gym:\(tenant):payable") }
    /// What the platform has paid a gym out of its payable.
    public static func gymPaid(_ tenant: String) -> Self { Self("gym:\(tenant):paid") }
    /// Money received through a payment provider.
    public static let providerClearing = Self("platform:provider-clearing")
    /// The platform's position across currencies: a marketplace booking paid with credits bought
    /// in one currency at a gym paid in another moves the value through here, one posting per
    /// currency, so no transaction ever balances one currency against another.
    public static let currencyExchange = Self("platform:fx")
}

/// One side of a transaction: an amount in one unit into (positive) or out of (negative) an account.
public struct Posting: Hashable, Sendable {
    public var account: LedgerAccount
    public var unit: LedgerUnit
    public var amount: Int64

    public init(_ account: LedgerAccount, _ amount: Int64, _ unit: LedgerUnit) {
        self.account = account
        self.amount = amount
        self.unit = unit
    }
}

public enum LedgerError: Error, Equatable, Sendable {
    case unbalanced(LedgerUnit, Int64)
    case empty
    case zeroPosting(LedgerAccount)
    case duplicateTransaction(String)
    case unknownTransaction(String)
    case alreadyReversed(String)
    case wouldGoNegative(LedgerAccount, LedgerUnit)
}

/// A balanced, immutable set of postings. A correction is a new transaction that reverses an
/// old one; nothing is ever edited.
public struct LedgerTransaction: Hashable, Sendable {
    public let id: String
    /// Why: "booking", "refund", "purchase", "expiry", ...
    public let kind: String
    public let postings: [Posting]
    /// The transaction this one reverses, if it is a reversal.
    public let reverses: String?
    /// UTC seconds.
    public let createdAt: Int64

    /// Checks that the postings balance in every unit.
    public init(id: String, kind: String, postings: [Posting], reverses: String? = nil, createdAt: Int64) throws(LedgerError) {
        guard postings.count >= 2 else { throw .empty }
        if let zero = postings.first(where: { $0.amount == 0 }) { throw .zeroPosting(zero.account) }
        var sums: [LedgerUnit: Int64] = [:]
        for posting in postings { sums[posting.unit, default: 0] += posting.amount }
        if let (unit, sum) = sums.first(where: { $0.value != 0 }) { throw .unbalanced(unit, sum) }
        self.id = id
        self.kind = kind
        self.postings = postings
        self.reverses = reverses
        self.createdAt = createdAt
    }

    /// The transaction that undoes this one: every posting negated.
    public func reversal(id: String, kind: String, at time: Int64) -> LedgerTransaction {
        // The negation of a balanced set is balanced, so this cannot throw.
        try! LedgerTransaction(
            id: id, kind: kind, postings: postings.map { Posting($0.account, -$0.amount, $0.unit) }, reverses: self.id,
            createdAt: time
        )
    }
}
