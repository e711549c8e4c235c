import Foundation
import Payments
import Testing

@Suite struct WebhookVerifierTests {
    let yoco = StandardWebhookVerifier(secret: "whsec_" + Data("yoco-test-secret-key-0123456789ab".utf8).base64EncodedString())!
    let body = Data(#"{"type":"payment.succeeded","payload":{"id":"p_1","amount":50000}}"#.utf8)

    @Test func standardWebhooksAcceptsWhatItSigned() throws {
        let headers = yoco.sign(id: "evt_1", timestamp: 1_000, body: body)
        let verified = try yoco.verify(WebhookRequest(headers: headers, body: body), now: 1_100)
        #expect(verified == VerifiedWebhook(eventId: "evt_1", body: body))
        // Header names in any case.
        let shouted = Dictionary(uniqueKeysWithValues: headers.map { ($0.key.uppercased(), $0.value) })
        #expect(try yoco.verify(WebhookRequest(headers: shouted, body: body), now: 1_000).eventId == "evt_1")
    }

    @Test func standardWebhooksRefusals() {
        let headers = yoco.sign(id: "evt_1", timestamp: 1_000, body: body)
        // A changed body, another key, a missing header, a clock three minutes and a second off.
        #expect(throws: WebhookRejection.badSignature) {
            try yoco.verify(WebhookRequest(headers: headers, body: Data(#"{"amount":99999}"#.utf8)), now: 1_000)
        }
        let other = StandardWebhookVerifier(secret: "whsec_" + Data("another-secret-key-0123456789abcd".utf8).base64EncodedString())!
        #expect(throws: WebhookRejection.badSignature) { try other.verify(WebhookRequest(headers: headers, body: body), now: 1_000) }
        var missing = headers
        missing["webhook-timestamp"] = nil
        #expect(throws: WebhookRejection.missingHeaders) { try yoco.verify(WebhookRequest(headers: missing, body: body), now: 1_000) }
        #expect(throws: WebhookRejection.stale(ageSeconds: 181)) { try yoco.verify(WebhookRequest(headers: headers, body: body), now: 1_181) }
        #expect(throws: WebhookRejection.stale(ageSeconds: -181)) { try yoco.verify(WebhookRequest(headers: headers, body: body), now: 819) }
        #expect(StandardWebhookVerifier(secret: "whsec_not base64!") == nil)
    }

    @Test func stripeSignatures() throws {
        let stripe = StripeWebhookVerifier(secret: "whsec_stripe_test")
        let event = Data(#"{"id":"evt_42","type":"checkout.session.completed"}"#.utf8)
        let headers = stripe.sign(timestamp: 5_000, body: event)
        #expect(try stripe.verify(WebhookRequest(headers: headers, body: event), now: 5_300).eventId == "evt_42")
        #expect(throws: WebhookRejection.stale(ageSeconds: 301)) { try stripe.verify(WebhookRequest(headers: headers, body: event), now: 5_301) }
        #expect(throws: WebhookRejection.badSignature) {
            try StripeWebhookVerifier(secret: "whsec_other").verify(WebhookRequest(headers: headers, body: event), now: 5_000)
        }
        #expect(throws: WebhookRejection.missingHeaders) {
            try stripe.verify(WebhookRequest(headers: ["Stripe-Signature": "t=5000"], body: event), now: 5_000)
        }
        // A forged v1 beside the real one changes nothing; a real one beside a forged one passes.
        let both = ["Stripe-Signature": headers["Stripe-Signature"]! + ",v1=" + String(repeating: "0", count: 64)]
        #expect(try stripe.verify(WebhookRequest(headers: both, body: event), now: 5_000).eventId == "evt_42")
    }
}
