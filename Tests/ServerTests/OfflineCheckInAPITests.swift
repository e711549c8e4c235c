import Booking
import Crypto
import Datasets
import Foundation
import HTTPTypes
import HummingbirdTesting
import Storage
import Testing
import TestSupport

@Suite("Check-in through load-shedding: codes ahead, keys published, offline check-ins synced once")
struct OfflineCheckInAPITests {
    @Test("a member's code verifies with the published key alone; a device's batch applies once, refusing a cancelled booking and a tampered code", arguments: StoreKind.allCases)
    func offlineCheckInsSyncOnce(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            let gym = try await fixture.openGym("Kimironko Box", owner: owner.token, client: client)
            let rival = try await fixture.member("rival", client: client)
            let other = try await fixture.openGym("Remera Row", owner: rival.token, client: client)
            let start = fixture.clock.now + 30 * 60
            let session = try await fixture.addSession(gym, at: start, owner: owner.token, client: client)
            let member = try await fixture.member("keza", gymCredits: [(gym.id, 6)], client: client)
            let friend = try await fixture.member("mugisha", gymCredits: [(gym.id, 6)], client: client)
            var bookings: [String] = []
            for token in [member.token, friend.token] {
                let booked = try await client.json("/api/v1/bookings", method: .post, token: token, body: ["class_schedule_id": session])
                #expect(booked.status == .created, "\(booked.text)")
                bookings.append(booked.object["id"] as! String)
            }

            // The member's app holds the code before anyone reaches the door.
            let codes = try await client.json("/api/v1/users/me/checkin-codes", token: member.token)
            #expect(codes.status == .ok, "\(codes.text)")
            let mine = (codes.object["codes"] as? [[String: Any]]) ?? []
            #expect(mine.map { $0["booking_id"] as? String } == [bookings[0]], "a member sees only their own codes")
            let code = try #require(mine.first?["code"] as? String)
            #expect(try await client.json("/api/v1/users/\(friend.id)/checkin-codes", token: member.token).status == .notFound)

            // The staff device has only the published keys, and the code verifies with them.
            let keySet = try await client.json("/api/v1/tenants/\(gym.slug)/checkin-key")
            #expect(keySet.status == .ok, "\(keySet.text)")
            let keys = (keySet.object["keys"] as? [[String: Any]]) ?? []
            let decoded = try #require(CheckInToken.decode(code))
            #expect(decoded.claims == CheckInToken.Claims(bookingId: bookings[0], sessionId: session, tenantId: gym.id, expiresAt: start + 45 * 60))
            let jwk = try #require(keys.first { $0["kid"] as? String == decoded.keyId })
            #expect(jwk["kty"] as? String == "OKP" && jwk["crv"] as? String == "Ed25519")
            let publicKey = try Curve25519.Signing.PublicKey(rawRepresentation: try #require(CheckInToken.bytes(base64url: jwk["x"] as! String)))
            #expect(publicKey.isValidSignature(decoded.signature, for: decoded.signed))
            let otherKeys = try await client.json("/api/v1/tenants/\(other.slug)/checkin-key")
            #expect(!((otherKeys.object["keys"] as? [[String: Any]]) ?? []).contains { $0["x"] as? String == jwk["x"] as? String },
                    "each gym signs with keys of its own")

            // The friend cancels while the gym is offline; the device checked both in anyway,
            // and someone tried a code with one byte changed.
            #expect(try await client.json("/api/v1/bookings/\(bookings[1])", method: .delete, token: friend.token).status == .ok)
            var tamperedBytes = try #require(CheckInToken.bytes(base64url: code))
            tamperedBytes[tamperedBytes.count - 70] ^= 0x01
            fixture.clock.set(start - 20 * 60)
            let at = ISO8601.format(start - 25 * 60)
            let batch: [String: Any] = ["checkins": [
                ["client_id": "tablet-1", "booking_id": bookings[0], "checked_in_at": at, "device_id": "desk", "code": code],
                ["client_id": "tablet-2", "booking_id": bookings[1], "checked_in_at": at, "device_id": "desk"],
                ["client_id": "tablet-3", "booking_id": bookings[0], "checked_in_at": at, "device_id": "desk",
                 "code": CheckInToken.base64url(tamperedBytes)],
            ]]
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/checkins:sync", method: .post, token: rival.token, body: batch).status == .forbidden,
                    "another gym's owner cannot sync here")
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/checkins:sync", method: .post, token: member.token, body: batch).status == .forbidden)
            let first = try await client.json("/api/v1/tenants/\(gym.slug)/checkins:sync", method: .post, token: owner.token, body: batch)
            #expect(first.status == .ok, "\(first.text)")
            let results = (first.object["results"] as? [[String: Any]]) ?? []
            #expect(results.map { $0["outcome"] as? String } == ["applied", "refused", "refused"], "\(first.text)")
            #expect(results.map { $0["reason"] as? String } == [nil, "BOOKING_CANCELLED", "INVALID_CHECKIN_TOKEN"])
            #expect(results.map { $0["replayed"] as? Bool } == [false, false, false])

