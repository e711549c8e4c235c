import Booking
import Foundation
import Payments
import Storage
import Testing
import TestSupport

@Suite struct SubscriptionTests {
    let sandbox = SandboxProvider(webhookSecret: "whsec_" + Data("sandbox-secret-key-for-tests-0123".utf8).base64EncodedString())!
    static let month: Int64 = 30 * 86_400

    func event(_ f: StoreFixture, _ type: String, subscription: String, periodEnd: Int64? = nil, id: String = UUID().uuidString) async throws -> WebhookOutcome {
        let event: ProviderEvent = type == "subscription.renewed"
            ? .subscriptionRenewed(subscriptionId: subscription, periodEnd: periodEnd!) : .subscriptionPaymentFailed(subscriptionId: subscription)
        return try await f.store.payments.apply(sandbox.verifiedEvent(sandbox.webhook(for: event, eventId: id, at: f.now), now: f.now), now: f.now)
    }

    /// Monthly credits, each month's lot living one month past its own, so unused credits roll
    /// over once and never pile up beyond one month's amount.
    @Test(arguments: StoreKind.allCases)
    func creditPlansRenewAndRollOverOnce(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let member = try await f.member("plan", credits: 0)
        let id = try await f.store.payments.subscribe(
            member: member, plan: .memberCredits(credits: 10, tenant: nil), price: Money(cents: 45_000, currency: "ZAR"), provider: "sandbox", now: f.now
        )
        #expect(try await f.store.ledger.credits(member: member, tenant: nil, now: f.now) == 0, "nothing before the provider confirms")
        let firstEnd = f.now + Self.month
        #expect(try await event(f, "subscription.renewed", subscription: id, periodEnd: firstEnd, id: "r1")
            == .renewed(subscriptionId: id, credits: 10, periodEnd: firstEnd))
        #expect(try await event(f, "subscription.renewed", subscription: id, periodEnd: firstEnd, id: "r1") == .ignored, "replay")
        _ = try await event(f, "subscription.renewed", subscription: id, periodEnd: firstEnd + Self.month, id: "r2")
        // In the second month: this month's 10 and last month's 10.
        #expect(try await f.store.ledger.credits(member: member, tenant: nil, now: firstEnd + 1) == 20)
        // In the third month (not renewed): only the second month's lot is left.
        #expect(try await f.store.ledger.credits(member: member, tenant: nil, now: firstEnd + Self.month + 1) == 10)
        #expect(try await f.store.ledger.credits(member: member, tenant: nil, now: firstEnd + 2 * Self.month + 1) == 0)
        #expect(try await f.store.ledger.auditLedger().isClean)
    }

    @Test(arguments: StoreKind.allCases)
    func cancellingStopsRenewalAtThePeriodsEnd(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let member = try await f.member("leaver", credits: 0)
        let id = try await f.store.payments.subscribe(
            member: member, plan: .memberCredits(credits: 4, tenant: f.tenant.id), price: Money(cents: 20_000, currency: "ZAR"), provider: "sandbox", now: f.now
        )
        _ = try await event(f, "subscription.renewed", subscription: id, periodEnd: f.now + 100)
        try await f.store.payments.cancelSubscription(id: id, member: member, now: f.now)
        await #expect(throws: StoreError.notFound("subscription")) { try await f.store.payments.cancelSubscription(id: id, member: "someone-else", now: f.now) }
        #expect(try await f.store.payments.endCancelledSubscriptions(now: f.now + 99) == 0)
        #expect(try await f.store.payments.endCancelledSubscriptions(now: f.now + 100) == 1)
        #expect(try await event(f, "subscription.renewed", subscription: id, periodEnd: f.now + 200) == .ignored)
        #expect(try await f.store.ledger.credits(member: member, tenant: f.tenant.id, now: f.now) == 4)
    }

    @Test(arguments: StoreKind.allCases)
    func failedRenewalsLapseOnTheThird(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let member = try await f.member("lapse", credits: 0)
        let id = try await f.store.payments.subscribe(
            member: member, plan: .memberCredits(credits: 4, tenant: nil), price: Money(cents: 20_000, currency: "ZAR"), provider: "sandbox", now: f.now
        )
        _ = try await event(f, "subscription.renewed", subscription: id, periodEnd: f.now + Self.month)
        #expect(try await event(f, "subscription.payment_failed", subscription: id) == .renewalFailed(subscriptionId: id, lapsed: false))
        #expect(try await event(f, "subscription.payment_failed", subscription: id) == .renewalFailed(subscriptionId: id, lapsed: false))
        #expect(try await event(f, "subscription.payment_failed", subscription: id) == .renewalFailed(subscriptionId: id, lapsed: true))
        #expect(try await event(f, "subscription.renewed", subscription: id, periodEnd: f.now + 2 * Self.month) == .ignored)
    }

    /// A gym's tier sets its commission from its next booking on; only its owner can buy one.
    @Test(arguments: StoreKind.allCases)
    func gymTiersSetTheCommission(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind, tier: .starter)
        let owner = try await f.member("owner", credits: 0), stranger = try await f.member("stranger", credits: 0)
        try await f.store.staff.grantRole(user: owner, tenant: f.tenant.id, role: .owner)
        await #expect(throws: StoreError.refused(.forbidden)) {
            try await f.store.payments.subscribe(member: stranger, plan: .gymTier(tenant: f.tenant.id, tier: .pro), price: Money(cents: 99_900, currency: "ZAR"), provider: "sandbox", now: f.now)
        }
        let member = try await f.member("buyer", credits: 0, universal: 6)
        let before = try await f.store.bookings.book(member: member, sessionId: f.sessions[2], marketplace: true, now: f.now)
        #expect(before.marketplaceFee?.cents == 2_000)  // starter: 20 % of R100.00
        let id = try await f.store.payments.subscribe(
            member: owner, plan: .gymTier(tenant: f.tenant.id, tier: .pro), price: Money(cents: 99_900, currency: "ZAR"), provider: "sandbox", now: f.now
        )
        _ = try await event(f, "subscription.renewed", subscription: id, periodEnd: f.now + Self.month)
        let after = try await f.store.bookings.book(member: member, sessionId: f.sessions[3], marketplace: true, now: f.now)
        #expect(after.marketplaceFee?.cents == 1_200)  // pro: 12 %
    }
}
