import Datasets
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TestSupport

/// The seed's `tests/integration/api/test_booking_endpoints.py`, case for case: the same
/// requests and the same assertions, against the API on both stores. Its fixtures
/// (`create_test_tenant`, `create_test_class`, `create_test_schedule`) are made through the API
/// as a gym owner would; "a schedule with no spots" is one whose only spot another member took.
@Suite("The seed's booking endpoint tests")
struct SeedBookingEndpointsTests {
    struct Gym {
        var slug: String
        var id: String
        var ownerToken: String
    }

    func createTestTenant(_ fixture: ServerFixture, client: any TestClientProtocol) async throws -> Gym {
        let owner = try await fixture.member("owner", client: client)
        let slug = "seed-\(UUID().uuidString.prefix(8).lowercased())"
        let gym = try await client.json("/api/v1/tenants", method: .post, token: owner.token, body: [
            "name": "Seed Test Gym", "slug": slug, "email": "seed@example.com", "phone": "+27 11 555 0101",
            "address": ["street": "1 Jan Smuts Ave", "suburb": "Rosebank", "city": "Johannesburg", "province": "Gauteng", "postal_code": "2196", "country": "South Africa"],
            "location": ["lat": -26.1452, "lng": 28.0413], "timezone": "Africa/Johannesburg",
        ])
        #expect(gym.status == .created, "\(gym.text)")
        return Gym(slug: slug, id: gym.object["id"] as! String, ownerToken: owner.token)
    }

    func createTestClass(_ gym: Gym, creditsRequired: Int = 1, capacity: Int = 10, client: any TestClientProtocol) async throws -> String {
        let made = try await client.json("/api/v1/tenants/\(gym.slug)/classes", method: .post, token: gym.ownerToken, body: [
            "name": "Morning Yoga", "class_type": "yoga", "duration_minutes": 60, "max_capacity": capacity, "credits_required": creditsRequired,
        ])
        #expect(made.status == .created, "\(made.text)")
        return made.object["id"] as! String
    }

    func createTestSchedule(_ fixture: ServerFixture, _ gym: Gym, classId: String, startIn seconds: Int64 = 2 * 86_400, client: any TestClientProtocol) async throws -> String {
        let made = try await client.json("/api/v1/tenants/\(gym.slug)/schedules", method: .post, token: gym.ownerToken, body: [
            "class_id": classId, "start_time": ISO8601.format(fixture.clock.now + seconds),
        ])
        #expect(made.status == .created, "\(made.text)")
        return made.object["id"] as! String
    }

