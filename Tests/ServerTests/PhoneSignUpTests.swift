import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Notifications
import Storage
import Synchronization
import Testing
import TestSupport

/// Phone-first sign-up, as the seed's app does it: register with a phone, get a six-digit code
/// by WhatsApp, prove the number with it, and sign in by phone.
@Suite("Phone sign-up")
struct PhoneSignUpTests {
    /// Meta's Cloud API, as far as sending a text goes: it records each message.
    final class WhatsAppStandIn: Sendable {
        let sent = Mutex<[String]>([])
        var messages: [[String: Any]] {
            sent.withLock { $0 }.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
        }

        func application() -> Application<RouterResponder<BasicRequestContext>> {
            let router = Router()
            router.post("{phone_number_id}/messages") { request, _ -> Response in
                let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
                self.sent.withLock { $0.append(body) }
                return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: #"{"messages":[{"id":"wamid.1"}]}"#)))
            }
            return Application(router: router)
        }
    }

    @Test("register with a phone, verify with the code WhatsApp brings, then sign in by phone and pay", arguments: StoreKind.allCases)
    func phoneFirst(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        let whatsapp = WhatsAppStandIn()
        try await whatsapp.application().test(.live) { provider in
            try await fixture.test { client in
                let signup = try await client.json("/api/v1/auth/register", method: .post, body: [
                    "phone": "+27 82 555 0199", "password": "township run 7", "first_name": "Sipho", "last_name": "Ndlovu",
                ])
                #expect(signup.status == .created, "\(signup.text)")
                #expect(signup.object["verification_sent_to"] as? [String] == ["phone"])
                let token = try #require(signup.object["access_token"] as? String)
                let user = try #require(signup.object["user_id"] as? String)
                // Browsing works; paying and opening a gym wait for the proof.
                #expect(try await client.json("/api/v1/users/profile", token: token).object["phone_verified"] as? Bool == false)
                let early = try await client.json(
                    "/api/v1/payments/credits/purchase", method: .post, token: token, body: ["package_id": "credits-10"],
                    headers: [HTTPField.Name("Idempotency-Key")!: "p1"]
                )
                #expect(early.status == .forbidden && early.error?.code == "VERIFICATION_REQUIRED", "\(early.text)")

                // The outbox sends the code through the WhatsApp adapter, to the number.
                let dispatcher = OutboxDispatcher(database: fixture.store.database, channel: ChannelRouter(
                    whatsapp: WhatsAppChannel(baseURL: "http://127.0.0.1:\(provider.port!)", phoneNumberId: "5550001", accessToken: "wa-test")
                ))
                _ = try await dispatcher.dispatchDue(now: fixture.clock.now)
                let message = try #require(whatsapp.messages.first { $0["to"] as? String == "+27825550199" }, "\(whatsapp.messages)")
                // As WhatsApp's authentication template: the code is its body's one parameter.
                let template = try #require(message["template"] as? [String: Any], "\(message)")
                #expect(template["name"] as? String == "studioloop_verification_code")
                let body = try #require((template["components"] as? [[String: Any]])?.first { $0["type"] as? String == "body" })
                let code = try #require((body["parameters"] as? [[String: Any]])?.first?["text"] as? String)
                #expect(code.count == 6 && code.allSatisfy(\.isNumber))

                let wrong = try await client.json("/api/v1/auth/verify", method: .post, body: ["phone": "+27825550199", "code": code == "000000" ? "111111" : "000000"])
                #expect(wrong.status == .badRequest && wrong.error?.code == "INVALID_CODE")
                let verified = try await client.json("/api/v1/auth/verify", method: .post, body: ["phone": "+27825550199", "code": code])
                #expect(verified.status == .ok && verified.object["user_id"] as? String == user, "\(verified.text)")
                #expect(verified.object["access_token"] is String && verified.object["refresh_token"] is String)
                let again = try await client.json("/api/v1/auth/verify", method: .post, body: ["phone": "+27825550199", "code": code])
                #expect(again.status == .badRequest, "a code works once")

                let login = try await client.json("/api/v1/auth/login", method: .post, body: ["phone": "+27825550199", "password": "township run 7"])
                #expect(login.status == .ok, "\(login.text)")
                let signedIn = try #require(login.object["access_token"] as? String)
                let profile = try await client.json("/api/v1/users/profile", token: signedIn)
                #expect(profile.object["phone_verified"] as? Bool == true && profile.object["email"] == nil && profile.object["login_phone"] as? String == "+27825550199")
                let purchase = try await client.json(
                    "/api/v1/payments/credits/purchase", method: .post, token: signedIn, body: ["package_id": "credits-10"],
                    headers: [HTTPField.Name("Idempotency-Key")!: "p2"]
                )
                #expect(purchase.status == .created, "\(purchase.text)")
                let twice = try await client.json("/api/v1/auth/register", method: .post, body: [
                    "phone": "+27825550199", "password": "another run 8", "first_name": "S", "last_name": "N",
                ])
                #expect(twice.status == .conflict && twice.error?.code == "PHONE_TAKEN")
            }
        }
    }

