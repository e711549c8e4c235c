public import Domain


/// The platform's commission per tier, in basis points (1/100 of a percent).
public struct CommissionRates: Sendable, Equatable {
    public var basisPoints: [SubscriptionTier: Int64]

    public init(basisPoints: [SubscriptionTier: Int64]) {
        precondition(basisPoints.values.allSatisfy { (0...10_000).contains($0) }, "a rate lies between 0 % and 100 %")
        precondition(Set(basisPoints.keys) == Set(SubscriptionTier.allCases), "every tier needs a rate")
        self.basisPoints = basisPoints
    }

    /// Starter 20 %, growth 15 %, pro 12 %, enterprise 10 %.
    public static let standard = CommissionRates(basisPoints: [.starter: 2_000, .growth: 1_500, .pro: 1_200, .enterprise: 1_000])
}

/// How a marketplace booking's price divides between the platform and the gym.
public struct MarketplaceSplit: Hashable, Sendable {
    public var price: Money
    /// The platform's commission: the price times the tier's rate, rounded to the nearest cent
    /// (halves up).
    public var commission: Money
    /// What the gym is owed: the price less the commission, so the two always add up.
    public var payout: Money

    /// Splits the price of `credits` credits worth `creditValue` each.
    public init(credits: Int, creditValue: Money, tier: SubscriptionTier, rates: CommissionRates = .standard) {
        precondition(credits >= 0 && creditValue.cents >= 0, "prices are not negative")
        let price = Int64(credits) * creditValue.cents
        let rate = rates.basisPoints[tier]!
        let commission = (price * rate + 5_000) / 10_000
        self.price = Money(cents: price, currency: creditValue.currency)
        self.commission = Money(cents: commission, currency: creditValue.currency)
        self.payout = Money(cents: price - commission, currency: creditValue.currency)
    }
}