            // Sent again (the device never saw the answer): nothing changes twice.
            let again = try await client.json("/api/v1/tenants/\(gym.slug)/checkins:sync", method: .post, token: owner.token, body: batch)
            let replayed = (again.object["results"] as? [[String: Any]]) ?? []
            #expect(replayed.map { $0["outcome"] as? String } == ["applied", "refused", "refused"])
            #expect(replayed.map { $0["replayed"] as? Bool } == [true, true, true])
            // A second device that also scanned the member reports it as already done.
            let second = try await client.json("/api/v1/tenants/\(gym.slug)/checkins:sync", method: .post, token: owner.token, body: ["checkins": [
                ["client_id": "phone-1", "booking_id": bookings[0], "checked_in_at": at, "device_id": "phone", "code": code],
            ]])
            #expect(((second.object["results"] as? [[String: Any]]) ?? []).map { $0["outcome"] as? String } == ["already"], "\(second.text)")

            let roster = try await client.json("/api/v1/tenants/\(gym.slug)/schedules/\(session)/roster", token: owner.token)
            let entry = ((roster.object["members"] as? [[String: Any]]) ?? []).first { $0["booking_id"] as? String == bookings[0] }
            #expect(entry?["status"] as? String == "checked_in")
            #expect(entry?["checked_in_by"] as? String == owner.id)
            #expect(entry?["check_in_method"] as? String == "qr")
            #expect(try await fixture.outboxCount(kind: "checked_in", user: member.id) == 1, "the member is told once")

            // Bad batches change nothing and say why.
            for (body, why) in [
                (["checkins": []] as [String: Any], "empty"),
                (["checkins": [["client_id": "x", "booking_id": bookings[0], "checked_in_at": "yesterday", "device_id": "d"]]], "a time that is not one"),
                (["checkins": [["client_id": "x", "booking_id": bookings[0], "checked_in_at": at, "device_id": "d"],
                               ["client_id": "x", "booking_id": bookings[0], "checked_in_at": at, "device_id": "d"]]], "a client id twice"),
            ] {
                let refused = try await client.json("/api/v1/tenants/\(gym.slug)/checkins:sync", method: .post, token: owner.token, body: body)
                #expect(refused.status == .badRequest, "\(why): \(refused.text)")
            }
        }
    }
}

extension ServerFixture {
    /// How many messages of `kind` the outbox holds for `user`.
    func outboxCount(kind: String, user: String) async throws -> Int {
        try await store.database.transaction { db in
            try db.setContext(.system)
            return Int(try db.query("SELECT COUNT(*) AS n FROM outbox WHERE kind = $1 AND user_id = $2", .text(kind), .text(user)).first?["n"].integer ?? 0)
        }
    }
}
