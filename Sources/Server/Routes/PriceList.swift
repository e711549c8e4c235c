import Booking
import Domain

/// What the platform sells, priced from the value of one credit so that every currency gets
/// the same list: credit packages (bigger ones cheaper per credit), monthly credit plans, and
/// the gyms' platform tiers. All amounts are integer minor units.
struct PriceList: Sendable {
    let currencies: Currencies

    struct Package: Encodable, Sendable, Equatable {
        var id: String
        var credits: Int
        var priceCents: Int64
        var currency: String
        /// Monthly when true (a subscription), else a one-off purchase.
        var recurring: Bool
    }

    /// Credits, and the percentage of their face value charged.
    static let packages: [(credits: Int, percent: Int64)] = [(5, 100), (10, 95), (20, 90), (40, 85)]
    static let plans: [(credits: Int, percent: Int64)] = [(8, 90), (16, 85)]
    /// A gym's monthly tier fee, in credits' worth.
    static let tierCredits: [SubscriptionTier: Int64] = [.starter: 10, .growth: 20, .pro: 40, .enterprise: 100]

    /// The list in the platform's currency.
    var all: [Package] { all(in: currencies.base.currency)! }

    /// The list in `currency` (universal credits are bought in the member's own), or nil when
    /// the platform does not deal in it.
    func all(in currency: String) -> [Package]? {
        guard let value = currencies.creditValue(in: currency) else { return nil }
        return Self.packages.map { package("credits-\($0.credits)", $0.credits, $0.percent, value, recurring: false) }
            + Self.plans.map { package("plan-\($0.credits)", $0.credits, $0.percent, value, recurring: true) }
    }

    func package(id: String, in currency: String? = nil) -> Package? {
        all(in: currency ?? currencies.base.currency)?.first { $0.id == id }
    }

    /// A gym's tier is the platform's fee, charged in the platform's currency.
    func tierPrice(_ tier: SubscriptionTier) -> Money {
        Money(cents: Self.tierCredits[tier]! * currencies.base.cents, currency: currencies.base.currency)
    }

    private func package(_ id: String, _ credits: Int, _ percent: Int64, _ value: Money, recurring: Bool) -> Package {
        Package(id: id, credits: credits, priceCents: Int64(credits) * value.cents * percent / 100, currency: value.currency, recurring: recurring)
    }
}
