import Booking
import Testing

@Suite struct CreditRulesTests {
    let lots = [
        CreditLot(id: "gym-a-late", tenantId: "a", remaining: 3, expiresAt: 5_000),
        CreditLot(id: "gym-a-soon", tenantId: "a", remaining: 2, expiresAt: 2_000),
        CreditLot(id: "gym-a-forever", tenantId: "a", remaining: 4, expiresAt: nil),
        CreditLot(id: "gym-b", tenantId: "b", remaining: 10, expiresAt: nil),
        CreditLot(id: "universal", tenantId: nil, remaining: 6, expiresAt: 3_000),
    ]

    @Test func gymCreditsPayAtTheirGymAndUniversalCreditsAtTheMarketplace() {
        #expect(CreditRules.available(lots, for: .direct(tenantId: "a"), now: 1_000) == 9)
        #expect(CreditRules.available(lots, for: .direct(tenantId: "c"), now: 1_000) == 0)
        #expect(CreditRules.available(lots, for: .marketplace, now: 1_000) == 6)
        #expect(CreditRules.available(lots, for: .marketplace, now: 3_000) == 0, "expired credits cannot be spent")
    }

    @Test func soonestExpiringFirst() {
        let draw = CreditRules.draw(6, from: lots, for: .direct(tenantId: "a"), now: 1_000)
        #expect(draw?.map(\.lotId) == ["gym-a-soon", "gym-a-late", "gym-a-forever"])
        #expect(draw?.map(\.credits) == [2, 3, 1])
        #expect(CreditRules.draw(10, from: lots, for: .direct(tenantId: "a"), now: 1_000) == nil)
        #expect(CreditRules.draw(2, from: lots, for: .direct(tenantId: "a"), now: 2_500)?.map(\.lotId) == ["gym-a-late"])
    }

    @Test func expiryRun() {
        #expect(CreditRules.expired(lots, now: 1_999).isEmpty)
        #expect(CreditRules.expired(lots, now: 3_000).map(\.lotId) == ["gym-a-soon", "universal"])
    }
}
