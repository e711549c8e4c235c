import Foundation
import Payments
import Testing
import TestSupport

/// Each provider's bodies read as the store's events, with our ids from their metadata.
@Suite struct ProviderEventTests {
    @Test func stripeEvents() throws {
        let stripe = StripeProvider(webhookSecret: "whsec_stripe")
        func event(_ json: String) throws -> ProviderEvent {
            try stripe.event(from: VerifiedWebhook(eventId: "evt", body: Data(json.utf8)))
        }
        #expect(try event(#"{"id":"evt","type":"checkout.session.completed","data":{"object":{"payment_status":"paid","metadata":{"payment_id":"p1"}}}}"#)
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
                      .subscriptionRenewed(subscriptionId: "s", periodEnd: 99), .subscriptionPaymentFailed(subscriptionId: "s"),
                      .refundSucceeded(refundId: "r"), .refundFailed(refundId: "r")] {
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

    /// Yoco's own sample events (developer.yoco.com, webhooks): a payment names its checkout in
    /// `payload.metadata.checkoutId`, a refund is `payload.id`.
    @Test func yocoSampleEvents() throws {
        let yoco = YocoProvider(webhookSecret: "whsec_" + Data("sandbox-key-0123456789abcdefghij".utf8).base64EncodedString())!
        func event(_ json: String) throws -> ProviderEvent { try yoco.event(from: VerifiedWebhook(eventId: "evt", body: Data(json.utf8))) }
        #expect(try event("""
            {"id":"evt_1EAwK8Mjy2DT38WIWntiZWxm","type":"payment.succeeded","createdDate":"2024-06-15T15:51:55.260284Z",
             "payload":{"id":"p_bx4bY9JA6r4UwAKFyAjHY2bE","type":"payment","amount":900,"currency":"ZAR","status":"succeeded","mode":"live",
                        "paymentMethodDetails":{"type":"card","card":{"expiryMonth":2,"expiryYear":30,"maskedCard":"************1111","scheme":"visa"}},
                        "metadata":{"checkoutId":"ch_9LVKD8GnAj7f39DFbn4F16bE"}}}
            """) == .paymentSucceeded(paymentId: "ch_9LVKD8GnAj7f39DFbn4F16bE"))
        #expect(try event("""
            {"id":"evt_2","type":"refund.succeeded","createdDate":"2024-06-15T15:51:55.260284Z",
             "payload":{"id":"rfd_ZgjMZb2A8VpSAZBte6ku1w6E","type":"refund","amount":900,"currency":"ZAR","paymentId":"p_bx4bY9JA6r4UwAKFyAjHY2bE",
                        "status":"succeeded","mode":"live","metadata":{"checkoutId":"ch_9LVKD8GnAj7f39DFbn4F16bE"}}}
            """) == .refundSucceeded(refundId: "rfd_ZgjMZb2A8VpSAZBte6ku1w6E"))
    }

    /// Stripe's events built from Stripe's own example objects, changed only where a real event
    /// of ours would differ (our metadata, a paid status).
    @Test func stripeEventsShapedAsStripeSendsThem() throws {
        let stripe = StripeProvider(webhookSecret: "whsec_stripe")
        func event(_ type: String, _ object: [String: Any]) throws -> ProviderEvent {
            try stripe.event(from: VerifiedWebhook(eventId: "evt", body: StripeFixtures.event(type, id: "evt", object: object)))
        }
        // An invoice names its subscription under parent.subscription_details, with the
        // subscription's metadata (ours) beside it; the period is on its lines.
        var invoice = try StripeFixtures.object("invoice")
        var parent = invoice["parent"] as! [String: Any]
        var details = parent["subscription_details"] as! [String: Any]
        let periodEnd = ((invoice["lines"] as! [String: Any])["data"] as! [[String: Any]]).compactMap { ($0["period"] as? [String: Any])?["end"] as? Int64 }.max()!
        #expect(try event("invoice.paid", invoice) == .subscriptionRenewed(subscriptionId: details["subscription"] as! String, periodEnd: periodEnd))
        details["metadata"] = ["subscription_id": "sub-ours"]
        parent["subscription_details"] = details
        invoice["parent"] = parent
        #expect(try event("invoice.paid", invoice) == .subscriptionRenewed(subscriptionId: "sub-ours", periodEnd: periodEnd))
        #expect(try event("invoice.payment_failed", invoice) == .subscriptionPaymentFailed(subscriptionId: "sub-ours"))
        // The older shape: the subscription at the top level.
        var older = try StripeFixtures.object("invoice")
        older["parent"] = NSNull()
        older["subscription"] = "sub_older"
        #expect(try event("invoice.paid", older) == .subscriptionRenewed(subscriptionId: "sub_older", periodEnd: periodEnd))

        // A Checkout Session: unpaid (a delayed method) settles nothing; paid names our payment and its payment intent.
        var session = try StripeFixtures.object("checkout.session")
        #expect(try event("checkout.session.completed", session) == .unhandled(type: "checkout.session.completed (unpaid)"))
        session["payment_status"] = "paid"
        session["metadata"] = ["payment_id": "pay-7"]
        #expect(try event("checkout.session.completed", session) == .paymentSucceeded(paymentId: "pay-7", charge: session["payment_intent"] as? String))
        #expect(try event("checkout.session.expired", session) == .paymentFailed(paymentId: "pay-7"))
        session["mode"] = "subscription"
        session["metadata"] = ["subscription_id": "sub-ours"]
        session["subscription"] = "sub_1Pgc"
        #expect(try event("checkout.session.completed", session) == .subscriptionStarted(subscriptionId: "sub-ours", providerReference: "sub_1Pgc"))

        // A refund: succeeded, or failed, named by our id in its metadata.
        var refund = try StripeFixtures.object("refund")
        refund["metadata"] = ["refund_id": "ref-ours"]
        #expect(try event("refund.updated", refund) == .refundSucceeded(refundId: "ref-ours"))
        refund["status"] = "failed"
        #expect(try event("refund.failed", refund) == .refundFailed(refundId: "ref-ours"))
    }
}
