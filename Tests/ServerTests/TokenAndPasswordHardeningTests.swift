import Crypto
import Foundation
import HTTPTypes
import HummingbirdTesting
import Server
import Testing
import TestSupport

/// Tokens and passwords as an attacker tries them: forged headers, tokens of accounts that are
/// gone, sessions that were ended, and passwords that bcrypt would cut short.
@Suite("Token and password hardening")
struct TokenAndPasswordHardeningTests {
    static let secret = Array("jwt secret for tests, 32 bytes or more".utf8)

    /// A JWT with any header, signed HS256 with the server's real secret.
    static func token(header: [String: Any], sub: String, ver: Int = 0, now: Int64) throws -> String {
        func segment(_ object: [String: Any]) throws -> String {
            try JSONSerialization.data(withJSONObject: object, options: .sortedKeys).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        let input = try segment(header) + "." + segment(["sub": sub, "exp": now + 600, "iat": now, "ver": ver])
        let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: SymmetricKey(data: secret))
        let signature = Data(mac).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return input + "." + signature
    }

    @Test("the signing key rotates without signing anyone out: tokens of the previous key work until they expire, and only its own")
    func keyRotation() async throws {
        let old = Array("the secret before the rotation, 32 bytes+".utf8), new = Array("the secret after the rotation, 32 bytes +".utf8)
        let before = await Authenticator(secret: old, keyId: "v1", bcryptCost: 4)
        let after = await Authenticator(secret: new, keyId: "v2", previousKeys: ["v1": old], bcryptCost: 4)
        let now: Int64 = 1_800_000_000
        let issuedBefore = try await before.accessToken(for: "user-1", now: now)
        #expect(await after.claims(fromAccessToken: issuedBefore, now: now + 60)?.user == "user-1")
        let issuedAfter = try await after.accessToken(for: "user-2", now: now)
        #expect(await after.claims(fromAccessToken: issuedAfter, now: now + 60)?.user == "user-2")
        #expect(await before.claims(fromAccessToken: issuedAfter, now: now + 60) == nil, "the old server knows no v2")
        // A token naming the old key's id but signed with the new key is forged.
        #expect(await after.claims(fromAccessToken: try Self.token(header: ["alg": "HS256", "kid": "v1"], sub: "x", now: now), now: now) == nil)
        // Once the old key is dropped, its tokens stop working.
        let dropped = await Authenticator(secret: new, keyId: "v2", bcryptCost: 4)
        #expect(await dropped.claims(fromAccessToken: issuedBefore, now: now + 60) == nil)
        // Configured from the environment, and refused when malformed.
        let jwt = String(repeating: "n", count: 32), checkIn = String(repeating: "c", count: 32)
        let configured = try ServerConfiguration(development: false, environment: [
            "STUDIOLOOP_JWT_SECRET": jwt, "STUDIOLOOP_CHECKIN_SECRET": checkIn, "STUDIOLOOP_JWT_KEY_ID": "v2",
            "STUDIOLOOP_JWT_PREVIOUS_KEYS": "v1:\(String(repeating: "o", count: 32))",
        ])
        #expect(configured.jwtKeyId == "v2" && configured.jwtPreviousKeys["v1"]?.count == 32)
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration(development: false, environment: [
                "STUDIOLOOP_JWT_SECRET": jwt, "STUDIOLOOP_CHECKIN_SECRET": checkIn, "STUDIOLOOP_JWT_PREVIOUS_KEYS": "v0:short",
            ])
        }
    }

    @Test("the header is pinned: another alg, no kid or another kid is 401 even with the real secret's signature")
    func pinnedHeader() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let member = try await fixture.member("pinned", client: client)
            let now = fixture.clock.now
            let good = try Self.token(header: ["alg": "HS256", "kid": "v1", "typ": "JWT"], sub: member.id, now: now)
            #expect(try await client.json("/api/v1/users/profile", token: good).status == .ok, "the control token is accepted")
            for header: [String: Any] in [
                ["alg": "HS512", "kid": "v1", "typ": "JWT"], ["alg": "none", "kid": "v1"], ["alg": "HS256", "typ": "JWT"],
                ["alg": "HS256", "kid": "v2"], ["alg": "HS256", "kid": "v1", "jku": "https://evil.test/keys"], ["alg": "HS256", "kid": "v1", "typ": "JWS+x"],
            ] {
                let forged = try await client.json("/api/v1/users/profile", token: try Self.token(header: header, sub: member.id, now: now))
                #expect(forged.status == .unauthorized && forged.error?.code == "UNAUTHENTICATED", "\(header): \(forged.status)")
            }
        }
    }

    @Test("a validly signed token of an account that does not exist is 401 on every route, never a 500", arguments: StoreKind.allCases)
    func unknownAccount(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let ghost = try await fixture.services.authenticator.accessToken(for: UUID().uuidString.lowercased(), now: fixture.clock.now)
            let slug = fixture.gyms[0].tenant.slug
            let attempts: [(String, HTTPRequest.Method, [String: Any]?)] = [
                ("/api/v1/users/profile", .get, nil),
                ("/api/v1/payments/credits/purchase", .post, ["package_id": "pack-10"]),
                ("/api/v1/tenants", .post, ["name": "Ghost Gym", "slug": "ghost-gym"]),
                ("/api/v1/tenants/\(slug)/analytics", .get, nil),
                ("/api/v1/bookings", .post, ["class_schedule_id": "x"]),
            ]
            for (uri, method, body) in attempts {
                let response = try await client.json(uri, method: method, token: ghost, body: body, headers: [HTTPField.Name("Idempotency-Key")!: "k1"])
                #expect(response.status == .unauthorized, "\(method) \(uri): \(response.status) \(response.text)")
            }
        }
    }

    @Test("an access token stops working the moment its password is reset, or its refresh token is stolen", arguments: StoreKind.allCases)
    func endedSessions(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let (email, user, access, stale) = try await fixture.register("ended", password: "first pass 1", client: client)
            #expect(try await client.json("/api/v1/users/profile", token: access).status == .ok)
            _ = try await client.json("/api/v1/auth/password-reset", method: .post, body: ["email": email])
            let token = try await fixture.outboxField("token", kind: "password_reset", user: user)
            #expect(try await client.json("/api/v1/auth/password-reset/confirm", method: .post, body: ["token": token, "password": "second pass 2"]).status == .ok)
            let after = try await client.json("/api/v1/users/profile", token: access)
            #expect(after.status == .unauthorized, "the old access token outlived the reset: \(after.status)")

            let login = try await client.json("/api/v1/auth/login", method: .post, body: ["email": email, "password": "second pass 2"])
            let fresh = login.object["access_token"] as! String, refresh = login.object["refresh_token"] as! String
            // A device still holding a refresh token from before the reset is refused, and is not
            // taken for a thief: the session begun since carries on.
            #expect(try await client.json("/api/v1/auth/refresh", method: .post, body: ["refresh_token": stale]).status == .unauthorized)
            #expect(try await client.json("/api/v1/users/profile", token: fresh).status == .ok)
            #expect(try await client.json("/api/v1/auth/refresh", method: .post, body: ["refresh_token": refresh]).status == .ok)
            // The same refresh token again: someone holds a copy. Every session of the account ends.
            #expect(try await client.json("/api/v1/auth/refresh", method: .post, body: ["refresh_token": refresh]).status == .unauthorized)
            #expect(try await client.json("/api/v1/users/profile", token: fresh).status == .unauthorized)
        }
    }

    @Test("signing out ends that device's refresh token; signing out everywhere ends every token and session of the account at once", arguments: StoreKind.allCases)
    func signOut(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let (email, _, first, _) = try await fixture.register("leaving", password: "leaving soon 7", client: client)
            func signIn() async throws -> (access: String, refresh: String) {
                let login = try await client.json("/api/v1/auth/login", method: .post, body: ["email": email, "password": "leaving soon 7"])
                return (login.object["access_token"] as! String, login.object["refresh_token"] as! String)
            }
            let phone = try await signIn(), laptop = try await signIn()
            // One device: its refresh token no longer works; the other device is untouched.
            #expect(try await client.json("/api/v1/auth/logout", method: .post, body: ["refresh_token": phone.refresh]).status == .ok)
            #expect(try await client.json("/api/v1/auth/refresh", method: .post, body: ["refresh_token": phone.refresh]).status == .unauthorized)
            #expect(try await client.json("/api/v1/auth/logout", method: .post, body: ["refresh_token": "never-issued"]).status == .ok)
            let still = try await client.json("/api/v1/users/profile", token: laptop.access)
            #expect(still.status == .ok, "\(still.status) \(still.text)")
            // Everywhere: every access token and refresh token, at once.
            #expect(try await client.json("/api/v1/auth/logout-all", method: .post).status == .unauthorized, "needs a signed-in member")
            #expect(try await client.json("/api/v1/auth/logout-all", method: .post, token: laptop.access).status == .ok)
            for access in [phone.access, laptop.access, first] {
                let after = try await client.json("/api/v1/users/profile", token: access)
                #expect(after.status == .unauthorized && after.error?.code == "UNAUTHENTICATED")
            }
            #expect(try await client.json("/api/v1/auth/refresh", method: .post, body: ["refresh_token": laptop.refresh]).status == .unauthorized)
            let again = try await signIn()
            #expect(try await client.json("/api/v1/users/profile", token: again.access).status == .ok, "signing in again works")
        }
    }

    @Test("a blocked account's tokens are 401 within the servers' 2 s; it signs in nowhere (403 ACCOUNT_BLOCKED, said only to whoever knows the password) until unblocked", arguments: StoreKind.allCases)
    func blockedAccount(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let (email, user, access, refresh) = try await fixture.register("blocked", password: "card tester 8", client: client)
            #expect(try await client.json("/api/v1/users/profile", token: access).status == .ok)
            // Blocked from the command line, beside the server: it notices within its 2 s of
            // remembering session versions.
            try await fixture.services.store.accounts.block(user: user, reason: "card testing", now: fixture.clock.now)
            let blocked = ContinuousClock.now
            var after = try await client.json("/api/v1/users/profile", token: access)
            while after.status == .ok, ContinuousClock.now - blocked < .seconds(15) {
                try await Task.sleep(for: .milliseconds(100))
                after = try await client.json("/api/v1/users/profile", token: access)
            }
            // 2 s and a request's time; a full suite on two cores slows requests to seconds.
            #expect(ContinuousClock.now - blocked < .seconds(10), "the block took \(ContinuousClock.now - blocked)")
            #expect(after.status == .unauthorized && after.error?.code == "UNAUTHENTICATED", "\(after.status)")
            #expect(try await client.json("/api/v1/auth/refresh", method: .post, body: ["refresh_token": refresh]).status == .unauthorized)
            let refused = try await client.json("/api/v1/auth/login", method: .post, body: ["email": email, "password": "card tester 8"])
            #expect(refused.status == .forbidden && refused.error?.code == "ACCOUNT_BLOCKED", "\(refused.status) \(refused.text)")
            let guessed = try await client.json("/api/v1/auth/login", method: .post, body: ["email": email, "password": "wrong guess 1"])
            #expect(guessed.status == .unauthorized, "a wrong password learns nothing of the block")
            try await fixture.services.store.accounts.unblock(user: user, now: fixture.clock.now)
            let back = try await client.json("/api/v1/auth/login", method: .post, body: ["email": email, "password": "card tester 8"])
            #expect(back.status == .ok)
            #expect(try await client.json("/api/v1/users/profile", token: back.object["access_token"] as! String).status == .ok)
        }
    }

    @Test("passwords are limited in bytes, as bcrypt reads them: two sharing 72 bytes cannot both sign in")
    func bcryptBytes() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            // 35 two-byte letters and a digit: 71 bytes; with one more letter, exactly bcrypt's 72.
            let exactly = String(repeating: "ж", count: 35) + "1"
            #expect(exactly.utf8.count == 71)
            let email = "bytes-\(UUID().uuidString.prefix(6))@example.com"
            let ok = try await client.json(
                "/api/v1/auth/register", method: .post, body: ["email": email, "password": exactly + "z", "first_name": "Bo", "last_name": "Ng"]
            )
            #expect(ok.status == .created, "\(ok.text)")
            // Same first 72 bytes, one character more: refused, though bcrypt alone would let it in.
            let longer = try await client.json("/api/v1/auth/login", method: .post, body: ["email": email, "password": exactly + "zq"])
            #expect(longer.status == .unauthorized)
            #expect(try await client.json("/api/v1/auth/login", method: .post, body: ["email": email, "password": exactly + "z"]).status == .ok)
            // 40 characters of 2 bytes each is 80 bytes: too long to register, with a 422 that says why.
            for password in [String(repeating: "ж", count: 39) + "1", String(repeating: "a1", count: 5_000)] {
                let refused = try await client.json(
                    "/api/v1/auth/register", method: .post, body: ["email": "long-\(password.count)@example.com", "password": password, "first_name": "Bo", "last_name": "Ng"]
                )
                #expect(refused.status == .unprocessableContent && refused.error?.code == "PASSWORD_TOO_LONG", "\(refused.text)")
            }
            let common = try await client.json(
                "/api/v1/auth/register", method: .post, body: ["email": "common@example.com", "password": "password1", "first_name": "Bo", "last_name": "Ng"]
            )
            #expect(common.status == .badRequest && common.error?.message.contains("common") == true, "\(common.text)")
            #expect(try await fixture.store.accounts.credentials(email: "common@example.com") == nil)
        }
    }
}
