import Datasets
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Payments
import Server
import Storage
import Testing
import TestSupport

/// Gyms paid what they are owed, in their own currency: statements that equal the ledger to
/// the cent, payout runs that never pay a booking twice, Stripe Connect transfers that survive
/// a provider outage, and an EFT file for the bank.
@Suite("Payouts API")
struct PayoutAPITests {
    static let key = HTTPField.Name("Idempotency-Key")!

    /// A gym opened through the API in `country`, with a class of `credits` and one session
    /// two days out; returns its slug, id and the session.
    static func gym(
        _ fixture: ServerFixture, client: any TestClientProtocol, owner: String, country: String, city: String, lat: Double, lng: Double,
        timezone: String, credits: Int = 2
    ) async throws -> (slug: String, id: String, session: String) {
        let slug = "\(city.lowercased())-gym-\(UUID().uuidString.prefix(6).lowercased())"
        let created = try await client.json("/api/v1/tenants", method: .post, token: owner, body: [
            "name": "\(city) Strength", "slug": slug, "email": "hi@\(slug).example", "phone": "+234 803 000 0000",
            "address": ["street": "12 Main Road", "suburb": city, "city": city, "province": "", "postal_code": "", "country": country],
            "location": ["lat": lat, "lng": lng], "timezone": timezone,
        ])
        #expect(created.status == .created, "\(created.text)")
        let added = try await client.json("/api/v1/tenants/\(slug)/classes", method: .post, token: owner, body: [
            "name": "Strength", "class_type": "strength", "duration_minutes": 60, "max_capacity": 10, "credits_required": credits,
        ])
        let session = try await client.json("/api/v1/tenants/\(slug)/schedules", method: .post, token: owner, body: [
            "class_id": added.object["id"] as! String, "start_time": ISO8601.format(fixture.clock.now + 2 * 86_400),
        ])
        return (slug, created.object["id"] as! String, session.object["id"] as! String)
    }

