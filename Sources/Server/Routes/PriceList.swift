import Booking
import Domain

/// What the platform sells, priced from the value of one credit so that every currency gets
/// the same list: credit packages (bigger ones cheaper per credit), monthly credit plans, and
/// the gyms' platform tiers. All amounts are integer cents.
struct PriceList: Sendable {
    let creditValue: Money

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

    var all: [Package] {
        Self.packages.map { package("credits-\($0.credits)", $0.credits, $0.percent, recurring: false) }
            + Self.plans.map { package("plan-\($0.credits)", $0.credits, $0.percent, recurring: true) }
    }

    func package(id: String) -> Package? { all.first { $0.id == id } }

    func tierPrice(_ tier: SubscriptionTier) -> Money {
        Money(cents: Self.tierCredits[tier]! * creditValue.cents, currency: creditValue.currency)
    }

    private func package(_ id: String, _ credits: Int, _ percent: Int64, recurring: Bool) -> Package {
        Package(
            id: id, credits: credits, priceCents: Int64(credits) * creditValue.cents * percent / 100, currency: creditValue.currency,
            recurring: recurring
        )
    }
}
