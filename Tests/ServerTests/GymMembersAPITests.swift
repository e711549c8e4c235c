import Foundation
import HTTPTypes
import HummingbirdTesting
import Storage
import Testing
import TestSupport

@Suite("A gym's members, for its staff")
struct GymMembersAPITests {
    @Test("staff list and search their members with the contact each shared, their credits and attendance; note and block them; another gym sees none of it", arguments: StoreKind.allCases)
    func members(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            let gym = try await fixture.openGym("Lekki Lift", owner: owner.token, client: client)
            let rival = try await fixture.member("rival", client: client)
            let other = try await fixture.openGym("Ikoyi Iron", owner: rival.token, client: client)
            let start = fixture.clock.now + 2 * 86_400
            let session = try await fixture.addSession(gym, at: start, owner: owner.token, client: client)
            let later = try await fixture.addSession(gym, at: start + 86_400, owner: owner.token, client: client)
            let open = try await fixture.member("adaeze", gymCredits: [(gym.id, 6)], client: client)
            let shy = try await fixture.member("bola", gymCredits: [(gym.id, 6)], client: client)
            let sharing = try await client.json("/api/v1/users/profile", method: .put, token: open.token, body: ["share_contact_with_gyms": true, "phone": "+2348030000001"])
            #expect(sharing.status == .ok && sharing.object["share_contact_with_gyms"] as? Bool == true, "\(sharing.text)")
            var bookings: [String: String] = [:]
            for (name, member) in [("adaeze", open), ("bola", shy)] {
                let booked = try await client.json("/api/v1/bookings", method: .post, token: member.token, body: ["class_schedule_id": session])
                #expect(booked.status == .created, "\(booked.text)")
                bookings[name] = booked.object["id"] as? String
            }
            // Bola did not come.
            try await fixture.store.bookings.markNoShow(bookingId: bookings["bola"]!, tenant: gym.id, staff: owner.id, now: start + 600)

            let list = try await client.json("/api/v1/tenants/\(gym.slug)/members", token: owner.token)
            #expect(list.status == .ok, "\(list.text)")
            let members = (list.object["members"] as? [[String: Any]]) ?? []
            #expect(members.map { $0["first_name"] as? String } == ["adaeze", "bola"] || members.map { $0["first_name"] as? String } == ["bola", "adaeze"])
            let adaeze = try #require(members.first { $0["user_id"] as? String == open.id })
            let bola = try #require(members.first { $0["user_id"] as? String == shy.id })
            #expect(adaeze["email"] as? String != nil && adaeze["phone"] as? String == "+2348030000001", "she shares her contact")
            #expect(bola["email"] == nil && bola["phone"] == nil, "he does not")
            #expect(adaeze["credits_at_gym"] as? Int == 4 && adaeze["bookings"] as? Int == 1)
            #expect(bola["no_shows"] as? Int == 1 && bola["no_show_rate"] as? Double == 1 && bola["attendance_rate"] as? Double == 0)
            #expect(adaeze["attendance_rate"] == nil, "no ended session yet")

            // Search by name, or by a contact only where it is shared; pages of one.
            let found = try await client.json("/api/v1/tenants/\(gym.slug)/members?q=ADAE", token: owner.token)
            #expect(((found.object["members"] as? [[String: Any]]) ?? []).map { $0["user_id"] as? String } == [open.id])
            let bolaEmail = try await fixture.email(of: shy.token, client: client)
            let hidden = try await client.json("/api/v1/tenants/\(gym.slug)/members?q=\(bolaEmail.prefix(12))", token: owner.token)
            #expect(((hidden.object["members"] as? [[String: Any]]) ?? []).isEmpty, "an email he did not share finds nothing")
            let first = try await client.json("/api/v1/tenants/\(gym.slug)/members?limit=1", token: owner.token)
            let cursor = try #require(first.object["next_cursor"] as? String)
            let second = try await client.json("/api/v1/tenants/\(gym.slug)/members?limit=1&cursor=\(cursor)", token: owner.token)
            let pages = ((first.object["members"] as? [[String: Any]]) ?? []) + ((second.object["members"] as? [[String: Any]]) ?? [])
            #expect(Set(pages.compactMap { $0["user_id"] as? String }) == [open.id, shy.id])
            #expect(second.object["next_cursor"] == nil)
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/members?cursor=garbage!", token: owner.token).status == .badRequest)
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/members?limit=0", token: owner.token).status == .badRequest)

            // Another gym's owner sees none of them, here or through their own gym; members see no list.
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/members", token: rival.token).status == .forbidden)
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/members/\(open.id)", token: rival.token).status == .forbidden)
            let theirs = try await client.json("/api/v1/tenants/\(other.slug)/members", token: rival.token)
            #expect(((theirs.object["members"] as? [[String: Any]]) ?? []).isEmpty)
            #expect(try await client.json("/api/v1/tenants/\(other.slug)/members/\(open.id)", token: rival.token).status == .notFound)
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/members", token: open.token).status == .forbidden)

            // A note, the member's history, a block that stops booking, and its lifting.
            let note = try await client.json(
                "/api/v1/tenants/\(gym.slug)/members/\(shy.id)/notes", method: .post, token: owner.token, body: ["text": "Missed class: called, knee trouble."]
            )
            #expect(note.status == .created, "\(note.text)")
            #expect(try await client.json(
                "/api/v1/tenants/\(other.slug)/members/\(shy.id)/notes", method: .post, token: rival.token, body: ["text": "spying"]
            ).status == .notFound)
            let detail = try await client.json("/api/v1/tenants/\(gym.slug)/members/\(shy.id)", token: owner.token)
            #expect(detail.status == .ok, "\(detail.text)")
            #expect(((detail.object["history"] as? [[String: Any]]) ?? []).map { $0["status"] as? String } == ["no_show"])
            #expect(((detail.object["notes"] as? [[String: Any]]) ?? []).map { $0["text"] as? String } == ["Missed class: called, knee trouble."])
            let blocked = try await client.json(
                "/api/v1/tenants/\(gym.slug)/members/\(shy.id)/block", method: .put, token: owner.token, body: ["reason": "Repeated no-shows"]
            )
            #expect(blocked.status == .ok, "\(blocked.text)")
            #expect(try await client.json(
                "/api/v1/tenants/\(other.slug)/members/\(shy.id)/block", method: .put, token: rival.token, body: ["reason": "x"]
            ).status == .notFound)
            let refused = try await client.json("/api/v1/bookings", method: .post, token: shy.token, body: ["class_schedule_id": later])
            #expect(refused.status == .forbidden && refused.error?.code == "MEMBER_BLOCKED", "\(refused.text)")
            let listed = try await client.json("/api/v1/tenants/\(gym.slug)/members?q=bola", token: owner.token)
            #expect((((listed.object["members"] as? [[String: Any]]) ?? []).first?["blocked"] as? [String: Any])?["reason"] as? String == "Repeated no-shows")
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/members/\(shy.id)/block", method: .delete, token: owner.token).status == .noContent)
            #expect(try await client.json("/api/v1/bookings", method: .post, token: shy.token, body: ["class_schedule_id": later]).status == .created)
            let noteId = note.object["id"] as! String
            #expect(try await client.json("/api/v1/tenants/\(gym.slug)/members/\(shy.id)/notes/\(noteId)", method: .delete, token: owner.token).status == .noContent)
        }
    }
}
