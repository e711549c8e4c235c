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

@Suite("Gym administration API")
struct GymAdminAPITests {
    /// The sessions search shows for a gym, polled until `done` holds (the index follows the
    /// store a few milliseconds after each commit).
    func sessions(
        _ fixture: ServerFixture, gym: String, near: (Double, Double), until done: ([SearchResult]) -> Bool
    ) async throws -> [SearchResult] {
        var results: [SearchResult] = []
        for _ in 0..<300 {
            var query = SearchQuery(now: fixture.clock.now)
            query.origin = .init(latitude: near.0, longitude: near.1)
            query.radiusKm = 1
            query.tenant = gym
            query.minSpots = 0
            query.limit = 100
            query.to = fixture.clock.now + 14 * 86_400
            results = try fixture.index.search(query).results
            if done(results) { return results }
            try await Task.sleep(for: .milliseconds(10))
        }
        return results
    }

    @Test("an owner opens a gym, adds a class and a session; search follows; cancelling refunds", arguments: StoreKind.allCases)
    func gymLifecycle(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            let slug = "kigali-move-\(UUID().uuidString.prefix(6).lowercased())"
            let gymBody: [String: Any] = [
                "name": "Kigali Move", "slug": slug, "email": "hello@kigalimove.rw", "phone": "+250 788 000 000",
                "address": ["street": "KG 7 Ave", "suburb": "Kacyiru", "city": "Kigali", "province": "Kigali", "postal_code": "", "country": "Rwanda"],
                "location": ["lat": -1.9441, "lng": 30.0619], "timezone": "Africa/Kigali",
            ]
            let created = try await client.json("/api/v1/tenants", method: .post, token: owner.token, body: gymBody)
            #expect(created.status == .created, "\(created.text)")
            let gym = created.object["id"] as! String
            let taken = try await client.json("/api/v1/tenants", method: .post, token: owner.token, body: gymBody)
            #expect(taken.status == .conflict)
            #expect(taken.error?.code == "SLUG_TAKEN")
            var badZone = gymBody
            badZone["slug"] = slug + "-2"
            badZone["timezone"] = "Mars/Olympus"
            #expect(try await client.json("/api/v1/tenants", method: .post, token: owner.token, body: badZone).status == .badRequest)

            let classBody: [String: Any] = [
                "name": "Umuganda Bootcamp", "class_type": "hiit", "duration_minutes": 45, "max_capacity": 12, "credits_required": 2,
                "weekly_slots": [["weekday": 2, "start": "06:30"], ["weekday": 4, "start": "18:00"]],
            ]
            let stranger = try await fixture.member("stranger", client: client)
            #expect(try await client.json("/api/v1/tenants/\(slug)/classes", method: .post, token: stranger.token, body: classBody).status == .forbidden)
            let added = try await client.json("/api/v1/tenants/\(slug)/classes", method: .post, token: owner.token, body: classBody)
            #expect(added.status == .created, "\(added.text)")
            let classId = added.object["id"] as! String
            // Two slots a week over 14 days.
            #expect(added.object["sessions_added"] as? Int == 4)
            let near = (-1.9441, 30.0619)
            var shown = try await sessions(fixture, gym: gym, near: near) { $0.count == 4 }
            #expect(shown.count == 4)
            #expect(shown.allSatisfy { $0.class.name == "Umuganda Bootcamp" && $0.spotsLeft == 12 })

            // A one-off session two days out, booked by a member with credits at this gym.
            let start = fixture.clock.now + 2 * 86_400 + 3_600
            let oneOff = try await client.json(
                "/api/v1/tenants/\(slug)/schedules", method: .post, token: owner.token,
                body: ["class_id": classId, "start_time": ISO8601.format(start)]
            )
            #expect(oneOff.status == .created, "\(oneOff.text)")
            let session = oneOff.object["id"] as! String
            shown = try await sessions(fixture, gym: gym, near: near) { $0.count == 5 }
            #expect(shown.contains { $0.sessionId == session })
            let member = try await fixture.member("uwase", gymCredits: [(gym, 5)], client: client)
            let booked = try await client.json("/api/v1/bookings", method: .post, token: member.token, body: ["class_schedule_id": session])
            #expect(booked.status == .created, "\(booked.text)")

            // The gym cancels it: the member is refunded whatever the hour, and it leaves search.
            let cancelled = try await client.json(
                "/api/v1/tenants/\(slug)/schedules/\(session)", method: .delete, token: owner.token, body: ["reason": "instructor ill"]
            )
            #expect(cancelled.status == .ok, "\(cancelled.text)")
            #expect(cancelled.object["bookings_cancelled"] as? Int == 1)
            #expect(try await fixture.store.ledger.credits(member: member.id, tenant: gym, now: fixture.clock.now) == 5)
            shown = try await sessions(fixture, gym: gym, near: near) { $0.count == 4 }
            #expect(!shown.contains { $0.sessionId == session })

            // Renaming shows in search; retiring the class takes all its sessions out.
            let renamed = try await client.json(
                "/api/v1/tenants/\(slug)/classes/\(classId)", method: .patch, token: owner.token, body: ["name": "Sunrise Bootcamp"]
            )
            #expect(renamed.status == .ok, "\(renamed.text)")
            shown = try await sessions(fixture, gym: gym, near: near) { $0.first?.class.name == "Sunrise Bootcamp" }
            #expect(shown.first?.class.name == "Sunrise Bootcamp")
            #expect(try await client.json("/api/v1/tenants/\(slug)/classes/\(classId)", method: .delete, token: owner.token).status == .ok)
            shown = try await sessions(fixture, gym: gym, near: near) { $0.isEmpty }
            #expect(shown.isEmpty)
        }
        #expect(try await fixture.store.ledger.auditLedger().isClean)
    }

    @Test("the rolling horizon materializes timetables ahead, and the index takes the new sessions in one batch")
    func rollingHorizon() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { _ in
            let before = fixture.index.counts.sessions
            let later = fixture.clock.now + 7 * 86_400
            fixture.clock.set(later)
            let gyms = try await fixture.store.catalog.extendSchedules(until: later + 14 * 86_400, now: later)
            #expect(gyms > 0)
            #expect(try await fixture.store.catalog.extendSchedules(until: later + 14 * 86_400, now: later) == 0, "a second roll adds nothing")
            // The index follows: the week beyond the first horizon is searchable.
            var found = 0
            for _ in 0..<300 {
                var query = SearchQuery(now: later)
                query.origin = ServerFixture.reference.city(named: "johannesburg")!.centerCoordinate
                query.radiusKm = 100
                query.from = later + 8 * 86_400
                query.to = later + 13 * 86_400
                query.minSpots = 0
                found = try fixture.index.search(query).results.count
                if found > 0 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(found > 0, "sessions past the first horizon reached the index")
            #expect(fixture.index.counts.sessions > before)
        }
    }
}
