import Booking
import Testing
import Domain

@Suite struct CommissionTests {
    struct Row: CustomTestStringConvertible {
        var credits: Int, valueCents: Int64, tier: SubscriptionTier, commission: Int64, payout: Int64
        var testDescription: String { "\(credits) × \(valueCents)c at \(tier.rawValue)" }
    }

    /// Every tier, whole and odd cents, and exact halves (which round up, to the platform).
    @Test(arguments: [
        Row(credits: 1, valueCents: 5_000, tier: .starter, commission: 1_000, payout: 4_000),
        Row(credits: 1, valueCents: 5_000, tier: .growth, commission: 750, payout: 4_250),
        Row(credits: 1, valueCents: 5_000, tier: .pro, commission: 600, payout: 4_400),
        Row(credits: 1, valueCents: 5_000, tier: .enterprise, commission: 500, payout: 4_500),
        Row(credits: 1, valueCents: 3_333, tier: .starter, commission: 667, payout: 2_666),
        Row(credits: 1, valueCents: 3_333, tier: .growth, commission: 500, payout: 2_833),
        Row(credits: 1, valueCents: 3_333, tier: .pro, commission: 400, payout: 2_933),
        Row(credits: 1, valueCents: 3_333, tier: .enterprise, commission: 333, payout: 3_000),
        Row(credits: 3, valueCents: 1_999, tier: .pro, commission: 720, payout: 5_277),
        Row(credits: 1, valueCents: 10, tier: .growth, commission: 2, payout: 8),
        Row(credits: 1, valueCents: 25, tier: .enterprise, commission: 3, payout: 22),
        Row(credits: 1, valueCents: 1, tier: .starter, commission: 0, payout: 1),
        Row(credits: 1, valueCents: 3, tier: .growth, commission: 0, payout: 3),
        Row(credits: 1, valueCents: 4, tier: .growth, commission: 1, payout: 3),
        Row(credits: 0, valueCents: 5_000, tier: .starter, commission: 0, payout: 0),
    ])
    func split(_ row: Row) {
        let split = MarketplaceSplit(credits: row.credits, creditValue: Money(cents: row.valueCents, currency: "ZAR"), tier: row.tier)
        #expect(split.commission.cents == row.commission)
        #expect(split.payout.cents == row.payout)
        #expect(split.commission.cents + split.payout.cents == split.price.cents)
        #expect(split.price.currency == "ZAR" && split.payout.currency == "ZAR")
    }

    @Test func neverLosesACent() {
        for credits in 0...12 {
            for value in [1, 7, 99, 1_999, 4_999, 12_345] as [Int64] {
                for tier in SubscriptionTier.allCases {
                    let split = MarketplaceSplit(credits: credits, creditValue: Money(cents: value, currency: "NGN"), tier: tier)
                    #expect(split.commission.cents + split.payout.cents == Int64(credits) * value)
                    // Within half a cent of the exact share.
                    let exact = Double(Int64(credits) * value) * Double(CommissionRates.standard.basisPoints[tier]!) / 10_000
                    #expect(abs(Double(split.commission.cents) - exact) <= 0.5)
                }
            }
        }
    }

    @Test func configurableRates() {
        let rates = CommissionRates(basisPoints: [.starter: 2_500, .growth: 0, .pro: 1_250, .enterprise: 10_000])
        let value = Money(cents: 8_000, currency: "KES")
        #expect(MarketplaceSplit(credits: 1, creditValue: value, tier: .starter, rates: rates).commission.cents == 2_000)
        #expect(MarketplaceSplit(credits: 1, creditValue: value, tier: .growth, rates: rates).payout.cents == 8_000)
        #expect(MarketplaceSplit(credits: 1, creditValue: value, tier: .enterprise, rates: rates).payout.cents == 0)
        #expect(Money(cents: -1_505, currency: "ZAR").description == "-ZAR 15.05")
    }
}
