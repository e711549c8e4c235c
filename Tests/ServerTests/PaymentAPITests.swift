import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Payments
import Server
import Storage
import Testing
import TestSupport

@Suite("Payments API")
struct PaymentAPITests {
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!

    /// Posts a sandbox webhook as the provider would send it.
    func deliver(_ webhook: WebhookRequest, client: any TestClientProtocol) async throws -> JSONResponse {
        var headers = HTTPFields()
        for (name, value) in webhook.headers { headers[HTTPField.Name(name)!] = value }
        headers[.contentType] = "application/json"
        return try await client.execute(uri: "/api/v1/payments/webhooks/sandbox", method: .post, headers: headers, body: ByteBuffer(bytes: webhook.body)) {
            JSONResponse(status: $0.status, headers: $0.headers, text: String(buffer: $0.body))
        }
    }

    @Test("a purchase is idempotent by key and credits arrive once, on a verified webhook", arguments: StoreKind.allCases)
    func purchase(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let member = try await fixture.member("naledi", client: client)
            let packages = try await client.json("/api/v1/credit-packages")
            let ten = try #require((packages.object["packages"] as! [[String: Any]]).first { $0["id"] as? String == "credits-10" })
            #expect(ten["price_cents"] as? Int == 10 * 5_000 * 95 / 100)

            let noKey = try await client.json("/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": "credits-10"])
            #expect(noKey.status == .badRequest)
            let key: HTTPFields = [Self.idempotencyKey: "buy-\(UUID())"]
            let first = try await client.json(
                "/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": "credits-10"], headers: key
            )
            #expect(first.status == .created, "\(first.text)")
            let retry = try await client.json(
                "/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": "credits-10"], headers: key
            )
            #expect(retry.object["payment_id"] as? String == first.object["payment_id"] as? String)
            let misuse = try await client.json(
                "/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": "credits-20"], headers: key
            )
            #expect(misuse.status == .unprocessableContent)
            #expect(misuse.error?.code == "IDEMPOTENCY_KEY_REUSED")
            let unknown = try await client.json(
                "/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": "credits-7"],
                headers: [Self.idempotencyKey: "other"]
            )
            #expect(unknown.status == .badRequest)

            // Nothing is credited before the provider confirms.
            #expect(try await fixture.store.ledger.credits(member: member.id, tenant: nil, now: fixture.clock.now) == 0)
            let payment = first.object["payment_id"] as! String
            var forged = fixture.sandbox.webhook(for: .paymentSucceeded(paymentId: payment), eventId: "evt-1", at: fixture.clock.now)
            forged.body = Data(String(decoding: forged.body, as: UTF8.self).replacingOccurrences(of: "succeeded", with: "succeeded ").utf8)
            #expect(try await deliver(forged, client: client).status == .badRequest)
            #expect(try await fixture.store.ledger.credits(member: member.id, tenant: nil, now: fixture.clock.now) == 0)

            let webhook = fixture.sandbox.webhook(for: .paymentSucceeded(paymentId: payment), eventId: "evt-2", at: fixture.clock.now)
            let credited = try await deliver(webhook, client: client)
            #expect(credited.status == .ok, "\(credited.text)")
            #expect(try await deliver(webhook, client: client).object["result"] as? String == "already handled")
            #expect(try await fixture.store.ledger.credits(member: member.id, tenant: nil, now: fixture.clock.now) == 10)
        }
        #expect(try await fixture.store.ledger.auditLedger().isClean)
    }

    @Test("a monthly credit plan credits each renewal and can be cancelled")
    func subscription() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let member = try await fixture.member("sipho", client: client)
            let created = try await client.json("/api/v1/payments/subscriptions", method: .post, token: member.token, body: ["plan": "plan-8"])
            #expect(created.status == .created, "\(created.text)")
            let id = created.object["subscription_id"] as! String
            let renewal = fixture.sandbox.webhook(
                for: .subscriptionRenewed(subscriptionId: id, periodEnd: fixture.clock.now + 30 * 86_400), eventId: "evt-r1", at: fixture.clock.now
            )
            #expect(try await deliver(renewal, client: client).status == .ok)
            #expect(try await fixture.store.ledger.credits(member: member.id, tenant: nil, now: fixture.clock.now) == 8)
            let other = try await fixture.member("thief", client: client)
            #expect(try await client.json("/api/v1/payments/subscriptions/\(id)", method: .delete, token: other.token).status == .notFound)
            let cancelled = try await client.json("/api/v1/payments/subscriptions/\(id)", method: .delete, token: member.token)
            #expect(cancelled.status == .ok)
            // It runs to the end of the period it was paid for.
            #expect(cancelled.object["status"] as? String == "active" && cancelled.object["cancel_at_period_end"] as? Bool == true, "\(cancelled.text)")
            let gymTier = try await client.json(
                "/api/v1/payments/subscriptions", method: .post, token: member.token,
                body: ["plan": "gym_tier", "tenant_id": fixture.gyms[0].tenant.id, "tier": "pro"]
            )
            #expect(gymTier.status == .forbidden)
        }
    }

    @Test("an event for a payment we do not have, or of a kind we do not act on, is acknowledged and recorded, so the provider stops retrying", arguments: StoreKind.allCases)
    func unknownEventsAreAcknowledged(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let now = fixture.clock.now
            let stranger = fixture.sandbox.webhook(for: .paymentSucceeded(paymentId: "pay-of-another-platform"), eventId: "evt-x1", at: now)
            let first = try await deliver(stranger, client: client)
            #expect(first.status == .ok && (first.object["result"] as? String)?.hasPrefix("acknowledged") == true, "\(first.text)")
            let again = try await deliver(stranger, client: client)
            #expect(again.status == .ok && again.object["result"] as? String == "already handled", "recorded: a replay is seen as one")
            let renewal = fixture.sandbox.webhook(for: .subscriptionRenewed(subscriptionId: "sub-nobody", periodEnd: now + 86_400), eventId: "evt-x2", at: now)
            #expect(try await deliver(renewal, client: client).status == .ok)
            let other = fixture.sandbox.webhook(for: .unhandled(type: "customer.updated"), eventId: "evt-x3", at: now)
            let note = try await deliver(other, client: client)
            #expect(note.status == .ok && (note.object["result"] as? String)?.contains("customer.updated") == true, "\(note.text)")
            // Only a bad signature is refused.
            var forged = fixture.sandbox.webhook(for: .paymentSucceeded(paymentId: "pay-of-another-platform"), eventId: "evt-x4", at: now)
            forged.body = Data(String(decoding: forged.body, as: UTF8.self).replacingOccurrences(of: "another", with: "a-forged").utf8)
            #expect(try await deliver(forged, client: client).status == .badRequest)
        }
        #expect(try await fixture.store.ledger.auditLedger().isClean)
    }
}
