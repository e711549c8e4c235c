import Datasets
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Payments
import Server
import Storage
import Synchronization
import Testing
import TestSupport

/// Money that moves, end to end over HTTP: a gym's pack bought at the sandbox's checkout page,
/// spent, given back by cancelling and refunded; the ledger balancing after every step.
@Suite("Checkout API")
struct CheckoutAPITests {
    static let key = HTTPField.Name("Idempotency-Key")!

    /// Opens a gym's pack for sale as its owner; returns the pack's id.
    static func pack(
        _ fixture: ServerFixture, client: any TestClientProtocol, slug: String, owner: String, credits: Int = 5, priceCents: Int = 40_000
    ) async throws -> [String: Any] {
        let created = try await client.json("/api/v1/tenants/\(slug)/credit-packages", method: .post, token: owner, body: [
            "name": "\(credits)-class pack", "credits": credits, "price_cents": priceCents, "validity_days": 30,
        ])
        #expect(created.status == .created, "\(created.text)")
        return created.object
    }

    /// Pays at the sandbox's checkout page as a member's browser would: opens it, then posts its form.
    static func pay(_ checkoutURL: String, client: any TestClientProtocol, outcome: String = "pay") async throws -> JSONResponse {
        let path = try #require(URLComponents(string: checkoutURL)?.path)
        let page = try await client.json(path)
        #expect(page.status == .ok && page.text.contains(#"<button id="pay">Pay</button>"#), "\(page.text)")
        return try await client.json(path, method: .post, raw: "outcome=\(outcome)", headers: [.contentType: "application/x-www-form-urlencoded"])
    }

