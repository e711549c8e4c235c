import Datasets
import Domain
import Foundation
import HTTPTypes
import Marketplace
import Server
import Storage
import Testing
import TestSupport

@Suite("Booking API")
struct BookingAPITests {
    /// Searches until the index shows `spots` for the session (the sync applies changes
    /// asynchronously, a few milliseconds after the commit).
    func waitForSpots(_ fixture: ServerFixture, session: String, gym: StoredGym, spots: Int) async throws -> Bool {
        for _ in 0..<200 {
            var query = SearchQuery(now: fixture.clock.now)
            query.origin = .init(latitude: gym.tenant.location.lat, longitude: gym.tenant.location.lng)
            query.radiusKm = 0.5
            query.tenant = gym.tenant.id
            query.minSpots = 0
            query.limit = 100
            query.marketplaceOnly = false
            query.to = fixture.clock.now + 3 * 86_400
            if try fixture.index.search(query).results.first(where: { $0.sessionId == session })?.spotsLeft == spots { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    @Test("a marketplace booking spends universal credits, records the commission and shows in search", arguments: StoreKind.allCases)
    func marketplaceBooking(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        let (session, gym, _) = fixture.openSession()
        try await fixture.test { client in
            let member = try await fixture.member("thandi", universalCredits: 30, client: client)
            let spotsBefore = try await fixture.store.bookings.spotsLeft(sessionId: session)
            let booked = try await client.json("/api/v1/marketplace/bookings", method: .post, token: member.token, body: ["class_schedule_id": session])
            #expect(booked.status == .created, "\(booked.text)")
            #expect(booked.object["status"] as? String == "confirmed")
            #expect(booked.object["spots_left"] as? Int == spotsBefore - 1)
            #expect((booked.object["marketplace_fee"] as? Int ?? 0) > 0)
            #expect(try await waitForSpots(fixture, session: session, gym: gym, spots: spotsBefore - 1))

            let id = booked.object["id"] as! String
            let shown = try await client.json("/api/v1/bookings/\(id)", token: member.token)
            #expect(shown.status == .ok)
            #expect((shown.object["qr_code"] as? String)?.isEmpty == false)

            let credits = try await client.json("/api/v1/users/\(member.id)/credits", token: member.token)
            #expect(credits.status == .ok)
            let balances = credits.object["balances"] as! [[String: Any]]
            let charged = booked.object["credits_used"] as! Int
            #expect(balances.first { $0["universal"] as? Bool == true }?["credits"] as? Int == 30 - charged)

            // Twice is a conflict, and changes nothing.
            let twice = try await client.json("/api/v1/marketplace/bookings", method: .post, token: member.token, body: ["class_schedule_id": session])
            #expect(twice.status == .conflict)
            #expect(twice.error?.code == "BOOKING_CONFLICT")
            #expect(try await fixture.store.bookings.spotsLeft(sessionId: session) == spotsBefore - 1)

            // Cancelling in time refunds in full and gives the spot back, in search too.
            let cancelled = try await client.json("/api/v1/bookings/\(id)", method: .delete, token: member.token, body: ["reason": "sick"])
            #expect(cancelled.status == .ok, "\(cancelled.text)")
            #expect(cancelled.object["credits_refunded"] as? Int == charged)
            #expect(try await waitForSpots(fixture, session: session, gym: gym, spots: spotsBefore))
            let list = try await client.json("/api/v1/users/me/bookings", token: member.token)
            #expect((list.object["bookings"] as? [[String: Any]])?.first?["status"] as? String == "cancelled")
        }
        #expect(try await fixture.store.ledger.auditLedger().isClean)
    }

    @Test("a booking retried under its Idempotency-Key books once, even when the retries race; the key with another request is a 422", arguments: StoreKind.allCases)
    func idempotentBooking(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        let (session, _, start) = fixture.openSession()
        let (other, _, _) = fixture.openSession(after: start)
        try await fixture.test(.live) { client in
            let member = try await fixture.member("retrying", universalCredits: 30, client: client)
            let spotsBefore = try await fixture.store.bookings.spotsLeft(sessionId: session)
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "phone-timeout-\(UUID().uuidString)"]
            // The app timed out and sent the same request six times at once.
            let answers = try await withThrowingTaskGroup(of: JSONResponse.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await client.json("/api/v1/marketplace/bookings", method: .post, token: member.token, body: ["class_schedule_id": session], headers: key)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { $0.status == .created }, "\(answers.map(\.status))")
            #expect(Set(answers.compactMap { $0.object["id"] as? String }).count == 1, "one booking, answered six times")
            #expect(answers.filter { $0.headers[HTTPField.Name("Idempotent-Replayed")!] == "true" }.count == 5)
            #expect(try await fixture.store.bookings.spotsLeft(sessionId: session) == spotsBefore - 1)
            let credits = try await client.json("/api/v1/users/\(member.id)/credits", token: member.token)
            let balances = credits.object["balances"] as! [[String: Any]]
            let charged = answers[0].object["credits_used"] as! Int
            #expect(balances.first { $0["universal"] as? Bool == true }?["credits"] as? Int == 30 - charged, "charged once")
            // The same key for another session is refused, and books nothing.
            let reused = try await client.json("/api/v1/marketplace/bookings", method: .post, token: member.token, body: ["class_schedule_id": other], headers: key)
            #expect(reused.status == .unprocessableContent && reused.error?.code == "IDEMPOTENCY_KEY_REUSED", "\(reused.status) \(reused.text)")
            // Without a key, booking the same session again is the usual conflict.
            let again = try await client.json("/api/v1/marketplace/bookings", method: .post, token: member.token, body: ["class_schedule_id": session])
            #expect(again.status == .conflict)
            // A refused request keeps no key: after the refusal, the key books the other session.
            let fresh: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "second-\(UUID().uuidString)"]
            let full = try await client.json(
                "/api/v1/marketplace/bookings", method: .post, token: member.token, body: ["class_schedule_id": other, "credits_to_use": 999], headers: fresh
            )
            #expect(full.status != .created)
            let booked = try await client.json("/api/v1/marketplace/bookings", method: .post, token: member.token, body: ["class_schedule_id": other], headers: fresh)
            #expect(booked.status == .created && booked.headers[HTTPField.Name("Idempotent-Replayed")!] == nil, "\(booked.text)")
        }
        #expect(try await fixture.store.ledger.auditLedger().isClean)
    }

    @Test("members never see each other's bookings or credits; refusals carry their codes", arguments: StoreKind.allCases)
    func isolationAndRefusals(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        let (session, _, _) = fixture.openSession()
        try await fixture.test { client in
            let ayo = try await fixture.member("ayo", universalCredits: 20, client: client)
            let bisi = try await fixture.member("bisi", client: client)
            let booked = try await client.json("/api/v1/marketplace/bookings", method: .post, token: ayo.token, body: ["class_schedule_id": session])
            let id = booked.object["id"] as! String
            #expect(try await client.json("/api/v1/bookings/\(id)", token: bisi.token).status == .notFound)
            #expect(try await client.json("/api/v1/bookings/\(id)", method: .delete, token: bisi.token).status == .notFound)
            #expect(try await client.json("/api/v1/users/\(ayo.id)/credits", token: bisi.token).status == .notFound)
            #expect(try await client.json("/api/v1/users/\(ayo.id)/bookings", token: bisi.token).status == .notFound)
            #expect(try await client.json("/api/v1/bookings/\(id)").status == .unauthorized)

            let broke = try await client.json("/api/v1/marketplace/bookings", method: .post, token: bisi.token, body: ["class_schedule_id": session])
            #expect(broke.status.code == 402)
            #expect(broke.error?.code == "INSUFFICIENT_CREDITS")
            let nowhere = try await client.json("/api/v1/bookings", method: .post, token: bisi.token, body: ["class_schedule_id": "no-such-session"])
            #expect(nowhere.status == .notFound)
            let noBody = try await client.json("/api/v1/bookings", method: .post, token: bisi.token)
            #expect(noBody.status == .badRequest)
            let wrongShape = try await client.json("/api/v1/bookings", method: .post, token: bisi.token, body: ["session": session])
            #expect(wrongShape.status == .badRequest)
            #expect(wrongShape.error?.message.contains("session") == true, "\(wrongShape.text)")
        }
    }

    @Test("staff check a member in with the QR token; others cannot", arguments: StoreKind.allCases)
    func checkIn(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        let (session, gym, start) = fixture.openSession()
        try await fixture.test { client in
            let member = try await fixture.member("lindiwe", gymCredits: [(gym.tenant.id, 20)], client: client)
            let coach = try await fixture.member("coach", client: client)
            try await fixture.store.staff.grantRole(user: coach.id, tenant: gym.tenant.id, role: .instructor)
            let booked = try await client.json("/api/v1/bookings", method: .post, token: member.token, body: ["class_schedule_id": session])
            #expect(booked.status == .created, "\(booked.text)")
            let id = booked.object["id"] as! String
            let token = try #require(try await client.json("/api/v1/bookings/\(id)", token: member.token).object["qr_code"] as? String)

            let early = try await client.json("/api/v1/bookings/\(id)/checkin", method: .post, token: coach.token, body: ["token": token])
            #expect(early.error?.code == "CHECKIN_NOT_OPEN")
            fixture.clock.set(start - 10 * 60)
            let coachToken = try await freshToken(fixture, user: coach)
            let byMember = try await client.json(
                "/api/v1/bookings/\(id)/checkin", method: .post, token: try await freshToken(fixture, user: member), body: ["token": token]
            )
            #expect(byMember.status == .forbidden)
            let forged = try await client.json("/api/v1/bookings/\(id)/checkin", method: .post, token: coachToken, body: ["token": token + "x"])
            #expect(forged.error?.code == "INVALID_CHECKIN_TOKEN")
            #expect(forged.status == .unprocessableContent, "a bad QR code is not the staff member signing out")
            let done = try await client.json("/api/v1/bookings/\(id)/checkin", method: .post, token: coachToken, body: ["token": token])
            #expect(done.status == .ok, "\(done.text)")
            #expect(done.object["status"] as? String == "checked_in")
            #expect((done.object["check_in_time"] as? String).flatMap(ISO8601.parse) == start - 10 * 60, "\(done.text)")
            let again = try await client.json("/api/v1/bookings/\(id)/checkin", method: .post, token: coachToken, body: ["token": token])
            #expect(again.error?.code == "ALREADY_CHECKED_IN")
            // Staff of the gym may read the booking; its QR token is only ever shown to the member.
            let seen = try await client.json("/api/v1/bookings/\(id)", token: coachToken)
            #expect(seen.status == .ok)
            #expect(seen.object["qr_code"] == nil)
        }
    }

    /// A new access token after the clock moved (the old one may have expired).
    func freshToken(_ fixture: ServerFixture, user: (id: String, token: String)) async throws -> String {
        try await fixture.services.authenticator.accessToken(for: user.id, now: fixture.clock.now)
    }
}
