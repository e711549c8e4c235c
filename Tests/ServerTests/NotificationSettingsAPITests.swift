import Foundation
import HTTPTypes
import Server
import Storage
import Testing
import TestSupport

@Suite("Notification settings API")
struct NotificationSettingsAPITests {
    @Test("a member chooses a channel (a phone first for SMS and WhatsApp) and the kinds to turn off", arguments: StoreKind.allCases)
    func settings(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let member = try await fixture.member("lerato", client: client)
            let initial = try await client.json("/api/v1/users/notifications", token: member.token)
            #expect(initial.object["channel"] as? String == "email")
            #expect((initial.object["opt_outs"] as? [String]) == [])
            let noPhone = try await client.json("/api/v1/users/notifications", method: .put, token: member.token, body: ["channel": "whatsapp"])
            #expect(noPhone.status == .badRequest)
            #expect(noPhone.error?.message.contains("phone") == true)
            _ = try await client.json("/api/v1/users/profile", method: .put, token: member.token, body: ["phone": "+27 82 555 0101"])
            let set = try await client.json(
                "/api/v1/users/notifications", method: .put, token: member.token,
                body: ["channel": "whatsapp", "opt_outs": ["class_reminder", "booking_waitlisted"]]
            )
            #expect(set.status == .ok, "\(set.text)")
            #expect(set.object["channel"] as? String == "whatsapp")
            #expect((set.object["opt_outs"] as? [String]) == ["booking_waitlisted", "class_reminder"])
            for bad: [String: Any] in [["channel": "pigeon"], ["channel": "sms", "opt_outs": ["spam"]], ["opt_outs": []]] {
                let refused = try await client.json("/api/v1/users/notifications", method: .put, token: member.token, body: bad)
                #expect(refused.status == .badRequest, "\(bad)")
            }
            #expect(try await fixture.store.accounts.notificationSettings(member: member.id).channel == .whatsapp, "refusals changed nothing")
            #expect(try await client.json("/api/v1/users/notifications").status == .unauthorized)
        }
    }
}
