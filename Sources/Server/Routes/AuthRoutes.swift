import Foundation
import Hummingbird
import Storage

/// Sign-up, sign-in and the tokens that keep a session going: a 15-minute access token (JWT)
/// and a 30-day refresh token that works once and is replaced each time it is used.
struct AuthRoutes {
    let services: ServerServices

    /// An email, an E.164 phone or both; each is sent a code that proves it (`POST /auth/verify`).
    struct Register: Decodable {
        var email: String?
        var phone: String?
        var password: String
        var firstName: String
        var lastName: String
    }

    /// Sign in with the email or the phone the account was opened with.
    struct Login: Decodable {
        var email: String?
        var phone: String?
        var password: String
    }

    /// A contact and the six-digit code sent to it.
    struct VerifyCode: Decodable {
        var email: String?
        var phone: String?
        var code: String
    }

    struct Resend: Decodable {
        var email: String?
        var phone: String?
    }

    struct Refresh: Decodable {
        var refreshToken: String
    }

    struct ResetRequest: Decodable {
        var email: String
    }

    struct ResetConfirm: Decodable {
        var token: String
        var password: String
    }

    struct Verify: Decodable {
        var token: String
    }

    struct Tokens: Encodable, Sendable {
        var userId: String
        var accessToken: String
        var refreshToken: String
        var tokenType = "Bearer"
        var expiresIn: Int64
        /// At sign-up: where codes went ("phone", "email"); an account browses before proving
        /// one, and proves one to open a gym or pay.
        var verificationSentTo: [String]?
    }

    struct Done: Encodable, Sendable {
        var status: String
    }

    func register(on api: RouterGroup<AppContext>) {
        api.post("auth/register") { request, context in
            let body = try await request.json(Register.self, context: context)
            let opened = try await openAccount(
                email: body.email, phone: body.phone, password: body.password, firstName: body.firstName, lastName: body.lastName
            )
            var issued = try await tokens(for: opened.user, now: services.clock.now())
            issued.verificationSentTo = opened.sentTo
            return Reply(issued, status: .created)
        }
        api.post("auth/verify") { request, context in
            let body = try await request.json(VerifyCode.self, context: context)
            let user = try await verify(try Self.contact(email: body.email, phone: body.phone), code: body.code)
            return Reply(try await tokens(for: user, now: services.clock.now()))
        }
        api.post("auth/verify/resend") { request, context in
            let body = try await request.json(Resend.self, context: context)
            try await services.store.accounts.resendCode(to: try Self.contact(email: body.email, phone: body.phone), now: services.clock.now())
            return Reply(Done(status: "if that contact has an account waiting to be verified, a new code is on its way"), status: .accepted)
        }
        api.post("auth/login") { request, context in
            let body = try await request.json(Login.self, context: context)
            let user = try await signIn(try Self.contact(email: body.email, phone: body.phone), password: body.password)
            return Reply(try await tokens(for: user, now: services.clock.now()))
        }
        api.post("auth/refresh") { request, context in
            let body = try await request.json(Refresh.self, context: context)
            let now = services.clock.now()
            let user: String, next: String
            switch try await services.store.accounts.rotateRefreshToken(body.refreshToken, lifetime: services.authenticator.refreshTokenLifetime, now: now) {
            case .rotated(let owner, let token): (user, next) = (owner, token)
            case .refused: throw APIError.unauthenticated("the refresh token is invalid, expired or already used; sign in again")
            case .reused(let owner):
                services.sessions.forget(owner)
                throw APIError.unauthenticated("the refresh token is invalid, expired or already used; sign in again")
            }
            let access = try await services.authenticator.accessToken(
                for: user, version: try await sessionVersion(user), tenants: try await tenantRoles(user), now: now
            )
            return Reply(Tokens(userId: user, accessToken: access, refreshToken: next, expiresIn: services.authenticator.accessTokenLifetime))
        }
        api.post("auth/logout") { request, context in
            let body = try await request.json(Refresh.self, context: context)
            try await services.store.accounts.signOut(refreshToken: body.refreshToken, now: services.clock.now())
            return Reply(Done(status: "signed out on this device"))
        }
        api.post("auth/logout-all") { _, context in
            let user = try context.requireUser()
            try await services.store.accounts.signOutEverywhere(user: user, now: services.clock.now())
            services.sessions.forget(user)
            return Reply(Done(status: "signed out everywhere; every device signs in again"))
        }
        api.post("auth/password-reset") { request, context in
            let body = try await request.json(ResetRequest.self, context: context)
            try await services.store.accounts.requestPasswordReset(email: try Self.checkedEmail(body.email), now: services.clock.now())
            return Reply(Done(status: "if the address has an account, a reset link is on its way"), status: .accepted)
        }
        api.post("auth/password-reset/confirm") { request, context in
            let body = try await request.json(ResetConfirm.self, context: context)
            try checkNew(password: body.password)
            let hash = try await services.authenticator.hash(password: body.password)
            guard let user = try await services.store.accounts.resetPassword(token: body.token, passwordHash: hash, now: services.clock.now()) else {
                throw APIError(.invalidToken, "the reset link is invalid, expired or already used")
            }
            services.sessions.forget(user)
            return Reply(Done(status: "password changed; sign in with the new one"))
        }
        api.post("auth/verify-email") { request, context in
            let body = try await request.json(Verify.self, context: context)
            guard try await services.store.accounts.verifyEmail(token: body.token, now: services.clock.now()) else {
                throw APIError(.invalidToken, "the verification link is invalid, expired or already used")
            }
            return Reply(Done(status: "email verified"))
        }
    }