    @Test("register, buy a gym's pack at the sandbox checkout, book with it, cancel, refund: the ledger balances after every step", arguments: StoreKind.allCases)
    func buyBookCancelRefund(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        let (session, gym, _) = fixture.openSession()
        let slug = gym.tenant.slug, tenant = gym.tenant.id
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            try await fixture.store.staff.grantRole(user: owner.id, tenant: tenant, role: .owner)
            let pack = try await Self.pack(fixture, client: client, slug: slug, owner: owner.token)
            #expect(pack["currency"] as? String == "ZAR" && pack["price_cents"] as? Int == 40_000 && pack["validity_days"] as? Int == 30)
            let listed = try await client.json("/api/v1/tenants/\(slug)/credit-packages")
            #expect((listed.object["packages"] as? [[String: Any]])?.map { $0["id"] as? String } == [pack["id"] as? String])

            let member = try await fixture.member("naledi", client: client)
            let purchase = try await client.json(
                "/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": pack["id"]!],
                headers: [Self.key: "buy-pack"]
            )
            #expect(purchase.status == .created, "\(purchase.text)")
            let payment = try #require(purchase.object["payment_id"] as? String)
            let checkout = try #require(purchase.object["checkout_url"] as? String)
            #expect(checkout.hasSuffix("/sandbox/checkout/\(payment)") && purchase.object["status"] as? String == "pending")
            #expect(purchase.object["tenant_id"] as? String == tenant && purchase.object["amount_cents"] as? Int == 40_000)
            // The same request again is the same payment and the same checkout.
            let again = try await client.json(
                "/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": pack["id"]!],
                headers: [Self.key: "buy-pack"]
            )
            #expect(again.object["payment_id"] as? String == payment && again.object["checkout_url"] as? String == checkout)
            #expect(try await fixture.store.ledger.credits(member: member.id, tenant: tenant, now: fixture.clock.now) == 0)
            try await fixture.expectBalancedLedger("the purchase started")

            let paid = try await Self.pay(checkout, client: client)
            #expect(paid.status == .ok && paid.text.contains("credited 5 credits"), "\(paid.text)")
            #expect(try await fixture.store.ledger.credits(member: member.id, tenant: tenant, now: fixture.clock.now) == 5)
            // Paying twice credits nothing more.
            let twice = try await client.json(
                URLComponents(string: checkout)!.path, method: .post, raw: "outcome=pay", headers: [.contentType: "application/x-www-form-urlencoded", .accept: "application/json"]
            )
            #expect(twice.status == .ok && twice.object["result"] as? String == "already handled")
            #expect(try await client.json("/api/v1/payments/\(payment)", token: member.token).object["status"] as? String == "succeeded")
            try await fixture.expectBalancedLedger("paid")

            let booked = try await client.json("/api/v1/bookings", method: .post, token: member.token, body: ["class_schedule_id": session])
            #expect(booked.status == .created, "\(booked.text)")
            let used = try #require(booked.object["credits_used"] as? Int)
            #expect(try await fixture.store.ledger.credits(member: member.id, tenant: tenant, now: fixture.clock.now) == 5 - used)
            try await fixture.expectBalancedLedger("booked")
            let cancelled = try await client.json("/api/v1/bookings/\(booked.object["id"] as! String)", method: .delete, token: member.token)
            #expect(cancelled.status == .ok, "\(cancelled.text)")
            #expect(try await fixture.store.ledger.credits(member: member.id, tenant: tenant, now: fixture.clock.now) == 5)
            try await fixture.expectBalancedLedger("cancelled")

            // Nobody else can see or refund it.
            let stranger = try await fixture.member("stranger", client: client)
            #expect(try await client.json("/api/v1/payments/\(payment)", token: stranger.token).status == .notFound)
            #expect(try await client.json("/api/v1/payments/\(payment)/refund", method: .post, token: stranger.token).status == .notFound)
            #expect(try await fixture.store.ledger.credits(member: member.id, tenant: tenant, now: fixture.clock.now) == 5)

            let clearingBefore = try await fixture.balance("platform:provider-clearing", "ZAR cents")
            let refund = try await client.json("/api/v1/payments/\(payment)/refund", method: .post, token: member.token)
            #expect(refund.status == .ok, "\(refund.text)")
            #expect(refund.object["status"] as? String == "succeeded" && refund.object["credits"] as? Int == 5)
            #expect(refund.object["amount_cents"] as? Int == 40_000)
            #expect(try await fixture.store.ledger.credits(member: member.id, tenant: tenant, now: fixture.clock.now) == 0)
            #expect(try await fixture.balance("platform:provider-clearing", "ZAR cents") == clearingBefore - 40_000)
            try await fixture.expectBalancedLedger("refunded")
            let shown = try await client.json("/api/v1/payments/\(payment)", token: member.token)
            #expect((shown.object["refunds"] as? [[String: Any]])?.first?["status"] as? String == "succeeded")
            let twiceRefunded = try await client.json("/api/v1/payments/\(payment)/refund", method: .post, token: member.token)
            #expect(twiceRefunded.status == .unprocessableContent && twiceRefunded.error?.code == "NOT_REFUNDABLE")

            // The owner sees the sale and its refund in the analytics, and in the CSV.
            let range = "from=\(ISO8601.format(fixture.clock.now - 86_400))&to=\(ISO8601.format(fixture.clock.now + 86_400))"
            let report = try await client.json("/api/v1/tenants/\(slug)/analytics?\(range)", token: owner.token)
            let sales = try #require(((report.object["analytics"] as? [String: Any])?["pack_sales"] as? [[String: Any]])?.first, "\(report.text)")
            #expect(sales["currency"] as? String == "ZAR" && sales["packs_sold"] as? Int == 1 && sales["sold_cents"] as? Int == 40_000)
            #expect(sales["refunds"] as? Int == 1 && sales["refunded_cents"] as? Int == 40_000 && sales["refunded_credits"] as? Int == 5)
            let csv = try await client.json("/api/v1/tenants/\(slug)/analytics?\(range)&format=csv", token: owner.token)
            #expect(csv.text.contains("pack_sales_ZAR,refunded_cents,40000\r\n"))
        }
    }

    @Test("a partly used purchase refunds only the rest, in proportion; past the window nothing", arguments: StoreKind.allCases)
    func partialRefundAndWindow(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        let (session, gym, _) = fixture.openSession()
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            try await fixture.store.staff.grantRole(user: owner.id, tenant: gym.tenant.id, role: .owner)
            let pack = try await Self.pack(fixture, client: client, slug: gym.tenant.slug, owner: owner.token, credits: 8, priceCents: 64_000)
            let member = try await fixture.member("amara", client: client)
            func buy(_ key: String) async throws -> String {
                let purchase = try await client.json(
                    "/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": pack["id"]!], headers: [Self.key: key]
                )
                _ = try await Self.pay(purchase.object["checkout_url"] as! String, client: client)
                return purchase.object["payment_id"] as! String
            }
            let first = try await buy("first")
            let booked = try await client.json("/api/v1/bookings", method: .post, token: member.token, body: ["class_schedule_id": session])
            let used = try #require(booked.object["credits_used"] as? Int)
            let refund = try await client.json("/api/v1/payments/\(first)/refund", method: .post, token: member.token)
            #expect(refund.object["credits"] as? Int == 8 - used && refund.object["amount_cents"] as? Int == 64_000 * (8 - used) / 8, "\(refund.text)")
            #expect(try await fixture.store.ledger.credits(member: member.id, tenant: gym.tenant.id, now: fixture.clock.now) == 0)
            try await fixture.expectBalancedLedger("partly refunded")

            let second = try await buy("second")
            fixture.clock.set(fixture.clock.now + 8 * 86_400)
            let token = try await fixture.services.authenticator.accessToken(for: member.id, now: fixture.clock.now)
            let late = try await client.json("/api/v1/payments/\(second)/refund", method: .post, token: token)
            #expect(late.status == .unprocessableContent && late.error?.message.contains("7 days") == true, "\(late.text)")
            #expect(try await fixture.store.ledger.credits(member: member.id, tenant: gym.tenant.id, now: fixture.clock.now) == 8)
        }
    }

    @Test("a Lagos gym sells in naira; bad packs, grants by non-owners and purchases of nothing change nothing", arguments: StoreKind.allCases)
    func currencyAndBadInput(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            let slug = "yaba-strength-\(UUID().uuidString.prefix(6).lowercased())"
            let created = try await client.json("/api/v1/tenants", method: .post, token: owner.token, body: [
                "name": "Yaba Strength", "slug": slug, "email": "hi@yaba.ng", "phone": "+234 803 000 0000",
                "address": ["street": "12 Herbert Macaulay Way", "suburb": "Yaba", "city": "Lagos", "province": "Lagos", "postal_code": "101212", "country": "Nigeria"],
                "location": ["lat": 6.5095, "lng": 3.3711], "timezone": "Africa/Lagos",
            ])
            #expect(created.status == .created, "\(created.text)")
            let gym = created.object["id"] as! String
            let pack = try await Self.pack(fixture, client: client, slug: slug, owner: owner.token, credits: 10, priceCents: 2_500_000)
            #expect(pack["currency"] as? String == "NGN")

            for bad: [String: Any] in [
                ["name": "Free", "credits": 5, "price_cents": -100], ["name": "None", "credits": 0, "price_cents": 100],
                ["name": "Forever", "credits": 5, "price_cents": 100, "validity_days": 0], ["name": "", "credits": 5, "price_cents": 100],
                ["name": "Extra", "credits": 5, "price_cents": 100, "currency": "USD"],
            ] {
                let refused = try await client.json("/api/v1/tenants/\(slug)/credit-packages", method: .post, token: owner.token, body: bad)
                #expect((400..<500).contains(refused.status.code) && refused.error != nil, "\(bad): \(refused.text)")
            }
            let member = try await fixture.member("chidi", client: client)
            #expect(try await client.json("/api/v1/tenants/\(slug)/credit-packages", method: .post, token: member.token, body: [
                "name": "Mine", "credits": 5, "price_cents": 100,
            ]).status == .forbidden)
            #expect(try await client.json("/api/v1/tenants/\(slug)/credit-packages?include_inactive=true", token: member.token).status == .forbidden)
            let cheaper = try await client.json("/api/v1/tenants/\(slug)/credit-packages/\(pack["id"] as! String)", method: .patch, token: member.token, body: ["price_cents": 1])
            #expect(cheaper.status == .forbidden)
            #expect(try await client.json("/api/v1/tenants/\(slug)/credit-packages").object["packages"] as? [[String: Any]] != nil)
            #expect((try await client.json("/api/v1/tenants/\(slug)/credit-packages").object["packages"] as! [[String: Any]]).count == 1)

            // Purchases of a pack that does not exist, of another gym's pack named for this one, and without a key.
            let nothing = try await client.json("/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": "nope"], headers: [Self.key: "k1"])
            #expect(nothing.status == .badRequest)
            let mismatch = try await client.json(
                "/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": pack["id"]!, "tenant_id": fixture.gyms[0].tenant.id],
                headers: [Self.key: "k2"]
            )
            #expect(mismatch.status == .badRequest)
            let bought = try await client.json(
                "/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": pack["id"]!, "tenant_id": gym], headers: [Self.key: "k3"]
            )
            #expect(bought.object["currency"] as? String == "NGN" && bought.object["amount_cents"] as? Int == 2_500_000, "\(bought.text)")

            // Currencies the platform does not deal in are refused by name.
            #expect(try await client.json("/api/v1/credit-packages?currency=XYZ").status == .badRequest)
            let xyz = try await client.json(
                "/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": "credits-5", "currency": "XYZ"], headers: [Self.key: "k4"]
            )
            #expect(xyz.status == .badRequest && xyz.error?.message.contains("NGN") == true, "\(xyz.text)")
            let wrongPackCurrency = try await client.json(
                "/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": pack["id"]!, "currency": "ZAR"], headers: [Self.key: "k5"]
            )
            #expect(wrongPackCurrency.status == .badRequest)
            var gymBody = try JSONSerialization.jsonObject(with: JSONSerialization.data(withJSONObject: [
                "name": "Osu Fit", "slug": "osu-fit-\(UUID().uuidString.prefix(6).lowercased())", "email": "hi@osu.gh", "phone": "+233 20 000 0000",
                "address": ["street": "Oxford St", "suburb": "Osu", "city": "Accra", "province": "", "postal_code": "", "country": "Ghana"],
                "location": ["lat": 5.556, "lng": -0.182], "timezone": "Africa/Accra",
            ])) as! [String: Any]
            gymBody["currency"] = "XYZ"
            #expect(try await client.json("/api/v1/tenants", method: .post, token: owner.token, body: gymBody).status == .badRequest)
            gymBody["currency"] = "ZAR"  // a gym in Accra may choose to sell in rand
            let osu = try await client.json("/api/v1/tenants", method: .post, token: owner.token, body: gymBody)
            #expect(osu.status == .created, "\(osu.text)")
            let osuPack = try await Self.pack(fixture, client: client, slug: gymBody["slug"] as! String, owner: owner.token)
            #expect(osuPack["currency"] as? String == "ZAR")

            // An owner's grant: only the owner, a real member, a reason, within limits.
            let grant = try await client.json("/api/v1/tenants/\(slug)/credit-grants", method: .post, token: owner.token, body: [
                "user_id": member.id, "credits": 2, "reason": "Sorry the aircon broke",
            ])
            #expect(grant.status == .created, "\(grant.text)")
            #expect(try await fixture.store.ledger.credits(member: member.id, tenant: gym, now: fixture.clock.now) == 2)
            for (token, body, status) in [
                (member.token, ["user_id": member.id, "credits": 2, "reason": "for me"] as [String: Any], HTTPResponse.Status.forbidden),
                (owner.token, ["user_id": "no-such-user", "credits": 2, "reason": "ghost"], .notFound),
                (owner.token, ["user_id": member.id, "credits": 0, "reason": "none"], .badRequest),
                (owner.token, ["user_id": member.id, "credits": 2], .badRequest),
            ] {
                #expect(try await client.json("/api/v1/tenants/\(slug)/credit-grants", method: .post, token: token, body: body).status == status, "\(body)")
            }
            #expect(try await fixture.store.ledger.credits(member: member.id, tenant: gym, now: fixture.clock.now) == 2)
            try await fixture.expectBalancedLedger("grants")
        }
    }

    @Test("a gym's own monthly plan: subscribed through the checkout, its credits at that gym, in its currency; not bought as a pack", arguments: StoreKind.allCases)
    func gymMonthlyPlan(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        let (_, gym, _) = fixture.openSession()
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            try await fixture.store.staff.grantRole(user: owner.id, tenant: gym.tenant.id, role: .owner)
            let slug = gym.tenant.slug
            let noValidity = try await client.json("/api/v1/tenants/\(slug)/credit-packages", method: .post, token: owner.token, body: [
                "name": "Unlimited-ish", "credits": 12, "price_cents": 60_000, "recurring": true, "validity_days": 30,
            ])
            #expect(noValidity.status == .badRequest)
            let plan = try await client.json("/api/v1/tenants/\(slug)/credit-packages", method: .post, token: owner.token, body: [
                "name": "12 a month", "credits": 12, "price_cents": 60_000, "recurring": true,
            ])
            #expect(plan.status == .created && plan.object["recurring"] as? Bool == true, "\(plan.text)")
            let planId = plan.object["id"] as! String
            let member = try await fixture.member("sizwe", client: client)
            let asPack = try await client.json(
                "/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": planId], headers: [Self.key: "p1"]
            )
            #expect(asPack.status == .badRequest && asPack.error?.message.contains("subscriptions") == true)
            let subscribed = try await client.json("/api/v1/payments/subscriptions", method: .post, token: member.token, body: ["plan": planId])
            #expect(subscribed.status == .created, "\(subscribed.text)")
            let paid = try await Self.pay(subscribed.object["checkout_url"] as! String, client: client)
            #expect(paid.text.contains("renewed (12 credits)"), "\(paid.text)")
            #expect(try await fixture.store.ledger.credits(member: member.id, tenant: gym.tenant.id, now: fixture.clock.now) == 12)
            #expect(try await fixture.store.ledger.credits(member: member.id, tenant: nil, now: fixture.clock.now) == 0)
            try await fixture.expectBalancedLedger("a gym plan's first month")

            // The seed's MemberCredit, as the app reads it.
            let credits = try await client.json("/api/v1/users/me/credits", token: member.token)
            let account = try #require((credits.object["balances"] as? [[String: Any]])?.first { $0["tenant_id"] as? String == gym.tenant.id }, "\(credits.text)")
            #expect(account["credits_balance"] as? Int == 12 && account["marketplace_credits"] as? Int == 0 && account["credits_total_purchased"] as? Int == 12)
            #expect(account["auto_renew"] as? Bool == true && account["subscription_plan"] as? String == "12 a month" && account["user_id"] as? String == member.id)
            #expect((account["id"] as? String)?.count == 36 && account["expires_at"] != nil && account["created_at"] != nil)
            let again = try await client.json("/api/v1/users/me/credits", token: member.token)
            #expect((again.object["balances"] as? [[String: Any]])?.first { $0["tenant_id"] as? String == gym.tenant.id }?["id"] as? String == account["id"] as? String)
            // Cancelled: it no longer renews.
            #expect(try await client.json("/api/v1/payments/subscriptions/\(subscribed.object["subscription_id"] as! String)", method: .delete, token: member.token).status == .ok)
            let cancelled = try await client.json("/api/v1/users/me/credits", token: member.token)
            #expect((cancelled.object["balances"] as? [[String: Any]])?.first { $0["tenant_id"] as? String == gym.tenant.id }?["auto_renew"] as? Bool == false)
        }
    }

    @Test("declining at the sandbox fails the payment and credits nothing; a checkout that does not exist is a 404")
    func declineAndUnknown() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let member = try await fixture.member("kofi", client: client)
            let purchase = try await client.json(
                "/api/v1/payments/credits/purchase", method: .post, token: member.token, body: ["package_id": "credits-5"], headers: [Self.key: "d1"]
            )
            let declined = try await Self.pay(purchase.object["checkout_url"] as! String, client: client, outcome: "decline")
            #expect(declined.status == .ok && declined.text.contains("payment failed"))
            #expect(try await client.json("/api/v1/payments/\(purchase.object["payment_id"] as! String)", token: member.token).object["status"] as? String == "failed")
            #expect(try await fixture.store.ledger.credits(member: member.id, tenant: nil, now: fixture.clock.now) == 0)
            #expect(try await client.json("/sandbox/checkout/no-such-payment").status == .notFound)
            let junk = try await client.json(
                URLComponents(string: purchase.object["checkout_url"] as! String)!.path, method: .post, raw: "outcome=steal",
                headers: [.contentType: "application/x-www-form-urlencoded"]
            )
            #expect(junk.status == .badRequest)
        }
    }
}
