import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Payments
import Server
import Storage
import Testing
import TestSupport

/// The server with real provider adapters pointed at loopback stand-ins: a provider that
/// times out makes no half-made payment and a retry makes one; Stripe's events, shaped as
/// Stripe sends them, start and renew a subscription once.
@Suite("Provider checkouts")
struct ProviderCheckoutTests {
    static let yocoSecret = "whsec_" + Data("yoco webhook secret for the tests".utf8).base64EncodedString()

    static func webhook(_ request: WebhookRequest, to provider: String, client: any TestClientProtocol) async throws -> JSONResponse {
        var headers = HTTPFields()
        for (name, value) in request.headers { headers[HTTPField.Name(name)!] = value }
        headers[.contentType] = "application/json"
        return try await client.json("/api/v1/payments/webhooks/\(provider)", method: .post, raw: String(decoding: request.body, as: UTF8.self), headers: headers)
    }

    @Test("Yoco times out: 503 and no checkout; the retry with the same key makes one payment and one checkout; its webhook credits once", arguments: StoreKind.allCases)
    func yocoTimeoutThenRetry(kind: StoreKind) async throws {
        let standIn = ProviderStandIn([.stall, .json(200, #"{"id":"ch_9LVKD8GnAj7f39DFbn4F16bE","redirectUrl":"https://c.yoco.com/checkout/ch_9LVKD8GnAj7f39DFbn4F16bE","status":"created"}"#)])
        try await standIn.application.test(.live) { yocoAPI in
            let yoco = try #require(YocoProvider(
                webhookSecret: Self.yocoSecret, secretKey: "sk_test_yoco", baseURL: "http://127.0.0.1:\(yocoAPI.port!)/api", timeout: .seconds(8)
            ))
            let fixture = try await ServerFixture.make(kind, providers: [yoco])
            try await fixture.test { client in
                let member = try await fixture.member("lerato", client: client)
                let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "retry-me"]
                let first = try await client.json("/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": "credits-5"], headers: key)
                #expect(first.status == .serviceUnavailable && first.error?.code == "PAYMENT_PROVIDER_UNAVAILABLE", "\(first.text)")
                #expect(first.headers[.retryAfter] != nil && first.error?.message.contains("127.0.0.1") == false)
                let retried = try await client.json("/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": "credits-5"], headers: key)
                #expect(retried.status == .created, "\(retried.text)")
                #expect(retried.object["provider"] as? String == "yoco")
                #expect(retried.object["checkout_url"] as? String == "https://c.yoco.com/checkout/ch_9LVKD8GnAj7f39DFbn4F16bE")
                let payment = try #require(retried.object["payment_id"] as? String)
                // The provider was asked twice under one key, ours; we hold one payment.
                #expect(standIn.received.map { $0.headers["idempotency-key"] } == [payment, payment])
                let rows = try await fixture.store.database.transaction { db in
                    try db.setContext(.system)
                    return try db.query("SELECT COUNT(*) AS n FROM payments WHERE user_id = $1", .text(member.id)).first?["n"].integer
                }
                #expect(rows == 1)

                // Yoco's payment.succeeded names the checkout, as its sample event does.
                let body = Data(#"{"id":"evt_yoco_1","type":"payment.succeeded","createdDate":"2026-11-25T06:00:00Z","payload":{"id":"p_1","type":"payment","amount":25000,"currency":"ZAR","status":"succeeded","mode":"live","metadata":{"checkoutId":"ch_9LVKD8GnAj7f39DFbn4F16bE"}}}"#.utf8)
                let signed = WebhookRequest(headers: StandardWebhookVerifier(secret: Self.yocoSecret)!.sign(id: "evt_yoco_1", timestamp: fixture.clock.now, body: body), body: body)
                #expect(try await Self.webhook(signed, to: "yoco", client: client).object["result"] as? String == "credited 5 credits")
                #expect(try await Self.webhook(signed, to: "yoco", client: client).object["result"] as? String == "already handled")
                #expect(try await fixture.store.ledger.credits(member: member.id, tenant: nil, now: fixture.clock.now) == 5)
                try await fixture.expectBalancedLedger("paid through Yoco")
            }
        }
    }

    @Test("a provider's refusal is a 502 and leaves the payment failed, not waiting")
    func providerRefusal() async throws {
        let standIn = ProviderStandIn([.json(401, #"{"errorType":"authentication_error","displayMessage":"bad key"}"#)])
        try await standIn.application.test(.live) { yocoAPI in
            let yoco = try #require(YocoProvider(webhookSecret: Self.yocoSecret, secretKey: "sk_wrong", baseURL: "http://127.0.0.1:\(yocoAPI.port!)/api"))
            let fixture = try await ServerFixture.make(.sqlite, providers: [yoco])
            try await fixture.test { client in
                let member = try await fixture.member("sipho", client: client)
                let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "refused"]
                let refused = try await client.json("/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": "credits-5"], headers: key)
                #expect(refused.status == .badGateway && refused.error?.code == "PAYMENT_PROVIDER_REFUSED", "\(refused.text)")
                let again = try await client.json("/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": "credits-5"], headers: key)
                #expect(again.object["status"] as? String == "failed" && again.object["checkout_url"] == nil)
                #expect(standIn.received.count == 1)
            }
        }
    }

    @Test("Stripe: a plan's Checkout Session, then checkout.session.completed and invoice.paid shaped as Stripe sends them renew once", arguments: StoreKind.allCases)
    func stripeSubscription(kind: StoreKind) async throws {
        let sessionJSON = String(decoding: try JSONSerialization.data(withJSONObject: try StripeFixtures.object("checkout.session")), as: UTF8.self)
        let standIn = ProviderStandIn([.json(200, sessionJSON)])
        try await standIn.application.test(.live) { stripeAPI in
            let stripe = StripeProvider(webhookSecret: "whsec_stripe_tests", secretKey: "sk_test_stripe", baseURL: "http://127.0.0.1:\(stripeAPI.port!)")
            let fixture = try await ServerFixture.make(kind, providers: [stripe])
            try await fixture.test { client in
                let session = try StripeFixtures.object("checkout.session")
                let sessionURL = session["url"] as? String
                let member = try await fixture.member("wanjiru", client: client)
                let started = try await client.json("/api/v1/payments/subscriptions", method: .post, token: member.token, body: ["plan": "plan-8", "provider": "stripe"])
                #expect(started.status == .created, "\(started.text)")
                #expect(started.object["checkout_url"] as? String == sessionURL)
                let subscription = try #require(started.object["subscription_id"] as? String)
                let form = try #require(standIn.received.first?.form)
                #expect(form["mode"] == "subscription" && form["subscription_data[metadata][subscription_id]"] == subscription)

                func send(_ type: String, id: String, _ object: [String: Any]) async throws -> String? {
                    let body = try StripeFixtures.event(type, id: id, object: object)
                    let headers = StripeWebhookVerifier(secret: "whsec_stripe_tests").sign(timestamp: fixture.clock.now, body: body)
                    return try await Self.webhook(WebhookRequest(headers: headers, body: body), to: "stripe", client: client).object["result"] as? String
                }
                var completed = session
                completed["mode"] = "subscription"
                completed["payment_status"] = "paid"
                completed["metadata"] = ["subscription_id": subscription]
                completed["client_reference_id"] = subscription
                completed["subscription"] = "sub_1PgcWanjiru"
                #expect(try await send("checkout.session.completed", id: "evt_1", completed) == "subscription linked to the provider's")

                // Stripe's invoice as it is, naming the subscription by Stripe's id (no metadata), its period on the line.
                var invoice = try StripeFixtures.object("invoice")
                var parent = invoice["parent"] as! [String: Any]
                parent["subscription_details"] = ["metadata": NSNull(), "subscription": "sub_1PgcWanjiru"]
                invoice["parent"] = parent
                var lines = invoice["lines"] as! [String: Any]
                var line = (lines["data"] as! [[String: Any]])[0]
                line["period"] = ["start": fixture.clock.now, "end": fixture.clock.now + 30 * 86_400]
                lines["data"] = [line]
                invoice["lines"] = lines
                #expect(try await send("invoice.paid", id: "evt_2", invoice) == "renewed (8 credits)")
                #expect(try await send("invoice.paid", id: "evt_2", invoice) == "already handled")
                #expect(try await send("invoice.paid", id: "evt_3", invoice) == "already handled")
                #expect(try await fixture.store.ledger.credits(member: member.id, tenant: nil, now: fixture.clock.now) == 8)
                try await fixture.expectBalancedLedger("renewed through Stripe")
            }
        }
    }
}