    @Test("a Lagos gym's marketplace bookings pay out in naira; its statement equals the ledger; a payout run twice pays once", arguments: StoreKind.allCases)
    func lagosPayout(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let owner = try await fixture.member("adaeze", client: client)
            let lagos = try await Self.gym(fixture, client: client, owner: owner.token, country: "Nigeria", city: "Yaba", lat: 6.5095, lng: 3.3711, timezone: "Africa/Lagos")

            // One member buys universal credits in naira; another has credits given in rand.
            let naira = try await fixture.member("tunde", client: client)
            let listed = try await client.json("/api/v1/credit-packages?currency=NGN")
            #expect((listed.object["packages"] as? [[String: Any]])?.first?["price_cents"] as? Int == 2_000_000, "\(listed.text)")
            let purchase = try await client.json(
                "/api/v1/payments/credits/purchase", method: .post, token: naira.token, body: ["package_id": "credits-5", "currency": "NGN"],
                headers: [Self.key: "naira"]
            )
            #expect(purchase.object["currency"] as? String == "NGN" && purchase.object["amount_cents"] as? Int == 2_000_000, "\(purchase.text)")
            _ = try await CheckoutAPITests.pay(purchase.object["checkout_url"] as! String, client: client)
            let rand = try await fixture.member("thabo", universalCredits: 4, client: client)

            var bookings: [String] = []
            for member in [naira, rand] {
                let booked = try await client.json("/api/v1/marketplace/bookings", method: .post, token: member.token, body: ["class_schedule_id": lagos.session])
                #expect(booked.status == .created, "\(booked.text)")
                #expect((booked.object["marketplace_fee"] as? [String: Any])?["currency"] as? String == "NGN" || booked.object["currency"] as? String == "NGN", "\(booked.text)")
                bookings.append(booked.object["id"] as! String)
            }
            // The rand member cancels in time: their booking is given back.
            #expect(try await client.json("/api/v1/bookings/\(bookings[1])", method: .delete, token: rand.token).status == .ok)
            try await fixture.expectBalancedLedger("bookings across currencies")
            #expect(try await fixture.balance("platform:fx", "ZAR cents") == 0)  // the cancelled one was reversed
            let payableAccount = "gym:\(lagos.id):payable"
            #expect(try await fixture.balance(payableAccount, "NGN cents") == -640_000)  // 2 × ₦4,000, less 20 %
            #expect(try await fixture.balance(payableAccount, "ZAR cents") == 0)

            // The statement: one booking kept, one given back; sums equal to the ledger's.
            let statement = try await client.json("/api/v1/tenants/\(lagos.slug)/payouts", token: owner.token)
            #expect(statement.status == .ok, "\(statement.text)")
            let balance = try #require(statement.object["balance"] as? [[String: Any]])
            #expect(balance.count == 1 && balance[0]["currency"] as? String == "NGN" && balance[0]["owed_cents"] as? Int == 640_000)
            let lines = try #require(statement.object["statement"] as? [[String: Any]])
            #expect(lines.count == 1, "\(lines)")
            #expect(lines[0]["bookings"] as? Int == 2 && lines[0]["refunds"] as? Int == 1)
            #expect(lines[0]["gross_cents"] as? Int == 800_000 && lines[0]["commission_cents"] as? Int == 160_000 && lines[0]["net_cents"] as? Int == 640_000)
            #expect(Int64(lines.reduce(0) { $0 + ($1["net_cents"] as! Int) }) == -(try await fixture.balance(payableAccount, "NGN cents")))

            // Only operators run payouts, and nobody else reads the gym's money.
            #expect(try await client.json("/api/v1/payouts", method: .post, token: owner.token).status == .forbidden)
            #expect(try await client.json("/api/v1/tenants/\(lagos.slug)/payouts", token: naira.token).status == .forbidden)
            let operatorUser = try await fixture.member("finance", client: client)
            try await fixture.store.payouts.grantOperator(operatorUser.id, now: fixture.clock.now)

            // Without a payout account the gym is skipped, and says why.
            let skipped = try await client.json("/api/v1/payouts", method: .post, token: operatorUser.token)
            #expect(skipped.status == .created, "\(skipped.text)")
            #expect((skipped.object["skipped"] as? [[String: Any]])?.first?["tenant_id"] as? String == lagos.id)
            #expect((skipped.object["payouts"] as? [[String: Any]])?.isEmpty == true)

            let account = try await client.json("/api/v1/tenants/\(lagos.slug)/payout-account", method: .put, token: owner.token, body: [
                "method": "eft", "bank_name": "First Bank of Nigeria", "account_holder": "Yaba Strength Ltd", "account_number": "3012345678", "branch_code": "011",
            ])
            #expect(account.status == .ok && account.object["account_number_last4"] as? String == "5678", "\(account.text)")
            let run = try await client.json("/api/v1/payouts", method: .post, token: operatorUser.token)
            let payouts = try #require(run.object["payouts"] as? [[String: Any]])
            #expect(payouts.count == 1, "\(run.text)")
            #expect(payouts[0]["amount_cents"] as? Int == 640_000 && payouts[0]["currency"] as? String == "NGN" && payouts[0]["status"] as? String == "exported")
            let reference = try #require(payouts[0]["reference"] as? String)
            let csv = try await client.json(run.object["eft_csv"] as! String, token: operatorUser.token)
            #expect(csv.text.contains("First Bank of Nigeria,011,3012345678,Yaba Strength Ltd,6400.00,NGN,\(reference),"), "\(csv.text)")
            #expect(try await client.json(run.object["eft_csv"] as! String, token: owner.token).status == .forbidden)
            #expect(try await fixture.balance(payableAccount, "NGN cents") == 0)
            #expect(try await fixture.balance("gym:\(lagos.id):paid", "NGN cents") == -640_000)

            // Again: nothing more to pay.
            let again = try await client.json("/api/v1/payouts", method: .post, token: operatorUser.token)
            #expect((again.object["payouts"] as? [[String: Any]])?.isEmpty == true, "\(again.text)")
            #expect(try await fixture.balance("gym:\(lagos.id):paid", "NGN cents") == -640_000)
            try await fixture.expectBalancedLedger("paid out")

            // A booking after the payout is the next payout's, alone.
            let later = try await fixture.member("ngozi", universalCredits: 2, client: client)
            #expect(try await client.json("/api/v1/marketplace/bookings", method: .post, token: later.token, body: ["class_schedule_id": lagos.session]).status == .created)
            let next = try await client.json("/api/v1/payouts", method: .post, token: operatorUser.token)
            #expect((next.object["payouts"] as? [[String: Any]])?.map { $0["amount_cents"] as? Int } == [640_000], "\(next.text)")
            let shown = try await client.json("/api/v1/tenants/\(lagos.slug)/payouts", token: owner.token)
            #expect((shown.object["payouts"] as? [[String: Any]])?.count == 2)
        }
    }

    @Test("a Stripe Connect payout waits out Stripe's outage and is transferred once, under one idempotency key", arguments: StoreKind.allCases)
    func stripeConnectPayout(kind: StoreKind) async throws {
        let transfer = String(decoding: try JSONSerialization.data(withJSONObject: try StripeFixtures.object("transfer")), as: UTF8.self)
        let standIn = ProviderStandIn([.json(500, #"{"error":{"type":"api_error"}}"#), .json(200, transfer)])
        try await standIn.application.test(.live) { stripeAPI in
            let stripe = StripeProvider(webhookSecret: "whsec_stripe_tests", secretKey: "sk_test_stripe", baseURL: "http://127.0.0.1:\(stripeAPI.port!)")
            let fixture = try await ServerFixture.make(kind, providers: [stripe])
            let (session, gym, _) = fixture.openSession()
            try await fixture.test { client in
                let owner = try await fixture.member("owner", client: client)
                try await fixture.store.staff.grantRole(user: owner.id, tenant: gym.tenant.id, role: .owner)
                let admin = try await fixture.member("admin", client: client)
                try await fixture.store.staff.grantRole(user: admin.id, tenant: gym.tenant.id, role: .admin)
                let slug = gym.tenant.slug
                // Only the owner says where the money goes; bad accounts change nothing.
                #expect(try await client.json("/api/v1/tenants/\(slug)/payout-account", method: .put, token: admin.token, body: [
                    "method": "stripe_connect", "stripe_account_id": "acct_1PgafTB7WZ01zgkW",
                ]).status == .forbidden)
                for bad: [String: Any] in [
                    ["method": "cash"], ["method": "stripe_connect", "stripe_account_id": "cus_123"], ["method": "eft", "bank_name": "FNB"],
                    ["method": "eft", "bank_name": "FNB", "account_holder": "Gym", "account_number": "12ab", "branch_code": "250655"],
                    ["method": "stripe_connect", "stripe_account_id": "acct_1PgafTB7WZ01zgkW", "account_number": "123456"],
                ] {
                    let refused = try await client.json("/api/v1/tenants/\(slug)/payout-account", method: .put, token: owner.token, body: bad)
                    #expect(refused.status == .badRequest, "\(bad): \(refused.text)")
                }
                #expect(try await client.json("/api/v1/tenants/\(slug)/payout-account", token: owner.token).status == .notFound)
                #expect(try await client.json("/api/v1/tenants/\(slug)/payout-account", method: .put, token: owner.token, body: [
                    "method": "stripe_connect", "stripe_account_id": "acct_1PgafTB7WZ01zgkW",
                ]).status == .ok)

                let member = try await fixture.member("zola", universalCredits: 6, client: client)
                #expect(try await client.json("/api/v1/marketplace/bookings", method: .post, token: member.token, body: ["class_schedule_id": session]).status == .created)
                let owed = -(try await fixture.balance("gym:\(gym.tenant.id):payable", "ZAR cents"))
                #expect(owed > 0)
                let operatorUser = try await fixture.member("finance", client: client)
                try await fixture.store.payouts.grantOperator(operatorUser.id, now: fixture.clock.now)

                let first = try await client.json("/api/v1/payouts", method: .post, token: operatorUser.token)
                let waiting = try #require((first.object["payouts"] as? [[String: Any]])?.first, "\(first.text)")
                #expect(waiting["status"] as? String == "pending" && (waiting["last_error"] as? String)?.contains("unavailable") == true, "\(waiting)")
                #expect(try await fixture.balance("gym:\(gym.tenant.id):payable", "ZAR cents") == -owed)  // nothing moved yet

                let second = try await client.json("/api/v1/payouts", method: .post, token: operatorUser.token)
                #expect((second.object["payouts"] as? [[String: Any]])?.isEmpty == true)  // nothing new to claim
                let shown = try await client.json("/api/v1/tenants/\(slug)/payouts", token: owner.token)
                let paid = try #require((shown.object["payouts"] as? [[String: Any]])?.first)
                #expect(paid["status"] as? String == "paid" && paid["provider_reference"] as? String == "tr_1Pgc7BB7WZ01zgkWVJfE40RX", "\(paid)")
                #expect(paid["amount_cents"] as? Int == Int(owed))
                let sent = standIn.received
                #expect(sent.count == 2 && sent.allSatisfy { $0.path == "/v1/transfers" && $0.headers["idempotency-key"] == paid["payout_id"] as? String })
                #expect(sent[0].form["destination"] == "acct_1PgafTB7WZ01zgkW" && sent[0].form["amount"] == String(owed) && sent[0].form["currency"] == "zar")
                #expect(try await fixture.balance("gym:\(gym.tenant.id):payable", "ZAR cents") == 0)
                #expect(try await fixture.balance("gym:\(gym.tenant.id):paid", "ZAR cents") == -owed)
                try await fixture.expectBalancedLedger("paid through Stripe Connect")
            }
        }
    }
}
