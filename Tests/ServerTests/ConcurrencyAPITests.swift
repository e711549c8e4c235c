import Datasets
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Marketplace
import Server
import Storage
import Testing
import TestSupport

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
                        let response = try await client.json("/api/v1/bookings", method: .post, token: member.token, body: ["class_schedule_id": session, "join_waitlist": true])
                        return response.object["status"] as? String ?? "error \(response.status): \(response.text)"
                    }
                }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == "confirmed" }.count == 10, "\(Set(statuses))")
            #expect(statuses.filter { $0 == "waitlisted" }.count == 20)
            #expect(try await fixture.store.bookings.spotsLeft(sessionId: session) == 0)

            let late = try await fixture.member("late", gymCredits: [(gym, 3)], client: client)
            let refused = try await client.json(
                "/api/v1/bookings", method: .post, token: late.token, body: ["class_schedule_id": session]
            )
            #expect(refused.status == .conflict)
            #expect(refused.error?.code == "CLASS_FULL")
        }
        #expect(try await fixture.store.ledger.auditLedger().isClean)
    }

    @Test("two servers on one PostgreSQL: 20 members book 10 spots, half through each; both searches then show 0 left")
    func sharedDatabase() async throws {
        let first = try await ServerFixture.make(.postgres)
        let second = try await ServerFixture.make(.postgres, sharing: first)
        try await first.test { a in
            try await second.test { b in
                let (gym, session, _) = try await smallClass(first, capacity: 10, client: a)
                var members: [(id: String, token: String)] = []
                for i in 0..<20 { members.append(try await first.member("pair\(i)", gymCredits: [(gym, 3)], client: a)) }
                // Give each server's listener a moment to LISTEN before the rush.
                try await Task.sleep(for: .milliseconds(300))
                let statuses = try await withThrowingTaskGroup(of: String.self) { group in
                    for (i, member) in members.enumerated() {
                        let client: any TestClientProtocol = i % 2 == 0 ? a : b
                        group.addTask {
                            let response = try await client.json("/api/v1/bookings", method: .post, token: member.token, body: ["class_schedule_id": session, "join_waitlist": true])
                            return response.object["status"] as? String ?? "error \(response.status): \(response.text)"
                        }
                    }
                    return try await group.reduce(into: [String]()) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == "confirmed" }.count == 10, "\(statuses)")
                #expect(statuses.filter { $0 == "waitlisted" }.count == 10)
                for (name, server) in [("first", first), ("second", second)] {
                    var spots: Int?
                    for _ in 0..<300 {
                        var query = SearchQuery(now: server.clock.now)
                        query.origin = .init(latitude: -26.1452, longitude: 28.0413)
                        query.radiusKm = 0.5
                        query.tenant = gym
                        query.minSpots = 0
                        spots = try server.index.search(query).results.first { $0.sessionId == session }?.spotsLeft
                        if spots == 0 { break }
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    #expect(spots == 0, "the \(name) server's search shows \(spots.map(String.init) ?? "no session")")
                }
            }
        }
        #expect(try await first.store.ledger.auditLedger().isClean)
    }
}
