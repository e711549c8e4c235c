import Booking
import Storage
import Testing
import TestSupport

@Suite struct PayableTests {
    @Test(arguments: StoreKind.allCases)
    func aGymReadsWhatItIsOwed(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind, tier: .pro)
        let member = try await f.member("owed", credits: 0, universal: 6)
        let first = try await f.store.bookings.book(member: member, sessionId: f.sessions[3], marketplace: true, now: f.now)
        _ = try await f.store.bookings.book(member: member, sessionId: f.sessions[4], marketplace: true, now: f.now + 60)
        // Two bookings of 2 credits × R50.00 at 12 %: R88.00 owed for each.
        var payable = try await f.store.ledger.payable(tenant: f.tenant.id, currency: "ZAR")
        #expect(payable.owed == Money(cents: 17_600, currency: "ZAR"))
        #expect(payable.postings.map(\.owed) == [8_800, 8_800])
        _ = try await f.store.bookings.cancel(bookingId: first.bookingId, member: member, reason: nil, now: f.now + 120)
        payable = try await f.store.ledger.payable(tenant: f.tenant.id, currency: "ZAR")
        #expect(payable.owed == Money(cents: 8_800, currency: "ZAR"))
        #expect(payable.postings.first?.kind == "refund" && payable.postings.first?.owed == -8_800)
    }
}