/// Refunds through Yoco: an unreachable Yoco holds the credits and is asked again under the
/// same key; a refusal gives the credits back; either way the ledger balances.
@Suite("Provider refunds")
struct ProviderRefundTests {
    static let checkout = #"{"id":"ch_refund_1","redirectUrl":"https://c.yoco.com/checkout/ch_refund_1","status":"created"}"#

    /// Buys credits-5 through Yoco and settles it with Yoco's own event; returns the payment id.
    static func buy(_ fixture: ServerFixture, client: any TestClientProtocol, member: (id: String, token: String)) async throws -> String {
        let purchase = try await client.json(
            "/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": "credits-5"],
            headers: [HTTPField.Name("Idempotency-Key")!: "yoco-buy"]
        )
        #expect(purchase.status == .created, "\(purchase.text)")
        let body = Data(#"{"id":"evt_pay","type":"payment.succeeded","payload":{"id":"p_1","type":"payment","status":"succeeded","metadata":{"checkoutId":"ch_refund_1"}}}"#.utf8)
        let signed = WebhookRequest(
            headers: StandardWebhookVerifier(secret: ProviderCheckoutTests.yocoSecret)!.sign(id: "evt_pay", timestamp: fixture.clock.now, body: body), body: body
        )
        #expect(try await ProviderCheckoutTests.webhook(signed, to: "yoco", client: client).object["result"] as? String == "credited 5 credits")
        return purchase.object["payment_id"] as! String
    }

