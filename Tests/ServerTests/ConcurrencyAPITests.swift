import Datasets
import Foundation
import HTTPTypes
import HummingbirdTesting
import Marketplace
import Server
import Storage
import Testing

@Suite("Concurrent API use")
struct ConcurrencyAPITests {
    /// A new gym with one class of `capacity` spots and one session two days out; returns the
    /// gym's id and the session's.
    func smallClass(_ fixture: ServerFixture, capacity: Int, client: any TestClientProtocol) async throws -> (gym: String, session: String, owner: String) {
        let owner = try await fixture.member("owner", client: client)
        let slug = "rush-\(UUID().uuidString.prefix(8).lowercased())"
        let gym = try await client.json("/api/v1/tenants", method: .post, token: owner.token, body: [
            "name": "Rush Hour Gym", "slug": slug, "email": "rush@example.com", "phone": "+27 11 555 0000",
            "address": ["street": "1 Jan Smuts Ave", "suburb": "Rosebank", "city": "Johannesburg", "province": "Gauteng", "postal_code": "2196", "country": "South Africa"],
            "location": ["lat": -26.1452, "lng": 28.0413], "timezone": "Africa/Johannesburg",
        ]).object["id"] as! String
        let classId = try await client.json("/api/v1/tenants/\(slug)/classes", method: .post, token: owner.token, body: [
            "name": "Rush Spin", "class_type": "cycling", "duration_minutes": 45, "max_capacity": capacity, "credits_required": 1,
        ]).object["id"] as! String
        let session = try await client.json("/api/v1/tenants/\(slug)/schedules", method: .post, token: owner.token, body: [
            "class_id": classId, "start_time": ISO8601.format(fixture.clock.now + 2 * 86_400),
        ]).object["id"] as! String
        return (gym, session, owner.token)
    }

    @Test("30 members booking 10 spots at once through the API: 10 confirmed, 20 waitlisted", arguments: StoreKind.allCases)
    func rush(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let (gym, session, _) = try await smallClass(fixture, capacity: 10, client: client)
            var members: [(id: String, token: String)] = []
            for i in 0..<30 { members.append(try await fixture.member("rush\(i)", gymCredits: [(gym, 3)], client: client)) }
            let statuses = try await withThrowingTaskGroup(of: String.self) { group in
                for member in members {
                    group.addTask {
                        let response = try await client.json("/api/v1/bookings", method: .post, token: member.token, body: ["session_id": session])
                        return response.object["status"] as? String ?? "error \(response.status): \(response.text)"
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == "confirmed" }.count == 10, "\(Set(statuses))")
            #expect(statuses.filter { $0 == "waitlisted" }.count == 20)
            #expect(try await fixture.store.spotsLeft(sessionId: session) == 0)

            let late = try await fixture.member("late", gymCredits: [(gym, 3)], client: client)
            let refused = try await client.json(
                "/api/v1/bookings", method: .post, token: late.token, body: ["session_id": session, "join_waitlist": false]
            )
            #expect(refused.status == .conflict)
            #expect(refused.error?.code == "CLASS_FULL")
        }
        #expect(try await fixture.store.auditLedger().isClean)
    }

    @Test("two servers sharing one PostgreSQL database: a booking on one shows in the other's search")
    func sharedDatabase() async throws {
        let first = try await ServerFixture.make(.postgres)
        let second = try await ServerFixture.make(.postgres, sharing: first)
        let (session, gym, _) = first.openSession()
        let secondSync = second.sync
        let listening = Task { try await secondSync.run() }
        defer { listening.cancel() }
        // Give the second server's listener a moment to LISTEN before the change is made.
        try await Task.sleep(for: .milliseconds(300))
        let before = try await first.store.spotsLeft(sessionId: session)
        try await first.test { client in
            let member = try await first.member("shared", universalCredits: 10, client: client)
            let booked = try await client.json("/api/v1/marketplace/bookings", method: .post, token: member.token, body: ["session_id": session])
            #expect(booked.status == .created, "\(booked.text)")
        }
        var seen: Int?
        for _ in 0..<300 {
            var query = SearchQuery(now: second.clock.now)
            query.origin = .init(latitude: gym.tenant.location.lat, longitude: gym.tenant.location.lng)
            query.radiusKm = 0.5
            query.tenant = gym.tenant.id
            query.minSpots = 0
            query.limit = 100
            query.to = second.clock.now + 3 * 86_400
            seen = try second.index.search(query).results.first { $0.sessionId == session }?.spotsLeft
            if seen == before - 1 { break }
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(seen == before - 1)
    }
}
