import Datasets
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Marketplace
import Payments
import Server
import Storage
import Testing
import TestSupport

/// A member's first week, end to end over real HTTP on loopback: sign up, buy credits through
/// the sandbox provider's signed webhook, search, book from the marketplace and see the spot
/// go, cancel in time and get the credits back, book again, be checked in by the instructor
/// with the QR token, and the owner reads it in the analytics.
@Suite("Journey")
struct JourneyTests {
    @Test("register to analytics over real HTTP", arguments: StoreKind.allCases)
    func journey(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        let (session, gym, start) = fixture.openSession()
        try await fixture.test { client in
            // Sign up, then log in.
            let email = "journey-\(UUID().uuidString.prefix(8).lowercased())@example.com"
            let signup = try await client.json("/api/v1/auth/register", method: .post, body: [
                "email": email, "password": "first week 1", "first_name": "Naledi", "last_name": "Mokoena",
            ])
            #expect(signup.status == .created)
            let login = try await client.json("/api/v1/auth/login", method: .post, body: ["email": email, "password": "first week 1"])
            let token = try #require(login.object["access_token"] as? String)
            let me = try #require(login.object["user_id"] as? String)
            // Paying needs a proven contact: the code from the verification email.
            let code = try await fixture.outboxField("code", kind: "email_verification", user: me)
            #expect(try await client.json("/api/v1/auth/verify", method: .post, body: ["email": email, "code": code]).status == .ok)

            // Buy 10 credits; the provider's signed webhook delivers them.
            let purchase = try await client.json(
                "/api/v1/payments/credits/purchase", method: .post, token: token, body: ["package_id": "credits-10"],
                headers: [HTTPField.Name("Idempotency-Key")!: "first-purchase"]
            )
            #expect(purchase.status == .created, "\(purchase.text)")
            let webhook = fixture.sandbox.webhook(
                for: .paymentSucceeded(paymentId: purchase.object["payment_id"] as! String), eventId: "evt-journey", at: fixture.clock.now
            )
            var headers = HTTPFields()
            for (name, value) in webhook.headers { headers[HTTPField.Name(name)!] = value }
            let delivered = try await client.execute(
                uri: "/api/v1/payments/webhooks/sandbox", method: .post, headers: headers, body: ByteBuffer(bytes: webhook.body)
            )
            #expect(delivered.status == .ok)
            #expect(try await universalCredits(client, token: token, me: me) == 10)

            // Search near the gym, book the session from the marketplace, see the spot go.
            let near = "lat=\(gym.tenant.location.lat)&lng=\(gym.tenant.location.lng)&radius_km=1&limit=100&min_spots=0&to=\(ISO8601.format(start + 60))"
            let before = try #require(try await spots(client, near: near, session: session))
            let booked = try await client.json("/api/v1/marketplace/bookings", method: .post, token: token, body: ["class_schedule_id": session])
            #expect(booked.status == .created, "\(booked.text)")
            let charged = booked.object["credits_used"] as! Int
            #expect(try await eventually { try await spots(client, near: near, session: session) == before - 1 })

            // Cancel in time: the credits come back and so does the spot.
            let bookingId = booked.object["id"] as! String
            let cancelled = try await client.json("/api/v1/bookings/\(bookingId)", method: .delete, token: token)
            #expect(cancelled.status == .ok, "\(cancelled.text)")
            #expect(try await universalCredits(client, token: token, me: me) == 10)
            #expect(try await eventually { try await spots(client, near: near, session: session) == before })

            // Book again, and at the door the instructor scans the QR code.
            let again = try await client.json("/api/v1/marketplace/bookings", method: .post, token: token, body: ["class_schedule_id": session])
            let secondId = try #require(again.object["id"] as? String)
            let qr = try #require(try await client.json("/api/v1/bookings/\(secondId)", token: token).object["qr_code"] as? String)
            let instructor = try await fixture.member("instructor", client: client)
            try await fixture.store.staff.grantRole(user: instructor.id, tenant: gym.tenant.id, role: .instructor)
            let owner = try await fixture.member("owner", client: client)
            try await fixture.store.staff.grantRole(user: owner.id, tenant: gym.tenant.id, role: .owner)
            fixture.clock.set(start - 10 * 60)
            let staffToken = try await fixture.services.authenticator.accessToken(for: instructor.id, now: fixture.clock.now)
            let checkedIn = try await client.json("/api/v1/bookings/\(secondId)/checkin", method: .post, token: staffToken, body: ["token": qr])
            #expect(checkedIn.status == .ok, "\(checkedIn.text)")

            // The owner's analytics count it, and the money split.
            let ownerToken = try await fixture.services.authenticator.accessToken(for: owner.id, now: fixture.clock.now)
            let report = try await client.json(
                "/api/v1/tenants/\(gym.tenant.slug)/analytics?from=\(ISO8601.format(start - 3_600))&to=\(ISO8601.format(start + 3_600))",
                token: ownerToken
            )
            #expect(report.status == .ok, "\(report.text)")
            let numbers = report.object["analytics"] as! [String: Any]
            #expect((numbers["bookings_by_status"] as! [String: Int])["checked_in"] == 1)
            let money = try #require((numbers["money"] as! [[String: Any]]).first)
            #expect(money["gross_cents"] as? Int == charged * 5_000)
        }
        #expect(try await fixture.store.ledger.auditLedger().isClean)
    }

    func universalCredits(_ client: any TestClientProtocol, token: String, me: String) async throws -> Int? {
        let statement = try await client.json("/api/v1/users/\(me)/credits", token: token)
        return (statement.object["balances"] as? [[String: Any]])?.first { $0["universal"] as? Bool == true }?["credits"] as? Int
    }

    func spots(_ client: any TestClientProtocol, near: String, session: String) async throws -> Int? {
        let page = try await client.json("/api/v1/marketplace/search?\(near)")
        return (page.object["results"] as? [[String: Any]])?.first { $0["session_id"] as? String == session }?["spots_left"] as? Int
    }

    /// Polls a condition the index reaches a few milliseconds after a commit.
    func eventually(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<200 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}
