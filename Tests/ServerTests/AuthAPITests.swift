import Datasets
import Foundation
import HTTPTypes
import Server
import Storage
import Testing
import TestSupport

@Suite("Auth API")
struct AuthAPITests {
    @Test("register, log in, refresh with rotation; a reused refresh token revokes its family", arguments: StoreKind.allCases)
    func registerLoginRefresh(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let email = "amara-\(UUID().uuidString.prefix(6))@example.com".lowercased()
            let registered = try await client.json(
                "/api/v1/auth/register", method: .post,
                body: ["email": email.uppercased(), "password": "baobab tree 42", "first_name": "Amara", "last_name": "Okafor"]
            )
            #expect(registered.status == .created, "\(registered.text)")
            let user = registered.object["user_id"] as! String

            let again = try await client.json(
                "/api/v1/auth/register", method: .post, body: ["email": email, "password": "baobab tree 43", "first_name": "A", "last_name": "O"]
            )
            #expect(again.status == .conflict)
            #expect(again.error?.code == "EMAIL_TAKEN")

            let wrong = try await client.json("/api/v1/auth/login", method: .post, body: ["email": email, "password": "baobab tree 41"])
            #expect(wrong.status == .unauthorized)
            let nobody = try await client.json("/api/v1/auth/login", method: .post, body: ["email": "nobody@example.com", "password": "baobab tree 42"])
            #expect(nobody.status == .unauthorized)
            #expect(nobody.error?.message == wrong.error?.message)

            let login = try await client.json("/api/v1/auth/login", method: .post, body: ["email": email, "password": "baobab tree 42"])
            #expect(login.status == .ok)
            let access = login.object["access_token"] as! String
            let profile = try await client.json("/api/v1/users/profile", token: access)
            #expect(profile.status == .ok)
            #expect(profile.object["id"] as? String == user)
            #expect(profile.object["email"] as? String == email)
            #expect(profile.object["email_verified"] as? Bool == false)
            // The seed's User beside the app's fields.
            #expect(profile.object["status"] as? String == "active" && (profile.object["tenant_roles"] as? [Any])?.isEmpty == true)
            #expect((profile.object["preferences"] as? [String: Any])?["channel"] as? String == "email")
            #expect((profile.object["created_at"] as? String).flatMap(ISO8601.parse) != nil && profile.object["updated_at"] is String)

            // Refresh rotates: the new token works once, the old one never again.
            let first = login.object["refresh_token"] as! String
            let refreshed = try await client.json("/api/v1/auth/refresh", method: .post, body: ["refresh_token": first])
            #expect(refreshed.status == .ok)
            let second = refreshed.object["refresh_token"] as! String
            #expect(second != first)
            let replay = try await client.json("/api/v1/auth/refresh", method: .post, body: ["refresh_token": first])
            #expect(replay.status == .unauthorized)
            // The replay revoked the family: the token handed out after the stolen one is dead too.
            let afterTheft = try await client.json("/api/v1/auth/refresh", method: .post, body: ["refresh_token": second])
            #expect(afterTheft.status == .unauthorized)
        }
    }

    @Test("access tokens expire after 15 minutes; forged ones are refused")
    func accessTokenExpiry() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let member = try await fixture.member("kofi", client: client)
            #expect(try await client.json("/api/v1/users/profile", token: member.token).status == .ok)
            #expect(try await client.json("/api/v1/users/profile").status == .unauthorized)
            var forged = Array(member.token)
            forged[forged.count - 3] = forged[forged.count - 3] == "A" ? "B" : "A"
            let refused = try await client.json("/api/v1/users/profile", token: String(forged))
            #expect(refused.status == .unauthorized)
            #expect(refused.error?.code == "UNAUTHENTICATED")
            fixture.clock.set(fixture.clock.now + 15 * 60 + 1)
            #expect(try await client.json("/api/v1/users/profile", token: member.token).status == .unauthorized)
        }
    }

    @Test("weak passwords, bad emails and malformed bodies are 400s that create nothing")
    func badRegistrations() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let cases: [([String: Any], String)] = [
                (["email": "a@example.com", "password": "short1", "first_name": "A", "last_name": "B"], "8 characters"),
                (["email": "a@example.com", "password": "lettersonly", "first_name": "A", "last_name": "B"], "letters and digits"),
                (["email": "not-an-email", "password": "good pass 1", "first_name": "A", "last_name": "B"], "email"),
                (["email": "a@example.com", "password": "good pass 1", "first_name": "A"], "last_name"),
                (["email": "a@example.com", "password": 12345678, "first_name": "A", "last_name": "B"], "password"),
            ]
            for (body, mentions) in cases {
                let response = try await client.json("/api/v1/auth/register", method: .post, body: body)
                #expect(response.status == .badRequest, "\(body)")
                #expect(response.error?.message.contains(mentions) == true, "\(response.error?.message ?? "")")
            }
            let notJSON = try await client.json("/api/v1/auth/register", method: .post, raw: "{nope")
            #expect(notJSON.status == .badRequest)
            #expect(try await fixture.store.accounts.credentials(email: "a@example.com") == nil)
        }
    }

    @Test("password reset by a single-use token from the outbox; it signs every session out", arguments: StoreKind.allCases)
    func passwordReset(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let (email, user, _, refresh) = try await fixture.register("zanele", password: "first pass 1", client: client)
            let accepted = try await client.json("/api/v1/auth/password-reset", method: .post, body: ["email": email])
            #expect(accepted.status == .accepted)
            let unknown = try await client.json("/api/v1/auth/password-reset", method: .post, body: ["email": "ghost@example.com"])
            #expect(unknown.status == .accepted)
            #expect(unknown.object["status"] as? String == accepted.object["status"] as? String)

            let token = try await fixture.outboxField("token", kind: "password_reset", user: user)
            let weak = try await client.json("/api/v1/auth/password-reset/confirm", method: .post, body: ["token": token, "password": "weak"])
            #expect(weak.status == .badRequest)
            let reset = try await client.json("/api/v1/auth/password-reset/confirm", method: .post, body: ["token": token, "password": "second pass 2"])
            #expect(reset.status == .ok, "\(reset.text)")
            let twice = try await client.json("/api/v1/auth/password-reset/confirm", method: .post, body: ["token": token, "password": "third pass 3"])
            #expect(twice.status == .badRequest)
            #expect(twice.error?.code == "INVALID_TOKEN")
            #expect(try await client.json("/api/v1/auth/login", method: .post, body: ["email": email, "password": "first pass 1"]).status == .unauthorized)
            #expect(try await client.json("/api/v1/auth/login", method: .post, body: ["email": email, "password": "second pass 2"]).status == .ok)
            #expect(try await client.json("/api/v1/auth/refresh", method: .post, body: ["refresh_token": refresh]).status == .unauthorized)

            let verification = try await fixture.outboxField("token", kind: "email_verification", user: user)
            #expect(try await client.json("/api/v1/auth/verify-email", method: .post, body: ["token": verification]).status == .ok)
            let login = try await client.json("/api/v1/auth/login", method: .post, body: ["email": email, "password": "second pass 2"])
            let profile = try await client.json("/api/v1/users/profile", token: login.object["access_token"] as? String)
            #expect(profile.object["email_verified"] as? Bool == true)
        }
    }
}
