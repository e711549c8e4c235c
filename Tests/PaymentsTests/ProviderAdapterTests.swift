import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Payments
import Testing
import TestSupport

/// The Yoco and Stripe adapters against stand-ins for their APIs on loopback: the exact paths,
/// headers and bodies they send, and how a refusal, a 5xx and a timeout read.
@Suite("Provider adapters")
struct ProviderAdapterTests {
    static let secret = "whsec_" + Data("provider-adapter-test-secret-0123".utf8).base64EncodedString()

    static func request(_ kind: CheckoutRequest.Kind = .oneOff, currency: String = "ZAR") -> CheckoutRequest {
        CheckoutRequest(
            reference: "pay-1", kind: kind, amountCents: 47_500, currency: currency, description: "10 credits at Zen Yoga",
            customerEmail: "thandi@example.com", successURL: "https://studioloop.example/checkout/return?result=success",
            cancelURL: "https://studioloop.example/checkout/return?result=cancel", metadata: ["payment_id": "pay-1"]
        )
    }

    @Test("Yoco: a checkout is POST /checkouts with cents, currency, return URLs, our metadata and the idempotency key; a refund names the checkout")
    func yocoCheckoutAndRefund() async throws {
        let standIn = ProviderStandIn([
            .json(200, #"{"id":"ch_9LVKD8GnAj7f39DFbn4F16bE","redirectUrl":"https://c.yoco.com/checkout/ch_9LVKD8GnAj7f39DFbn4F16bE","status":"created"}"#),
            .json(202, #"{"id":"ch_9LVKD8GnAj7f39DFbn4F16bE","refundId":"rfd_r72Lbce7jZ46y7HgycNJ5Fvrb","message":"Your refund has been processed","status":"successful"}"#),
        ])
        try await standIn.application.test(.live) { client in
            let yoco = try #require(YocoProvider(webhookSecret: Self.secret, secretKey: "sk_test_yoco", baseURL: "http://127.0.0.1:\(client.port!)/api"))
            let checkout = try await yoco.createCheckout(Self.request())
            #expect(checkout == Checkout(providerReference: "ch_9LVKD8GnAj7f39DFbn4F16bE", url: "https://c.yoco.com/checkout/ch_9LVKD8GnAj7f39DFbn4F16bE"))
            let refund = try await yoco.refund(RefundRequest(reference: "ref-1", paymentReference: checkout.providerReference, amountCents: 23_750, currency: "ZAR"))
            #expect(refund == "rfd_r72Lbce7jZ46y7HgycNJ5Fvrb")
            // A subscription is not Yoco's to take: refused before any call.
            await #expect(throws: ProviderCallError.self) { try await yoco.createCheckout(Self.request(.monthly)) }
        }
        let sent = standIn.received
        try #require(sent.count == 2)
        #expect(sent[0].path == "/api/checkouts")
        #expect(sent[0].headers["authorization"] == "Bearer sk_test_yoco" && sent[0].headers["idempotency-key"] == "pay-1")
        let body = sent[0].json
        #expect(body["amount"] as? Int == 47_500 && body["currency"] as? String == "ZAR")
        #expect(body["successUrl"] as? String == "https://studioloop.example/checkout/return?result=success")
        #expect(body["cancelUrl"] as? String == "https://studioloop.example/checkout/return?result=cancel")
        #expect(body["failureUrl"] as? String == "https://studioloop.example/checkout/return?result=cancel")
        #expect((body["metadata"] as? [String: String]) == ["payment_id": "pay-1"])
        #expect(sent[1].path == "/api/checkouts/ch_9LVKD8GnAj7f39DFbn4F16bE/refund" && sent[1].headers["idempotency-key"] == "ref-1")
        #expect(sent[1].json["amount"] as? Int == 23_750)
    }

    @Test("Stripe: a Checkout Session form with mode, price data, our ids in metadata and client_reference_id, under the idempotency key")
    func stripeCheckoutSessionAndRefund() async throws {
        let session = try StripeFixtures.object("checkout.session"), refund = try StripeFixtures.object("refund")
        let (sessionId, sessionURL, refundId) = (session["id"] as? String, session["url"] as? String, refund["id"] as? String)
        let standIn = ProviderStandIn([.json(200, String(decoding: try JSONSerialization.data(withJSONObject: session), as: UTF8.self)),
                               .json(200, String(decoding: try JSONSerialization.data(withJSONObject: refund), as: UTF8.self))])
        try await standIn.application.test(.live) { client in
            let stripe = StripeProvider(webhookSecret: "whsec_stripe", secretKey: "sk_test_stripe", baseURL: "http://127.0.0.1:\(client.port!)")
            let checkout = try await stripe.createCheckout(Self.request(.monthly, currency: "NGN"))
            #expect(checkout.providerReference == sessionId && checkout.url == sessionURL)
            #expect(try await stripe.refund(RefundRequest(reference: "ref-9", paymentReference: "pi_1", amountCents: 100, currency: "NGN")) == refundId)
        }
        let sent = standIn.received
        try #require(sent.count == 2)
        #expect(sent[0].path == "/v1/checkout/sessions")
        #expect(sent[0].headers["authorization"] == "Bearer sk_test_stripe" && sent[0].headers["idempotency-key"] == "pay-1")
        #expect(sent[0].headers["content-type"] == "application/x-www-form-urlencoded")
        let form = sent[0].form
        #expect(form["mode"] == "subscription" && form["client_reference_id"] == "pay-1" && form["metadata[payment_id]"] == "pay-1")
        #expect(form["subscription_data[metadata][payment_id]"] == "pay-1")
        #expect(form["line_items[0][price_data][currency]"] == "ngn" && form["line_items[0][price_data][unit_amount]"] == "47500")
        #expect(form["line_items[0][price_data][recurring][interval]"] == "month" && form["line_items[0][quantity]"] == "1")
        #expect(form["line_items[0][price_data][product_data][name]"] == "10 credits at Zen Yoga")
        #expect(form["customer_email"] == "thandi@example.com")
        #expect(sent[1].path == "/v1/refunds" && sent[1].form["payment_intent"] == "pi_1" && sent[1].form["amount"] == "100")
        #expect(sent[1].form["metadata[refund_id]"] == "ref-9" && sent[1].headers["idempotency-key"] == "ref-9")
    }

    @Test("a provider's 4xx is a refusal; its 5xx, a 429 and a timeout are unavailable, and a retry sends the same key")
    func refusalsAndOutages() async throws {
        let standIn = ProviderStandIn([
            .json(400, #"{"errorType":"invalid_request","displayMessage":"amount too small"}"#), .json(503, "{}"), .json(429, "{}"), .stall,
            .json(200, #"{"id":"ch_2","redirectUrl":"https://c.yoco.com/checkout/ch_2"}"#),
        ])
        try await standIn.application.test(.live) { client in
            let yoco = try #require(YocoProvider(
                webhookSecret: Self.secret, secretKey: "sk", baseURL: "http://127.0.0.1:\(client.port!)/api", timeout: .seconds(8)
            ))
            for expected in ["refused", "unavailable", "unavailable", "unavailable"] {
                do {
                    _ = try await yoco.createCheckout(Self.request())
                    Issue.record("expected \(expected)")
                } catch let error as ProviderCallError {
                    switch error {
                    case .refused(let status, let message): #expect(expected == "refused" && status == 400 && message.contains("amount too small"))
                    case .unavailable: #expect(expected == "unavailable")
                    }
                }
            }
            #expect(try await yoco.createCheckout(Self.request()).providerReference == "ch_2")
            // No key configured: refused before anything is sent.
            let keyless = try #require(YocoProvider(webhookSecret: Self.secret, baseURL: "http://127.0.0.1:\(client.port!)/api"))
            await #expect(throws: ProviderCallError.self) { try await keyless.createCheckout(Self.request()) }
        }
        let keys = standIn.received.map { $0.headers["idempotency-key"] }
        #expect(keys == Array(repeating: "pay-1", count: 5))
    }
}