    @Test("a code allows 5 tries, lasts 10 minutes, and a number gets at most 5 codes an hour")
    func codeLimits() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let signup = try await client.json("/api/v1/auth/register", method: .post, body: [
                "phone": "+254700000042", "email": "both@example.com", "password": "nairobi run 5", "first_name": "Achieng", "last_name": "Otieno",
            ])
            #expect(signup.object["verification_sent_to"] as? [String] == ["phone", "email"])
            let user = signup.object["user_id"] as! String
            let code = try await fixture.outboxField("code", kind: "phone_verification", user: user)
            let wrong = code == "999999" ? "888888" : "999999"
            for _ in 0..<5 { _ = try await client.json("/api/v1/auth/verify", method: .post, body: ["phone": "+254700000042", "code": wrong]) }
            #expect(try await client.json("/api/v1/auth/verify", method: .post, body: ["phone": "+254700000042", "code": code]).status == .badRequest, "out of tries")

            // A new code; after 10 minutes it no longer works.
            #expect(try await client.json("/api/v1/auth/verify/resend", method: .post, body: ["phone": "+254700000042"]).status == .accepted)
            let second = try await fixture.outboxField("code", kind: "phone_verification", user: user)
            fixture.clock.set(fixture.clock.now + 601)
            #expect(try await client.json("/api/v1/auth/verify", method: .post, body: ["phone": "+254700000042", "code": second]).status == .badRequest)

            // Three more codes to the number make five in the hour; the sixth is refused.
            for _ in 0..<3 {
                fixture.clock.set(fixture.clock.now + 1)  // a second apart, so the newest is plain to read
                #expect(try await client.json("/api/v1/auth/verify/resend", method: .post, body: ["phone": "+254700000042"]).status == .accepted)
            }
            let pumped = try await client.json("/api/v1/auth/verify/resend", method: .post, body: ["phone": "+254700000042"])
            #expect(pumped.status == .tooManyRequests && Int(pumped.headers[.retryAfter] ?? "") ?? 0 > 0, "\(pumped.text)")
            let latest = try await fixture.outboxField("code", kind: "phone_verification", user: user)
            #expect(try await client.json("/api/v1/auth/verify", method: .post, body: ["phone": "+254700000042", "code": latest]).status == .ok)
            // Nobody learns whether a number has an account.
            #expect(try await client.json("/api/v1/auth/verify/resend", method: .post, body: ["phone": "+254799999999"]).status == .accepted)
            #expect(try await client.json("/api/v1/auth/register", method: .post, body: [
                "phone": "0821234567", "password": "nairobi run 5", "first_name": "A", "last_name": "O",
            ]).status == .badRequest, "a local number is refused: international form only")
        }
    }
}