    @Test("Yoco unreachable: the refund waits with the credits held, is asked again under the same key, and settles on Yoco's event", arguments: StoreKind.allCases)
    func refundRetried(kind: StoreKind) async throws {
        let standIn = ProviderStandIn([
            .json(200, Self.checkout), .json(503, "{}"),
            .json(202, #"{"id":"ch_refund_1","refundId":"rfd_r72Lbce7jZ46y7HgycNJ5Fvrb","message":"Your refund has been processed","status":"successful"}"#),
        ])
        try await standIn.application.test(.live) { yocoAPI in
            let yoco = try #require(YocoProvider(webhookSecret: ProviderCheckoutTests.yocoSecret, secretKey: "sk_test_yoco", baseURL: "http://127.0.0.1:\(yocoAPI.port!)/api"))
            let fixture = try await ServerFixture.make(kind, providers: [yoco])
            try await fixture.test { client in
                let member = try await fixture.member("palesa", client: client)
                let payment = try await Self.buy(fixture, client: client, member: member)
                let clearing = try await fixture.balance("platform:provider-clearing", "ZAR cents")

                let asked = try await client.json("/api/v1/payments/\(payment)/refund", method: .post, token: member.token)
                #expect(asked.status == .accepted && asked.object["status"] as? String == "pending", "\(asked.text)")
                #expect((asked.object["last_error"] as? String)?.contains("unavailable") == true)
                // Held, so they cannot be spent while Yoco may yet refund them; no money moved.
                #expect(try await fixture.store.ledger.credits(member: member.id, tenant: nil, now: fixture.clock.now) == 0)
                #expect(try await fixture.balance("platform:provider-clearing", "ZAR cents") == clearing)
                try await fixture.expectBalancedLedger("refund waiting")

                // Not due yet, then due: the maintenance job asks again.
                #expect(try await fixture.services.retryDueRefunds(now: fixture.clock.now) == 0)
                #expect(try await fixture.services.retryDueRefunds(now: fixture.clock.now + 3_600) == 1)
                let refundCalls = standIn.received.filter { $0.path.hasSuffix("/refund") }
                #expect(refundCalls.count == 2 && Set(refundCalls.map { $0.headers["idempotency-key"] }).count == 1)
                #expect(refundCalls.allSatisfy { $0.path == "/api/checkouts/ch_refund_1/refund" && $0.json["amount"] as? Int == 25_000 })
                #expect(try await client.json("/api/v1/payments/\(payment)", token: member.token).object["refunds"].flatMap { ($0 as? [[String: Any]])?.first?["status"] as? String } == "submitted")

                // Yoco's refund.succeeded names its refund: the money moves, once.
                let body = Data(#"{"id":"evt_refund","type":"refund.succeeded","payload":{"id":"rfd_r72Lbce7jZ46y7HgycNJ5Fvrb","type":"refund","amount":25000,"currency":"ZAR","status":"succeeded","metadata":{"checkoutId":"ch_refund_1"}}}"#.utf8)
                let signed = WebhookRequest(
                    headers: StandardWebhookVerifier(secret: ProviderCheckoutTests.yocoSecret)!.sign(id: "evt_refund", timestamp: fixture.clock.now, body: body), body: body
                )
                #expect(try await ProviderCheckoutTests.webhook(signed, to: "yoco", client: client).object["result"] as? String == "refunded")
                #expect(try await ProviderCheckoutTests.webhook(signed, to: "yoco", client: client).object["result"] as? String == "already handled")
                #expect(try await fixture.balance("platform:provider-clearing", "ZAR cents") == clearing - 25_000)
                try await fixture.expectBalancedLedger("refunded through Yoco")
            }
        }
    }

    @Test("Yoco refuses the refund: the credits are the member's again, exactly as before", arguments: StoreKind.allCases)
    func refundRefused(kind: StoreKind) async throws {
        let standIn = ProviderStandIn([.json(200, Self.checkout), .json(400, #"{"errorType":"invalid_request","displayMessage":"test keys cannot refund"}"#)])
        try await standIn.application.test(.live) { yocoAPI in
            let yoco = try #require(YocoProvider(webhookSecret: ProviderCheckoutTests.yocoSecret, secretKey: "sk_test_yoco", baseURL: "http://127.0.0.1:\(yocoAPI.port!)/api"))
            let fixture = try await ServerFixture.make(kind, providers: [yoco])
            try await fixture.test { client in
                let member = try await fixture.member("bongani", client: client)
                let payment = try await Self.buy(fixture, client: client, member: member)
                let refused = try await client.json("/api/v1/payments/\(payment)/refund", method: .post, token: member.token)
                #expect(refused.status == .ok && refused.object["status"] as? String == "failed", "\(refused.text)")
                #expect((refused.object["last_error"] as? String)?.contains("test keys cannot refund") == true)
                #expect(try await fixture.store.ledger.credits(member: member.id, tenant: nil, now: fixture.clock.now) == 5)
                try await fixture.expectBalancedLedger("refund refused")
                // Refused is not final for the member: they may ask again.
                #expect(try await client.json("/api/v1/payments/\(payment)/refund", method: .post, token: member.token).status != .unprocessableContent)
            }
        }
    }
}
