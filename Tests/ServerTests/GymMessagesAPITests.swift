import Crypto
import Datasets
import Foundation
import HTTPTypes
import HummingbirdTesting
import Notifications
import Storage
import Testing
import TestSupport

@Suite("Messages to the gym")
struct GymMessagesAPITests {
    /// The template messages the stand-in took for `phone`: each one's name and parameters.
    static func templates(_ standIn: ProviderStandIn, to phone: String) -> [(name: String, parameters: [String])] {
        standIn.received.map(\.json).filter { $0["to"] as? String == phone }.compactMap { message in
            guard message["type"] as? String == "template", let template = message["template"] as? [String: Any] else { return nil }
            let body = (template["components"] as? [[String: Any]])?.first { $0["type"] as? String == "body" }
            return (template["name"] as? String ?? "", (body?["parameters"] as? [[String: Any]])?.compactMap { $0["text"] as? String } ?? [])
        }
    }

    @Test("the owner hears of each new booking by WhatsApp template, of cancellations, and each morning of the day; opting out of one kind stops it", arguments: StoreKind.allCases)
    func staffHearOfBookings(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        let whatsapp = ProviderStandIn([.json(200, #"{"messaging_product":"whatsapp","messages":[{"id":"wamid.1"}]}"#)])
        try await whatsapp.application.test(.live) { provider in
            let dispatcher = OutboxDispatcher(database: fixture.store.database, channel: ChannelRouter(
                whatsapp: WhatsAppChannel(baseURL: "http://127.0.0.1:\(provider.port!)", phoneNumberId: "5550001", accessToken: "wa-test")
            ))
            try await fixture.test { client in
                let owner = try await fixture.member("owner", client: client)
                let gym = try await fixture.openGym("Kimironko Box", owner: owner.token, client: client)
                let phone = "+250788111222"
                #expect(try await client.json("/api/v1/users/profile", method: .put, token: owner.token, body: ["phone": phone]).status == .ok)
                let chose = try await client.json("/api/v1/users/notifications", method: .put, token: owner.token, body: ["channel": "whatsapp", "opt_outs": []])
                #expect(chose.status == .ok, "\(chose.text)")
                var kigali = try #require(ZoneClock(identifier: "Africa/Kigali"))
                let day = kigali.localDay(at: fixture.clock.now) + 2
                let start = kigali.instant(day: day, minuteOfDay: 18 * 60)
                let session = try await fixture.addSession(gym, at: start, owner: owner.token, client: client)
                _ = try await dispatcher.dispatchDue(now: fixture.clock.now)
                let before = Self.templates(whatsapp, to: phone).count

                let keza = try await fixture.member("keza", gymCredits: [(gym.id, 6)], client: client)
                let booked = try await client.json("/api/v1/bookings", method: .post, token: keza.token, body: ["class_schedule_id": session])
                #expect(booked.status == .created, "\(booked.text)")
                _ = try await dispatcher.dispatchDue(now: fixture.clock.now)
                let told = Self.templates(whatsapp, to: phone).dropFirst(before)
                #expect(told.map(\.name) == ["studioloop_gym_new_booking"], "\(told)")
                let weekday = GymMessagesTestDay.name(day)
                #expect(told.first?.parameters == ["keza T", "Kimironko Box Bootcamp", "\(weekday) 18:00", "11"])

                // The owner turns new-booking messages off: the next booking is not told; a
                // cancellation still is.
                let off = try await client.json(
                    "/api/v1/users/notifications", method: .put, token: owner.token, body: ["channel": "whatsapp", "opt_outs": ["gym_new_booking"]]
                )
                #expect(off.status == .ok, "\(off.text)")
                let amani = try await fixture.member("amani", gymCredits: [(gym.id, 6)], client: client)
                let second = try await client.json("/api/v1/bookings", method: .post, token: amani.token, body: ["class_schedule_id": session])
                #expect(second.status == .created)
                let quiet = try await dispatcher.dispatchDue(now: fixture.clock.now)
                #expect(quiet.skipped >= 1)
                #expect(Self.templates(whatsapp, to: phone).count == before + 1, "opted out: no message for the second booking")
                let secondId = second.object["id"] as! String
                #expect(try await client.json("/api/v1/bookings/\(secondId)", method: .delete, token: amani.token).status == .ok)
                _ = try await dispatcher.dispatchDue(now: fixture.clock.now)
                #expect(Self.templates(whatsapp, to: phone).last.map { $0.name } == "studioloop_gym_cancellation")
                #expect(Self.templates(whatsapp, to: phone).last?.parameters.first == "amani T")

                // On the class's morning, at 06:00 in Kigali, the day's roster; once.
                let morning = kigali.instant(day: day, minuteOfDay: 6 * 60 + 1)
                #expect(try await dispatcher.queueRosterDigests(now: morning - 120) == 0, "not before 06:00")
                fixture.clock.set(morning)
                #expect(try await dispatcher.queueRosterDigests(now: morning) >= 1)
                #expect(try await dispatcher.queueRosterDigests(now: morning + 60) == 0, "one digest a gym a day")
                _ = try await dispatcher.dispatchDue(now: morning)
                let digest = try #require(Self.templates(whatsapp, to: phone).last)
                #expect(digest.name == "studioloop_gym_roster_digest")
                #expect(digest.parameters == ["Kimironko Box", weekday, "18:00 Kimironko Box Bootcamp 1/12"])
            }
        }
    }
}

extension GymMessagesAPITests {
    @Test("a member who wrote to us on WhatsApp (Meta's signed webhook) gets free text for 24 hours, templates after", arguments: StoreKind.allCases)
    func customerWindow(kind: StoreKind) async throws {
        let secret = "meta app secret for tests"
        let fixture = try await ServerFixture.make(kind, whatsappWebhook: WhatsAppWebhook(appSecret: secret, verifyToken: "let-me-in"))
        let whatsapp = ProviderStandIn([.json(200, #"{"messages":[{"id":"wamid.2"}]}"#)])
        try await whatsapp.application.test(.live) { provider in
            let dispatcher = OutboxDispatcher(database: fixture.store.database, channel: ChannelRouter(
                whatsapp: WhatsAppChannel(baseURL: "http://127.0.0.1:\(provider.port!)", phoneNumberId: "5550001", accessToken: "wa-test")
            ))
            try await fixture.test { client in
                let handshake = try await client.json("/api/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=let-me-in&hub.challenge=1158201444")
                #expect(handshake.status == .ok && handshake.text == "1158201444")
                #expect(try await client.json("/api/v1/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1").status == .forbidden)

                let member = try await fixture.member("lindiwe", universalCredits: 20, client: client)
                let phone = "+27825550177"
                #expect(try await client.json("/api/v1/users/profile", method: .put, token: member.token, body: ["phone": phone]).status == .ok)
                #expect(try await client.json("/api/v1/users/notifications", method: .put, token: member.token, body: ["channel": "whatsapp"]).status == .ok)
                let body = #"{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","messages":[{"from":"27825550177","id":"wamid.in","timestamp":"\#(fixture.clock.now - 60)","type":"text","text":{"body":"hi"}}]}}]}]}"#
                let mac = HMAC<SHA256>.authenticationCode(for: Array(body.utf8), using: SymmetricKey(data: Array(secret.utf8)))
                let signature = "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
                let forged = try await client.json("/api/v1/webhooks/whatsapp", method: .post, raw: body, headers: [HTTPField.Name("X-Hub-Signature-256")!: "sha256=" + String(repeating: "0", count: 64)])
                #expect(forged.status == .unauthorized, "\(forged.text)")
                let signed = try await client.json("/api/v1/webhooks/whatsapp", method: .post, raw: body, headers: [HTTPField.Name("X-Hub-Signature-256")!: signature])
                #expect(signed.status == .ok && signed.object["received"] as? Int == 1, "\(signed.text)")

                // Inside the window the booking's confirmation goes as free text.
                let open = fixture.openSession()
                let booked = try await client.json(
                    "/api/v1/marketplace/bookings", method: .post, token: member.token, body: ["class_schedule_id": open.sessionId]
                )
                #expect(booked.status == .created, "\(booked.text)")
                _ = try await dispatcher.dispatchDue(now: fixture.clock.now)
                let first = try #require(whatsapp.received.map(\.json).last { $0["to"] as? String == phone })
                #expect(first["type"] as? String == "text", "\(first)")
                // A day later the window has closed: the cancellation goes as its template.
                let later = fixture.clock.now + 25 * 3_600
                _ = try await fixture.store.bookings.cancel(bookingId: booked.object["id"] as! String, member: member.id, reason: nil, now: later)
                _ = try await dispatcher.dispatchDue(now: later)
                let second = try #require(whatsapp.received.map(\.json).last { $0["to"] as? String == phone })
                #expect(second["type"] as? String == "template")
                #expect((second["template"] as? [String: Any])?["name"] as? String == "studioloop_booking_cancelled")
            }
        }
    }
}

/// "Fri 4 Dec" for a local day, as the messages write it.
enum GymMessagesTestDay {
    static func name(_ day: Int64) -> String {
        let date = CivilTime.date(days: day)
        return "\(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][CivilTime.weekday(days: day) - 1]) \(date.day) \(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][date.month - 1])"
    }
}
