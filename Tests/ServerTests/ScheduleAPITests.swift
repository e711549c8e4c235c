import Datasets
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TestSupport

/// A gym's timetable as the seed's `ClassSchedule`: stored state, and whether a session is on
/// or over by now.
@Suite("Schedule API")
struct ScheduleAPITests {
    @Test("a session's notes and stand-in instructor: set by the gym's managers, someone on its staff, cleared with null", arguments: StoreKind.allCases)
    func sessionDetails(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        let seed = SeedBookingEndpointsTests()
        try await fixture.test { client in
            let gym = try await seed.createTestTenant(fixture, client: client)
            let classId = try await seed.createTestClass(gym, client: client)
            let session = try await seed.createTestSchedule(fixture, gym, classId: classId, client: client)
            let instructor = try await fixture.member("thando", client: client)
            try await fixture.store.staff.grantRole(user: instructor.id, tenant: gym.id, role: .instructor)
            let outsider = try await fixture.member("outsider", client: client)
            let path = "/api/v1/tenants/\(gym.slug)/schedules/\(session)"

            // The gym's public page reads as the seed's Tenant and Class.
            let page = try await client.json("/api/v1/tenants/\(gym.slug)")
            #expect(page.object["subscription_tier"] as? String == "starter" && page.object["status"] as? String == "active" && page.object["email"] as? String == "seed@example.com")
            let listedClass = (page.object["classes"] as? [[String: Any]])?.first
            #expect(listedClass?["tenant_id"] as? String == gym.id && listedClass?["is_active"] as? Bool == true)

            let set = try await client.json(path, method: .patch, token: gym.ownerToken, body: ["notes": "Bring a towel", "instructor_id": instructor.id])
            #expect(set.status == .ok && set.object["notes"] as? String == "Bring a towel" && set.object["instructor_id"] as? String == instructor.id, "\(set.text)")
            let listed = try await client.json("/api/v1/tenants/\(gym.slug)/schedules?from=\(ISO8601.format(fixture.clock.now))")
            let row = (listed.object["schedules"] as? [[String: Any]])?.first { $0["id"] as? String == session }
            #expect(row?["notes"] as? String == "Bring a towel" && row?["instructor_id"] as? String == instructor.id)

            // Someone not on the staff cannot teach it; a member cannot change it; bad text is refused.
            #expect(try await client.json(path, method: .patch, token: gym.ownerToken, body: ["instructor_id": outsider.id]).status == .badRequest)
            #expect(try await client.json(path, method: .patch, token: outsider.token, body: ["notes": "mine now"]).status == .forbidden)
            #expect(try await client.json(path, method: .patch, token: gym.ownerToken, body: ["notes": String(repeating: "x", count: 501)]).status.code >= 400)
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/schedules/no-such-session", method: .patch, token: gym.ownerToken, body: ["notes": "x"]).status == .notFound)

            let cleared = try await client.json(path, method: .patch, token: gym.ownerToken, raw: #"{"notes": null, "instructor_id": null}"#)
            #expect(cleared.status == .ok && cleared.object["notes"] == nil && cleared.object["instructor_id"] == nil, "\(cleared.text)")
        }
    }

    @Test("a gym's sessions read as the seed's ClassSchedule, their status following the clock and cancellation", arguments: StoreKind.allCases)
    func schedule(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        let seed = SeedBookingEndpointsTests()
        try await fixture.test { client in
            let gym = try await seed.createTestTenant(fixture, client: client)
            let classId = try await seed.createTestClass(gym, client: client)
            let session = try await seed.createTestSchedule(fixture, gym, classId: classId, startIn: 2 * 3600, client: client)
            let later = try await seed.createTestSchedule(fixture, gym, classId: classId, startIn: 26 * 3600, client: client)
            func listed(_ id: String? = nil) async throws -> [String: Any]? {
                let page = try await client.json("/api/v1/tenants/\(gym.slug)/schedules?from=\(ISO8601.format(fixture.clock.now - 86_400))")
                #expect(page.status == .ok, "\(page.text)")
                return (page.object["schedules"] as? [[String: Any]])?.first { $0["id"] as? String == id ?? session }
            }
            let scheduled = try #require(try await listed())
            #expect(scheduled["status"] as? String == "scheduled" && scheduled["class_id"] as? String == classId)
            #expect(scheduled["tenant_id"] as? String == gym.id && scheduled["available_spots"] as? Int == 10)
            #expect(scheduled["booking_window_hours"] as? Int == 168 && scheduled["cancellation_window_hours"] as? Int == 24)
            #expect((scheduled["start_time"] as? String)?.hasSuffix("+02:00") == true && scheduled["timezone"] as? String == "Africa/Johannesburg")
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/schedules/\(later)", method: .delete, token: gym.ownerToken).status == .ok)
            #expect(try await listed(later)?["status"] as? String == "cancelled")
            let start = fixture.clock.now + 2 * 3600
            fixture.clock.set(start + 60)
            #expect(try await listed()?["status"] as? String == "in_progress")
            fixture.clock.set(start + 2 * 3600)
            #expect(try await listed()?["status"] as? String == "completed")

            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/schedules?from=2026-12-10T00:00:00Z&to=2026-12-01T00:00:00Z").status == .badRequest)
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/schedules?to=2027-06-01T00:00:00Z").status == .badRequest)
            #expect(try await client.json("/api/v1/tenants/no-such-gym/schedules").status == .notFound)
        }
    }
}
