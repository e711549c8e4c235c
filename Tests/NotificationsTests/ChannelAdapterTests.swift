import Crypto
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
    /// "fail", and anything under /broken, which it refuses with a 500.
    static func standIn(_ inbox: Inbox) -> Application<RouterResponder<BasicRequestContext>> {
        let router = Router()
        router.post("**") { request, context -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            inbox.list.withLock { $0.append(.init(path: request.uri.path, headers: headers, body: body)) }
            return Response(status: body.contains("fail") || request.uri.path.hasPrefix("/broken") ? .internalServerError : .ok)
        }
        return Application(router: router)
    }

    static func message(
        kind: String = "booking_confirmed", channel: NotificationChannelKind, phone: String = "+27825550101", email: String = "thandi@example.com",
        payload: String = #"{"booking_id":"b-42"}"#, inWindow: Bool = false
    ) -> OutboxMessage {
        OutboxMessage(
            id: UUID().uuidString, userId: "u1", kind: kind, payload: payload, attempts: 0,
            recipient: Recipient(email: email, phone: phone, channel: channel, inCustomerWindow: inWindow)
        )
    }

    /// Every channel, to the stand-in at `base`: WhatsApp under `whatsapp` ("/broken" refuses).
    static func router(_ base: String, whatsapp: String = "/wa") -> ChannelRouter {
        ChannelRouter(
            email: EmailChannel(baseURL: base + "/email", from: "hello@studioloop.africa", apiKey: "k"),
            sms: SMSChannel(baseURL: base + "/sms", username: "u", apiKey: "k"),
            whatsapp: WhatsAppChannel(baseURL: base + whatsapp, phoneNumberId: "1", accessToken: "t")
        )
    }

    @Test("WhatsApp, SMS and email adapters post what their providers expect, and fail on a refusal")
    func adapters() async throws {
        let inbox = Inbox()
        try await Self.standIn(inbox).test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            try await WhatsAppChannel(baseURL: base, phoneNumberId: "1234", accessToken: "wa-token").deliver(Self.message(channel: .whatsapp, inWindow: true))
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

    /// Outside the 24-hour customer window WhatsApp takes only templates: the one named for the
    /// kind, with its parameters in order; a sign-up code as an authentication template.
    @Test("WhatsApp messages we start are template messages with their parameters; free text only inside the customer window")
    func whatsappTemplates() async throws {
        let inbox = Inbox()
        try await Self.standIn(inbox).test(.live) { client in
            let whatsapp = WhatsAppChannel(baseURL: "http://127.0.0.1:\(client.port!)", phoneNumberId: "1234", accessToken: "t", language: "fr")
            try await whatsapp.deliver(Self.message(
                kind: "gym_new_booking", channel: .whatsapp,
                payload: #"{"member":"Keza M","class":"Bootcamp","start":"Fri 4 Dec 06:30","spots_left":3,"gym":"Kimironko Box"}"#
            ))
            try await whatsapp.deliver(Self.message(kind: "phone_verification", channel: .whatsapp, payload: #"{"code":"123456"}"#, inWindow: true))
        }
        let sent = try inbox.all.map { try #require(JSONSerialization.jsonObject(with: Data($0.body.utf8)) as? [String: Any]) }
        try #require(sent.count == 2)
        #expect(sent[0]["type"] as? String == "template" && sent[0]["text"] == nil)
        let template = try #require(sent[0]["template"] as? [String: Any])
        #expect(template["name"] as? String == "studioloop_gym_new_booking")
        #expect((template["language"] as? [String: Any])?["code"] as? String == "fr")
        let body = try #require((template["components"] as? [[String: Any]])?.first)
        #expect(body["type"] as? String == "body")
        #expect((body["parameters"] as? [[String: Any]])?.map { $0["text"] as? String } == ["Keza M", "Bootcamp", "Fri 4 Dec 06:30", "3"])
        // A code is never free text, even inside the window: it goes as the authentication template.
        let code = try #require(sent[1]["template"] as? [String: Any])
        #expect(code["name"] as? String == "studioloop_verification_code")
        let components = code["components"] as? [[String: Any]] ?? []
        #expect(components.map { $0["type"] as? String } == ["body", "button"])
        #expect(((components.last?["parameters"] as? [[String: Any]])?.first?["text"] as? String) == "123456")
    }

    @Test("a message WhatsApp does not take goes by SMS when SMS is configured")
    func whatsappFallsBackToSMS() async throws {
        let inbox = Inbox()
        try await Self.standIn(inbox).test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            let router = Self.router(base, whatsapp: "/broken")
            try await router.deliver(Self.message(channel: .whatsapp))
            try await router.deliver(Self.message(kind: "phone_verification", channel: .email, payload: #"{"code":"654321"}"#))
            let noSMS = ChannelRouter(whatsapp: WhatsAppChannel(baseURL: base + "/broken", phoneNumberId: "1", accessToken: "t"))
            await #expect(throws: ChannelError.self) { try await noSMS.deliver(Self.message(channel: .whatsapp)) }
        }
        #expect(inbox.all.map { String($0.path.split(separator: "/").first ?? "") } == ["broken", "sms", "broken", "sms", "broken"])
        #expect(inbox.all[3].body.contains("654321"))
    }

    @Test("the WhatsApp webhook's signature is checked, and members' messages are read from Meta's shape")
    func whatsappWebhook() throws {
        let webhook = WhatsAppWebhook(appSecret: "meta app secret", verifyToken: "subscribe-me")
        let body = Array(#"""
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":{
          "messaging_product":"whatsapp","metadata":{"display_phone_number":"15550783881","phone_number_id":"106540352242922"},
          "contacts":[{"profile":{"name":"Sheena Nelson"},"wa_id":"27825550101"}],
          "messages":[{"from":"27825550101","id":"wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQTRBNjU5OUFFRTAzODEwMTQ0RgA=","timestamp":"1749416383","type":"text","text":{"body":"Hi"}}]}}]}]}
        """#.utf8)
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array("meta app secret".utf8)))
        let signature = "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
        #expect(webhook.isSigned(body, signature: signature))
        #expect(!webhook.isSigned(body + [0x20], signature: signature))
        #expect(!webhook.isSigned(body, signature: nil))
        #expect(!webhook.isSigned(body, signature: "sha256=00"))
        #expect(WhatsAppWebhook.inbound(in: body).map { "\($0.phone) at \($0.at)" } == ["+27825550101 at 1749416383"])
        #expect(WhatsAppWebhook.inbound(in: Array("not json".utf8)).isEmpty)
    }

    @Test("the router follows the member's choice, falls back to email, and sends account emails by email")
    func routing() async throws {
        let inbox = Inbox()
        try await Self.standIn(inbox).test(.live) { client in
            let base = "http://127.0.0.1:\(client.port!)"
            let router = Self.router(base)
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