    // MARK: Shared with the pages

    /// Opens an account with an email, a phone or both, each sent a code that proves it;
    /// returns the account and where the codes went ("phone", "email").
    func openAccount(email: String?, phone: String?, password: String, firstName: String, lastName: String) async throws -> (user: String, sentTo: [String]) {
        let email = try email.map(Self.checkedEmail)
        let phone = try phone.map(Self.checkedPhone)
        guard email != nil || phone != nil else { throw APIError.validation("give an email, a phone (E.164, such as +27821234567) or both") }
        try checkNew(password: password)
        let first = try CleanText.check(firstName, "first_name", 1...100)
        let last = try CleanText.check(lastName, "last_name", 1...100)
        let hash = try await services.authenticator.hash(password: password)
        do {
            let user = try await services.store.accounts.register(
                email: email, phone: phone, passwordHash: hash, firstName: first, lastName: last, now: services.clock.now()
            )
            return (user, (phone == nil ? [] : ["phone"]) + (email == nil ? [] : ["email"]))
        } catch StoreError.conflict(let what) where what.contains("phone") {
            throw APIError(.phoneTaken, "an account with this phone number already exists; sign in instead")
        } catch StoreError.conflict {
            throw APIError(.emailTaken, "an account with this email already exists; sign in instead")
        }
    }

    /// The account a six-digit code proves `contact` for.
    func verify(_ contact: Contact, code: String) async throws -> String {
        let code = code.trimmingCharacters(in: .whitespaces)
        guard code.count == 6, code.allSatisfy(\.isASCII), code.allSatisfy(\.isNumber) else { throw APIError.validation("code must be the 6 digits sent to you") }
        guard let user = try await services.store.accounts.verify(contact, code: code, now: services.clock.now()) else {
            throw APIError(.invalidCode, "the code is wrong, used or expired (each code allows 5 tries and lasts 10 minutes); ask for a new one")
        }
        return user
    }

    /// The account `login` and `password` sign in to: the same answer, and about the same time,
    /// whether the login or the password is wrong; rate-limited per login.
    func signIn(_ login: Contact, password: String) async throws -> String {
        if let wait = services.limiters.signIn?.take(login.description) { throw APIError.rateLimited(retryAfter: wait) }
        let credentials = try await services.store.accounts.credentials(login)
        let matches = try await services.authenticator.verify(password: password, hash: credentials?.passwordHash ?? services.authenticator.decoyHash)
        guard let credentials, matches else { throw APIError.unauthenticated("the email, phone or password is wrong") }
        // Said only to whoever knows the password.
        guard !credentials.blocked else { throw APIError(.accountBlocked, "this account is blocked; write to support to ask why") }
        return credentials.userId
    }

    private func tokens(for user: String, now: Int64) async throws -> Tokens {
        let access = try await services.authenticator.accessToken(
            for: user, version: try await sessionVersion(user), tenants: try await tenantRoles(user), now: now
        )
        let refresh = try await services.store.accounts.issueRefreshToken(user: user, lifetime: services.authenticator.refreshTokenLifetime, now: now)
        return Tokens(userId: user, accessToken: access, refreshToken: refresh, expiresIn: services.authenticator.accessTokenLifetime)
    }

    private func tenantRoles(_ user: String) async throws -> [String: String] {
        try await services.store.staff.roles(of: user).mapValues(\.rawValue)
    }

    private func sessionVersion(_ user: String) async throws -> Int {
        services.sessions.forget(user)
        guard let version = try await services.sessions.current(user) else { throw APIError.unauthenticated("the account is blocked or gone") }
        return version
    }

    /// A new password as the rules want it: too long for bcrypt is a 422 of its own, the rest 400s.
    private func checkNew(password: String) throws {
        switch services.authenticator.problem(with: password) {
        case nil: return
        case .tooLong?: throw APIError(.passwordTooLong, services.authenticator.problem(with: password)!.description)
        case let problem?: throw APIError.validation(problem.description)
        }
    }

    /// The one contact a request names: its email or its phone.
    static func contact(email: String?, phone: String?) throws -> Contact {
        switch (email, phone) {
        case (let email?, nil): .email(try checkedEmail(email))
        case (nil, let phone?): .phone(try checkedPhone(phone))
        default: throw APIError.validation("give an email or a phone, one of them")
        }
    }

    /// An E.164 number: `+`, a country code and the number, 8 to 15 digits; spaces, dots, dashes
    /// and brackets as people type them are dropped.
    static func checkedPhone(_ text: String) throws -> String {
        let kept = text.filter { !" .-()".contains($0) }
        guard kept.hasPrefix("+"), (8...15).contains(kept.count - 1), kept.dropFirst().allSatisfy({ $0.isASCII && $0.isNumber }), kept.dropFirst().first != "0"
        else { throw APIError.validation("phone must be in international form, such as +27 82 123 4567") }
        return kept
    }

    /// A plausible address, lower-cased: one @, something either side, a dot in the domain.
    static func checkedEmail(_ text: String) throws -> String {
        let email = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix("."), !email.contains(where: \.isWhitespace),
            email.unicodeScalars.allSatisfy({ CleanText.allowed($0, multiline: false) })
        else { throw APIError.validation("email must be an address such as name@example.com") }
        return email
    }
}
