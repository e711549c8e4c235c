import Foundation
import Payments
import Testing

/// Each provider's bodies read as the store's events, with our ids from their metadata.
@Suite struct ProviderEventTests {
    @Test func stripeEvents() throws {
        let stripe = StripeProvider(webhookSecret: "whsec_stripe")
        func event(_ json: String) throws -> ProviderEvent {
            try stripe.event(from: VerifiedWebhook(eventId: "evt", body: Data(json.utf8)))
        }
        #expect(try event(#"{"id":"evt","type":"checkout.session.completed","data":{"object":{"metadata":{"payment_id":"p1"}}}}"#)
            == .paymentSucceeded(paymentId: "p1"))
        #expect(try event(#"{"id":"evt","type":"payment_intent.payment_failed","data":{"object":{"metadata":{"payment_id":"p1"}}}}"#)
            == .paymentFailed(paymentId: "p1"))
        #expect(try event(#"{"id":"evt","type":"invoice.paid","data":{"object":{"metadata":{"subscription_id":"s1"},"period_end":1800000000}}}"#)
            == .subscriptionRenewed(subscriptionId: "s1", periodEnd: 1_800_000_000))
        #expect(try event(#"{"id":"evt","type":"invoice.payment_failed","data":{"object":{"metadata":{"subscription_id":"s1"}}}}"#)
            == .subscriptionPaymentFailed(subscriptionId: "s1"))
        #expect(try event(#"{"id":"evt","type":"customer.created","data":{"object":{}}}"#) == .unhandled(type: "customer.created"))
        #expect(throws: ProviderError.self) { try event(#"{"nope":true}"#) }
    }

    @Test func sandboxWebhooksVerifyAndReadBack() throws {
        let sandbox = SandboxProvider(webhookSecret: "whsec_" + Data("sandbox-key-0123456789abcdefghij".utf8).base64EncodedString())!
        for event in [ProviderEvent.paymentSucceeded(paymentId: "p"), .paymentFailed(paymentId: "p"),
                      .subscriptionRenewed(subscriptionId: "s", periodEnd: 99), .subscriptionPaymentFailed(subscriptionId: "s")] {
            let request = sandbox.webhook(for: event, eventId: "e", at: 1_000)
            let verified = try sandbox.verifier.verify(request, now: 1_000)
            #expect(try sandbox.event(from: verified) == event)
        }
        let yoco = YocoProvider(webhookSecret: "whsec_" + Data("sandbox-key-0123456789abcdefghij".utf8).base64EncodedString())!
        #expect(try yoco.event(from: VerifiedWebhook(eventId: "e", body: Data(#"{"type":"payment.succeeded","payload":{"metadata":{"payment_id":"p9"}}}"#.utf8)))
            == .paymentSucceeded(paymentId: "p9"))
        #expect(throws: ProviderError.self) {
            try yoco.event(from: VerifiedWebhook(eventId: "e", body: Data(#"{"type":"payment.succeeded","payload":{"metadata":{}}}"#.utf8)))
        }
    }
}