    @Test(arguments: StoreKind.allCases)
    func createBookingSuccess(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let tenant = try await createTestTenant(fixture, client: client)
            let testClass = try await createTestClass(tenant, client: client)
            let schedule = try await createTestSchedule(fixture, tenant, classId: testClass, startIn: 2 * 3600, client: client)
            let user = try await fixture.member("member", gymCredits: [(tenant.id, 5)], client: client)

            let response = try await client.json(
                "/api/v1/bookings", method: .post, token: user.token, body: ["class_schedule_id": schedule, "credits_to_use": 1]
            )
            #expect(response.status.code == 201, "\(response.text)")
            let booking = response.object
            #expect(booking["class_schedule_id"] as? String == schedule)
            #expect(booking["status"] as? String == "confirmed")
            #expect(booking.keys.contains("qr_code"))
            // Beyond the seed: the rest of its Booking, and what "My classes" shows.
            #expect(booking["booking_type"] as? String == "direct" && booking["credits_used"] as? Int == 1)
            #expect(booking["tenant_id"] as? String == tenant.id && booking["user_id"] as? String == user.id)
            #expect(booking["class_name"] as? String == "Morning Yoga" && booking["timezone"] as? String == "Africa/Johannesburg")
            #expect((booking["start_time"] as? String)?.hasSuffix("+02:00") == true, "\(booking["start_time"] ?? "")")
            #expect((booking["gym"] as? [String: Any])?["slug"] as? String == tenant.slug)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func createBookingInsufficientCredits(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let tenant = try await createTestTenant(fixture, client: client)
            let testClass = try await createTestClass(tenant, creditsRequired: 100, client: client)
            let schedule = try await createTestSchedule(fixture, tenant, classId: testClass, client: client)
            let user = try await fixture.member("member", gymCredits: [(tenant.id, 5)], client: client)

            let response = try await client.json(
                "/api/v1/bookings", method: .post, token: user.token, body: ["class_schedule_id": schedule, "credits_to_use": 100]
            )
            #expect(response.status.code == 402)
            #expect(response.error?.code == "INSUFFICIENT_CREDITS")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func createBookingClassFull(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let tenant = try await createTestTenant(fixture, client: client)
            let testClass = try await createTestClass(tenant, capacity: 1, client: client)
            let schedule = try await createTestSchedule(fixture, tenant, classId: testClass, client: client)
            let first = try await fixture.member("first", gymCredits: [(tenant.id, 5)], client: client)
            #expect(try await client.json("/api/v1/bookings", method: .post, token: first.token, body: ["class_schedule_id": schedule]).status.code == 201)
            let user = try await fixture.member("member", gymCredits: [(tenant.id, 5)], client: client)

            let response = try await client.json(
                "/api/v1/bookings", method: .post, token: user.token, body: ["class_schedule_id": schedule, "credits_to_use": 1]
            )
            #expect(response.status.code == 409)
            #expect(response.error?.code == "CLASS_FULL")
            // Asked for, the waitlist takes them instead.
            let waiting = try await client.json(
                "/api/v1/bookings", method: .post, token: user.token, body: ["class_schedule_id": schedule, "join_waitlist": true]
            )
            #expect(waiting.status.code == 201 && waiting.object["status"] as? String == "waitlisted", "\(waiting.text)")
            #expect(waiting.object["waitlist_position"] as? Int == 1 && waiting.object["qr_code"] == nil)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func cancelBookingSuccess(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let tenant = try await createTestTenant(fixture, client: client)
            let testClass = try await createTestClass(tenant, client: client)
            let schedule = try await createTestSchedule(fixture, tenant, classId: testClass, client: client)
            let user = try await fixture.member("member", gymCredits: [(tenant.id, 5)], client: client)

            let createResponse = try await client.json(
                "/api/v1/bookings", method: .post, token: user.token, body: ["class_schedule_id": schedule, "credits_to_use": 1]
            )
            let bookingId = createResponse.object["id"] as! String

            let response = try await client.json("/api/v1/bookings/\(bookingId)", method: .delete, token: user.token)
            #expect(response.status.code == 200)

            let getResponse = try await client.json("/api/v1/bookings/\(bookingId)", token: user.token)
            let cancelledBooking = getResponse.object
            #expect(cancelledBooking["status"] as? String == "cancelled")
        }
    }

    /// What the seed's tests do not cover: a stated price that is not the session's, and the
    /// old name of `class_schedule_id`.
    @Test(arguments: StoreKind.allCases)
    func aStatedPriceMustBeTheSessionsAndTheOldNameStillWorks(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let tenant = try await createTestTenant(fixture, client: client)
            let schedule = try await createTestSchedule(fixture, tenant, classId: try await createTestClass(tenant, creditsRequired: 2, client: client), client: client)
            let user = try await fixture.member("member", gymCredits: [(tenant.id, 5)], client: client)
            let wrong = try await client.json("/api/v1/bookings", method: .post, token: user.token, body: ["class_schedule_id": schedule, "credits_to_use": 1])
            #expect(wrong.status.code == 422 && wrong.error?.code == "CREDITS_MISMATCH", "\(wrong.text)")
            let other = try await client.json(
                "/api/v1/bookings", method: .post, token: user.token, body: ["class_schedule_id": schedule, "session_id": "another"]
            )
            #expect(other.status.code == 400)
            #expect(try await fixture.store.bookings.bookings(of: user.id).isEmpty, "a refusal books nothing")
            let old = try await client.json("/api/v1/bookings", method: .post, token: user.token, body: ["session_id": schedule, "credits_to_use": 2])
            #expect(old.status.code == 201 && old.object["credits_used"] as? Int == 2, "\(old.text)")
        }
    }
}
