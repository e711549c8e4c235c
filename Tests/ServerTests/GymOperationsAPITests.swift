import Datasets
import Foundation
import HTTPTypes
import HummingbirdTesting
import Storage
import Testing
import TestSupport

@Suite("Running a gym: staff, rosters, settings, timetable changes")
struct GymOperationsAPITests {
    @Test("an owner adds an instructor, who reads the roster and checks a member in by name; another gym's owner cannot", arguments: StoreKind.allCases)
    func instructorAtTheFrontDesk(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            let gym = try await fixture.openGym("Kigali Move", owner: owner.token, client: client)
            let rival = try await fixture.member("rival", client: client)
            let other = try await fixture.openGym("Nyamirambo Lift", owner: rival.token, client: client)

            // The owner invites an instructor by the email they sign in with; they accept.
            let instructor = try await fixture.member("teacher", client: client)
            let email = try await fixture.email(of: instructor.token, client: client)
            let invited = try await client.json(
                "/api/v1/tenants/\(gym.slug)/staff/invites", method: .post, token: owner.token, body: ["email": email, "role": "instructor"]
            )
            #expect(invited.status == .created, "\(invited.text)")
            let inviteId = invited.object["id"] as! String
            #expect(try await client.json(
                "/api/v1/tenants/\(gym.slug)/staff/invites", method: .post, token: rival.token, body: ["email": email, "role": "admin"]
            ).status == .forbidden, "another gym's owner cannot invite to this one")
            let mine = try await client.json("/api/v1/users/staff-invites", token: instructor.token)
            #expect((mine.object["invites"] as? [[String: Any]])?.map { $0["id"] as? String } == [inviteId])
            #expect(try await client.json("/api/v1/users/staff-invites/\(inviteId)/accept", method: .post, token: rival.token).status == .notFound,
                    "an invitation is accepted only by the contact it names")
            let accepted = try await client.json("/api/v1/users/staff-invites/\(inviteId)/accept", method: .post, token: instructor.token)
            #expect(accepted.status == .ok, "\(accepted.text)")
            let team = try await client.json("/api/v1/tenants/\(gym.slug)/staff", token: instructor.token)
            #expect((team.object["staff"] as? [[String: Any]])?.map { $0["role"] as? String } == ["owner", "instructor"])
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/staff", token: rival.token).status == .forbidden)

            // A class's instructor must be staff of its gym.
            let foreign = try await client.json(
                "/api/v1/tenants/\(gym.slug)/classes/\(gym.classId)", method: .patch, token: owner.token, body: ["instructor_id": rival.id]
            )
            #expect(foreign.status == .badRequest, "\(foreign.text)")
            let assigned = try await client.json(
                "/api/v1/tenants/\(gym.slug)/classes/\(gym.classId)", method: .patch, token: owner.token, body: ["instructor_id": instructor.id]
            )
            #expect(assigned.status == .ok, "\(assigned.text)")

            // A member books; the instructor sees them on the roster and checks them in by name.
            // Soon enough that the clock reaches its check-in window inside the access tokens' 15 minutes.
            let start = fixture.clock.now + 40 * 60
            let session = try await fixture.addSession(gym, at: start, owner: owner.token, client: client)
            let member = try await fixture.member("uwase", gymCredits: [(gym.id, 6)], client: client)
            let booked = try await client.json("/api/v1/bookings", method: .post, token: member.token, body: ["class_schedule_id": session])
            #expect(booked.status == .created, "\(booked.text)")
            let booking = booked.object["id"] as! String
            let roster = try await client.json("/api/v1/tenants/\(gym.slug)/schedules/\(session)/roster", token: instructor.token)
            #expect(roster.status == .ok, "\(roster.text)")
            let members = roster.object["members"] as? [[String: Any]] ?? []
            #expect(members.map { $0["booking_id"] as? String } == [booking])
            #expect(members.first?["first_name"] as? String == "uwase")
            for (method, path) in [
                (HTTPRequest.Method.get, "/api/v1/tenants/\(gym.slug)/schedules/\(session)/roster"),
                (.post, "/api/v1/tenants/\(gym.slug)/bookings/\(booking)/checkin"),
                (.post, "/api/v1/tenants/\(gym.slug)/bookings/\(booking)/no-show"),
                (.get, "/api/v1/tenants/\(gym.slug)/day"),
            ] {
                let refused = try await client.json(path, method: method, token: rival.token)
                #expect(refused.status == .forbidden, "\(method) \(path) for another gym's owner: \(refused.status)")
            }
            // Through their own gym's path, the rival's staff rights do not reach this booking.
            #expect(try await client.json("/api/v1/tenants/\(other.slug)/bookings/\(booking)/checkin", method: .post, token: rival.token).status == .notFound)
            #expect(try await client.json("/api/v1/tenants/\(other.slug)/schedules/\(session)/roster", token: rival.token).status == .notFound)

            let early = try await client.json("/api/v1/tenants/\(gym.slug)/bookings/\(booking)/checkin", method: .post, token: instructor.token)
            #expect(early.error?.code == "CHECKIN_NOT_OPEN")
            fixture.clock.set(start - 28 * 60)
            let checkedIn = try await client.json("/api/v1/tenants/\(gym.slug)/bookings/\(booking)/checkin", method: .post, token: instructor.token)
            #expect(checkedIn.status == .ok, "\(checkedIn.text)")
            #expect(checkedIn.object["status"] as? String == "checked_in")
            var entry = (try await client.json("/api/v1/tenants/\(gym.slug)/schedules/\(session)/roster", token: instructor.token)
                .object["members"] as? [[String: Any]])?.first
            #expect(entry?["checked_in_by"] as? String == instructor.id)
            #expect(entry?["check_in_method"] as? String == "name")
            // A mistake is undone within the session, and done again.
            let undone = try await client.json("/api/v1/tenants/\(gym.slug)/bookings/\(booking)/checkin", method: .delete, token: instructor.token)
            #expect(undone.object["status"] as? String == "confirmed", "\(undone.text)")
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/bookings/\(booking)/checkin", method: .post, token: instructor.token).status == .ok)
            let again = try await client.json("/api/v1/tenants/\(gym.slug)/bookings/\(booking)/checkin", method: .post, token: instructor.token)
            #expect(again.error?.code == "ALREADY_CHECKED_IN")

            // The day view counts it.
            let day = try await client.json("/api/v1/tenants/\(gym.slug)/day?date=\(ISO8601.format(start + 2 * 3600).prefix(10))", token: owner.token)
            #expect(day.status == .ok, "\(day.text)")
            let today = (day.object["sessions"] as? [[String: Any]])?.first { $0["session_id"] as? String == session }
            #expect((today?["counts"] as? [String: Any])?["checked_in"] as? Int == 1)

            // Every staff change is audited, with who did it.
            let audit = try await client.json("/api/v1/tenants/\(gym.slug)/staff/audit", token: owner.token)
            let actions = (audit.object["entries"] as? [[String: Any]])?.map { "\($0["action"] ?? "")|\($0["actor_id"] ?? "")" } ?? []
            #expect(Set(actions) == ["invited|\(owner.id)", "invite_accepted|\(instructor.id)"], "\(audit.text)")
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/staff/audit", token: instructor.token).status == .forbidden)

            // Removing the instructor takes them off the class too; the owner cannot be removed or left without one.
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/staff/\(owner.id)", method: .delete, token: owner.token).status == .conflict)
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/staff/\(instructor.id)", method: .delete, token: owner.token).status == .noContent)
            entry = (try await client.json("/api/v1/tenants/\(gym.slug)", token: owner.token).object["classes"] as? [[String: Any]])?.first
            #expect(entry?["instructor_id"] == nil)
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/schedules/\(session)/roster", token: instructor.token).status == .forbidden)
        }
    }

    @Test("ownership is transferred, never left empty; an admin invites instructors but not admins", arguments: StoreKind.allCases)
    func ownership(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            let gym = try await fixture.openGym("Accra Flow", owner: owner.token, client: client)
            let admin = try await fixture.member("admin", client: client)
            let invite = try await client.json(
                "/api/v1/tenants/\(gym.slug)/staff/invites", method: .post, token: owner.token,
                body: ["email": try await fixture.email(of: admin.token, client: client), "role": "admin"]
            )
            #expect(try await client.json("/api/v1/users/staff-invites/\(invite.object["id"] as! String)/accept", method: .post, token: admin.token).status == .ok)
            #expect(try await client.json(
                "/api/v1/tenants/\(gym.slug)/staff/invites", method: .post, token: admin.token, body: ["phone": "+233 24 123 4567", "role": "admin"]
            ).status == .forbidden)
            #expect(try await client.json(
                "/api/v1/tenants/\(gym.slug)/staff/invites", method: .post, token: admin.token, body: ["phone": "+233 24 123 4567", "role": "instructor"]
            ).status == .created)
            #expect(try await client.json(
                "/api/v1/tenants/\(gym.slug)/staff/invites", method: .post, token: owner.token, body: ["phone": "+233 24 123 4567", "role": "owner"]
            ).status == .badRequest)
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/staff/\(owner.id)", method: .patch, token: admin.token, body: ["role": "owner"]).status == .forbidden)
            let transferred = try await client.json("/api/v1/tenants/\(gym.slug)/staff/\(admin.id)", method: .patch, token: owner.token, body: ["role": "owner"])
            #expect(transferred.status == .noContent, "\(transferred.text)")
            let team = try await client.json("/api/v1/tenants/\(gym.slug)/staff", token: owner.token)
            let roles = Dictionary(uniqueKeysWithValues: (team.object["staff"] as? [[String: Any]] ?? []).map { ($0["user_id"] as! String, $0["role"] as! String) })
            #expect(roles == [admin.id: "owner", owner.id: "admin"])
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/staff/\(admin.id)", method: .delete, token: admin.token).status == .conflict)
            // The former owner may leave.
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/staff/\(owner.id)", method: .delete, token: owner.token).status == .noContent)
        }
    }

    @Test("a capacity below the confirmed bookings is refused and changes nothing; timetable changes move only unbooked sessions", arguments: StoreKind.allCases)
    func timetableChanges(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            let gym = try await fixture.openGym("Lagos Pulse", owner: owner.token, client: client, capacity: 3)
            let schedule = try await client.json("/api/v1/tenants/\(gym.slug)/schedules?to=\(ISO8601.format(fixture.clock.now + 14 * 86_400))")
            let sessions = (schedule.object["schedules"] as? [[String: Any]] ?? []).map { $0["id"] as! String }
            #expect(sessions.count == 4, "\(schedule.text)")
            // Tuesday 1 December, 06:30 in Kigali: the first Tuesday of the timetable.
            let booked = sessions[1]
            var ada: (id: String, token: String)?
            for name in ["ada", "bola"] {
                let member = try await fixture.member(name, gymCredits: [(gym.id, 4)], client: client)
                #expect(try await client.json("/api/v1/bookings", method: .post, token: member.token, body: ["class_schedule_id": booked]).status == .created)
                ada = ada ?? member
            }
            // Ada also books the first Thursday.
            #expect(try await client.json("/api/v1/bookings", method: .post, token: ada!.token, body: ["class_schedule_id": sessions[0]]).status == .created)
            let waiting = try await fixture.member("chidi", gymCredits: [(gym.id, 4)], client: client)
            let third = try await fixture.member("dayo", gymCredits: [(gym.id, 4)], client: client)
            #expect(try await client.json("/api/v1/bookings", method: .post, token: third.token, body: ["class_schedule_id": booked]).status == .created)
            let queued = try await client.json("/api/v1/bookings", method: .post, token: waiting.token, body: ["class_schedule_id": booked, "join_waitlist": true])
            #expect(queued.object["status"] as? String == "waitlisted", "\(queued.text)")

            let tooSmall = try await client.json(
                "/api/v1/tenants/\(gym.slug)/classes/\(gym.classId)", method: .patch, token: owner.token, body: ["max_capacity": 2, "name": "Renamed"]
            )
            #expect(tooSmall.status == .conflict, "\(tooSmall.text)")
            #expect(tooSmall.error?.message.contains("3 confirmed") == true, "\(tooSmall.text)")
            let page = try await client.json("/api/v1/tenants/\(gym.slug)")
            let klass = (page.object["classes"] as? [[String: Any]])?.first
            #expect(klass?["max_capacity"] as? Int == 3 && klass?["name"] as? String == "Lagos Pulse Bootcamp", "nothing changed")

            // A larger class promotes the waitlist into the new spot.
            let grown = try await client.json("/api/v1/tenants/\(gym.slug)/classes/\(gym.classId)", method: .patch, token: owner.token, body: ["max_capacity": 5])
            #expect(grown.status == .ok, "\(grown.text)")
            let promoted = try await client.json("/api/v1/bookings/\(queued.object["id"] as! String)", token: waiting.token)
            #expect(promoted.object["status"] as? String == "confirmed", "\(promoted.text)")

            // Moving the Tuesday slot: the booked Tuesday stays, the unbooked one moves.
            let moved = try await client.json(
                "/api/v1/tenants/\(gym.slug)/classes/\(gym.classId)", method: .patch, token: owner.token,
                body: ["weekly_slots": [["weekday": 3, "start": "07:00"], ["weekday": 4, "start": "18:00"]], "duration_minutes": 60]
            )
            #expect(moved.status == .ok, "\(moved.text)")
            #expect(moved.object["booked_sessions_kept"] as? [String] == [booked], "\(moved.text)")
            #expect(moved.object["sessions_removed"] as? Int == 1, "the unbooked Tuesday went")
            #expect(moved.object["sessions_added"] as? Int == 2, "two Wednesdays came")
            let after = try await client.json("/api/v1/tenants/\(gym.slug)/schedules?to=\(ISO8601.format(fixture.clock.now + 14 * 86_400))")
            let rows = after.object["schedules"] as? [[String: Any]] ?? []
            #expect(rows.count == 5, "\(after.text)")
            let kept = rows.first { $0["id"] as? String == booked }
            #expect(kept?["end_time"] as? String == "2026-12-01T07:30:00+02:00", "the booked session stays, with the new duration")
            // Asked to, the owner cancels the booked sessions a change drops: their members are refunded.
            let cancelled = try await client.json(
                "/api/v1/tenants/\(gym.slug)/classes/\(gym.classId)", method: .patch, token: owner.token,
                body: ["weekly_slots": [["weekday": 3, "start": "07:00"]], "cancel_booked_sessions": true]
            )
            #expect(cancelled.status == .ok, "\(cancelled.text)")
            #expect(cancelled.object["booked_sessions_cancelled"] as? [String] == [sessions[0]], "\(cancelled.text)")
            #expect(try await fixture.store.ledger.credits(member: ada!.id, tenant: gym.id, now: fixture.clock.now) == 2, "the Thursday refunded")
        }
        #expect(try await fixture.store.ledger.auditLedger().isClean)
    }

    @Test("switching the marketplace off hides the gym from marketplace search within a second; its direct members still book", arguments: StoreKind.allCases)
    func marketplaceOptOut(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            let gym = try await fixture.openGym("Kacyiru Strong", owner: owner.token, client: client, location: (-1.9302, 30.0906))
            let search = "/api/v1/marketplace/search?lat=-1.9302&lng=30.0906&radius_km=0.5&limit=100"
            func shown(_ search: String) async throws -> Bool {
                let results = try await client.json(search).object["results"] as? [[String: Any]] ?? []
                return results.contains { ($0["gym"] as? [String: Any])?["id"] as? String == gym.id }
            }
            var visible = false
            for _ in 0..<100 where !visible {
                visible = try await shown(search)
                if !visible { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(visible, "the new gym is in marketplace search")

            // It moves across town: within a second search finds it at the new place, not the old.
            let moved = try await client.json(
                "/api/v1/tenants/\(gym.slug)", method: .patch, token: owner.token, body: ["location": ["lat": -1.9536, "lng": 30.0606]]
            )
            #expect(moved.status == .ok, "\(moved.text)")
            let there = "/api/v1/marketplace/search?lat=-1.9536&lng=30.0606&radius_km=0.5&limit=100"
            let moving = ContinuousClock.now
            while try await !shown(there), ContinuousClock.now - moving < .seconds(1) { try await Task.sleep(for: .milliseconds(10)) }
            #expect(try await shown(there), "found at its new place within a second")
            #expect(try await !shown(search), "and no longer at the old one")
            let off = try await client.json("/api/v1/tenants/\(gym.slug)", method: .patch, token: owner.token, body: [
                "marketplace_enabled": false, "phone": "+250 788 111 222",
                "settings": ["cancellation_window_hours": 12, "late_cancel_policy": "refund"],
            ])
            #expect(off.status == .ok, "\(off.text)")
            #expect(off.object["marketplace_enabled"] as? Bool == false)
            #expect((off.object["settings"] as? [String: Any])?["cancellation_window_hours"] as? Int == 12)
            let stranger = try await fixture.member("stranger", client: client)
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)", method: .patch, token: stranger.token, body: ["name": "Mine now"]).status == .forbidden)
            let clock = ContinuousClock(), began = clock.now
            while try await shown(there), clock.now - began < .seconds(1) { try await Task.sleep(for: .milliseconds(10)) }
            #expect(try await !shown(there), "gone from marketplace search within a second")

            let schedule = try await client.json("/api/v1/tenants/\(gym.slug)/schedules")
            let first = (schedule.object["schedules"] as? [[String: Any]])?.first
            #expect(first?["cancellation_window_hours"] as? Int == 12, "the gym's window reached its sessions")
            let session = first?["id"] as! String
            let member = try await fixture.member("direct", universalCredits: 5, gymCredits: [(gym.id, 5)], client: client)
            #expect(try await client.json("/api/v1/bookings", method: .post, token: member.token, body: ["class_schedule_id": session]).status == .created)
            let viaMarketplace = try await fixture.member("explorer", universalCredits: 5, client: client)
            #expect(try await client.json("/api/v1/marketplace/bookings", method: .post, token: viaMarketplace.token, body: ["class_schedule_id": session]).status == .badRequest)
        }
    }
}
