import Booking
import Foundation
import Payments
import Storage
import TestSupport
import Testing

@Suite struct PaymentStoreTests {
    let sandbox = SandboxProvider(webhookSecret: "whsec_" + Data("sandbox-secret-key-for-tests-0123".utf8).base64EncodedString())!

    func webhook(_ type: String, payment: String, event: String, at time: Int64) -> WebhookRequest {
        sandbox.webhook(
            for: type == "payment.succeeded" ? .paymentSucceeded(paymentId: payment) : .paymentFailed(paymentId: payment), eventId: event, at: time
        )
    }

    static func order(_ credits: Int, _ price: Money, tenant: String? = nil, validityDays: Int? = nil) -> CreditOrder {
        CreditOrder(tenant: tenant, packageId: "test-\(credits)", credits: credits, price: price, validityDays: validityDays, description: "\(credits) credits")
    }

    @Test(arguments: StoreKind.allCases)
    func retriesCreateOnePaymentAndReusedKeysAreRefused(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let member = try await f.member("zawadi", credits: 0)
        let price = Money(cents: 25_000, currency: "ZAR")
        let first = try await f.store.payments.startCreditPurchase(member: member, order: Self.order(5, price), provider: "sandbox", idempotencyKey: "k-1", now: f.now)
        let again = try await f.store.payments.startCreditPurchase(member: member, order: Self.order(5, price), provider: "sandbox", idempotencyKey: "k-1", now: f.now + 60)
        #expect(first == again && first.status == .pending)
        await #expect(throws: StoreError.unprocessable("Idempotency-Key was already used with different parameters")) {
            try await f.store.payments.startCreditPurchase(member: member, order: Self.order(6, price), provider: "sandbox", idempotencyKey: "k-1", now: f.now)
        }
        // Nothing is credited before the provider confirms.
        #expect(try await f.store.ledger.credits(member: member, tenant: nil, now: f.now) == 0)
    }

    /// A forged signature, a stale timestamp and a replay each leave balances unchanged; the
    /// real confirmation adds the credits exactly once.
    @Test(arguments: StoreKind.allCases)
    func webhooksCreditExactlyOnce(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let member = try await f.member("baraka", credits: 0)
        let payment = try await f.store.payments.startCreditPurchase(
            member: member, order: Self.order(4, Money(cents: 20_000, currency: "ZAR")), provider: "sandbox",
            idempotencyKey: "buy-4", now: f.now
        )
        var forged = webhook("payment.succeeded", payment: payment.paymentId, event: "evt-1", at: f.now)
        forged.headers["webhook-signature"] = "v1," + Data(repeating: 1, count: 32).base64EncodedString()
        #expect(throws: WebhookRejection.badSignature) { try sandbox.verifiedEvent(forged, now: f.now) }
        let stale = webhook("payment.succeeded", payment: payment.paymentId, event: "evt-1", at: f.now - 600)
        #expect(throws: WebhookRejection.stale(ageSeconds: 600)) { try sandbox.verifiedEvent(stale, now: f.now) }
        #expect(try await f.store.ledger.credits(member: member, tenant: nil, now: f.now) == 0)

        let real = webhook("payment.succeeded", payment: payment.paymentId, event: "evt-1", at: f.now)
        #expect(try await f.store.payments.apply(sandbox.verifiedEvent(real, now: f.now + 5), now: f.now + 5)
            == .credited(paymentId: payment.paymentId, credits: 4))
        #expect(try await f.store.payments.apply(sandbox.verifiedEvent(real, now: f.now + 10), now: f.now + 10) == .ignored)
        // Another event about the same payment settles nothing twice.
        let second = webhook("payment.succeeded", payment: payment.paymentId, event: "evt-2", at: f.now)
        #expect(try await f.store.payments.apply(sandbox.verifiedEvent(second, now: f.now + 20), now: f.now + 20) == .ignored)
        #expect(try await f.store.ledger.credits(member: member, tenant: nil, now: f.now) == 4)
        let audit = try await f.store.ledger.auditLedger()
        #expect(audit.isClean, "\(audit)")
    }
}
