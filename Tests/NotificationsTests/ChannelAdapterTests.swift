import Foundation
import Hummingbird
import HummingbirdTesting
import Notifications
import Storage
import Synchronization
import Testing

/// The adapters against a stand-in for the providers' HTTP APIs on loopback: what they send,
/// and that a provider's refusal makes the dispatcher retry.
@Suite("Channel adapters")
struct ChannelAdapterTests {
    /// What the stand-in received.
    final class Inbox: Sendable {
        struct Received: Sendable {
            var path: String
            var headers: [String: String]
            var body: String
        }
        let list = Mutex<[Received]>([])
        var all: [Received] { list.withLock { $0 } }
    }

    /// A provider that takes everything, except messages to the phone or address containing
    /// "fail", which it refuses with a 500.
    static func standIn(_ inbox: Inbox) -> Application<RouterResponder<BasicRequestContext>> {
        let router = Router()
        router.post("**") { request, context -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            inbox.list.withLock { $0.append(.init(path: request.uri.path, headers: headers, body: body)) }
            return Response(status: body.contains("fail") ? .internalServerError : .ok)
        }
        return Application(router: router)
    }

    static func message(kind: String = "booking_confirmed", channel: NotificationChannelKind, phone: String = "+27825550101", email: String = "thandi@example.com") -> OutboxMessage {
        OutboxMessage(
            id: UUID().uuidString, userId: "u1", kind: kind, payload: #"{"booking_id":"b-42"}"#, attempts: 0,
            recipient: Recipient(email: email, phone: phone, channel: channel)
        )
    }

    @Test("WhatsApp, SMS and email adapters post what their providers expect, and fail on a refusal")
    func adapters() async throws {
        let inbox = Inbox()
        try await Self.standIn(inbox).test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            try await WhatsAppChannel(baseURL: base, phoneNumberId: "1234", accessToken: "wa-token").deliver(Self.message(channel: .whatsapp))
            try await SMSChannel(baseURL: base, username: "studioloop", apiKey: "at-key", senderId: "StudioLoop")
                .deliver(Self.message(channel: .sms))
            try await EmailChannel(baseURL: base, from: "hello@studioloop.africa", apiKey: "sg-key").deliver(Self.message(channel: .email))
            await #expect(throws: ChannelError.self) {
                try await SMSChannel(baseURL: base, username: "studioloop", apiKey: "at-key").deliver(Self.message(channel: .sms, phone: "fail"))
            }
        }
        let received = inbox.all
        try #require(received.count == 4)
        let whatsapp = received[0], sms = received[1], email = received[2]
        #expect(whatsapp.path == "/1234/messages")
        #expect(whatsapp.headers["authorization"] == "Bearer wa-token")
        let wa = try JSONSerialization.jsonObject(with: Data(whatsapp.body.utf8)) as! [String: Any]
        #expect(wa["messaging_product"] as? String == "whatsapp" && wa["to"] as? String == "+27825550101")
        #expect(((wa["text"] as? [String: Any])?["body"] as? String)?.contains("booked") == true)
        #expect(sms.path == "/version1/messaging")
        #expect(sms.headers["apikey"] == "at-key")
        #expect(sms.body.contains("username=studioloop") && sms.body.contains("to=%2B27825550101") && sms.body.contains("from=StudioLoop"))
        #expect(email.path == "/v3/mail/send")
        let mail = try JSONSerialization.jsonObject(with: Data(email.body.utf8)) as! [String: Any]
        #expect((mail["subject"] as? String) == "Booking confirmed")
        #expect(email.headers["authorization"] == "Bearer sg-key")
    }

    @Test("the router follows the member's choice, falls back to email, and sends account emails by email")
    func routing() async throws {
        let inbox = Inbox()
        try await Self.standIn(inbox).test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            let router = ChannelRouter(
                email: EmailChannel(baseURL: base + "/email", from: "hello@studioloop.africa", apiKey: "k"),
                sms: SMSChannel(baseURL: base + "/sms", username: "u", apiKey: "k"),
                whatsapp: WhatsAppChannel(baseURL: base + "/wa", phoneNumberId: "1", accessToken: "t")
            )
            try await router.deliver(Self.message(channel: .whatsapp))
            try await router.deliver(Self.message(channel: .sms))
            try await router.deliver(Self.message(channel: .email))
            try await router.deliver(Self.message(channel: .whatsapp, phone: ""))  // no phone: email
            try await router.deliver(Self.message(kind: "password_reset", channel: .sms))  // account mail: email
            let noWhatsApp = ChannelRouter(email: EmailChannel(baseURL: base + "/email", from: "h@s.africa", apiKey: "k"))
            try await noWhatsApp.deliver(Self.message(channel: .whatsapp))  // not configured: email
        }
        #expect(inbox.all.map { String($0.path.split(separator: "/").first ?? "") } == ["wa", "sms", "email", "email", "email", "email"])
    }

    @Test("the dispatcher delivers through the member's channel and retries a provider's refusal")
    func dispatcher() async throws {
        let store = Store(database: try SQLiteDatabase(path: FileManager.default.temporaryDirectory.appending(path: "sl-notify-\(UUID()).sqlite").path))
        let now: Int64 = 1_800_000_000
        try await store.migrate(now: now)
        let ok = try await store.accounts.createMember(email: "ok@example.com", firstName: "O", lastName: "K", now: now)
        let refused = try await store.accounts.createMember(email: "fail@example.com", firstName: "F", lastName: "L", now: now)
        _ = try await store.accounts.updateProfile(id: ok, firstName: nil, lastName: nil, phone: "+254700000001", now: now)
        _ = try await store.accounts.setNotificationSettings(member: ok, NotificationSettings(channel: .whatsapp, optOuts: ["class_reminder"]))
        await #expect(throws: StoreError.self) {
            try await store.accounts.setNotificationSettings(member: refused, NotificationSettings(channel: .sms, optOuts: []))
        }
        try await store.accounts.requestPasswordReset(email: "ok@example.com", now: now)
        try await store.accounts.requestPasswordReset(email: "fail@example.com", now: now)
        try await store.accounts.setNotificationOptOut(member: ok, kind: "*", optedOut: true)
        let inbox = Inbox()
        try await Self.standIn(inbox).test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            let dispatcher = OutboxDispatcher(database: store.database, channel: ChannelRouter(
                email: EmailChannel(baseURL: base + "/email", from: "hello@studioloop.africa", apiKey: "k"),
                whatsapp: WhatsAppChannel(baseURL: base + "/wa", phoneNumberId: "1", accessToken: "t")
            ))
            let report = try await dispatcher.dispatchDue(now: now)
            // Two reset emails, though one member opted out of everything (account mail always
            // goes); the provider refuses the address with "fail", so that one is retried.
            #expect(report.delivered == 1)
            #expect(report.retried == 1)
        }
        #expect(inbox.all.allSatisfy { $0.path.hasPrefix("/email") })
        let settings = try await store.accounts.notificationSettings(member: ok)
        #expect(settings.channel == .whatsapp && settings.optOuts == ["*", "class_reminder"])
    }
}
