import Booking
import Crypto
import Domain
import Foundation
import SQL

/// Accounts and their single-use tokens. Passwords arrive already hashed (bcrypt is the server's
/// business); tokens are random, handed out once, and stored only as SHA-256 hashes.
public struct AccountStore: Sendable {
    let database: any Database
}

extension AccountStore {
    public func createMember(email: String, firstName: String, lastName: String, now: Int64) async throws -> String {
        let id = UUID().uuidString.lowercased()
        try await database.transaction { db in
            try db.setContext(.system)
            try db.query(
                "INSERT INTO users (id, email, first_name, last_name, created_at) VALUES ($1, $2, $3, $4, $5)",
                .text(id), .text(email.lowercased()), .text(firstName), .text(lastName), .integer(now)
            )
        }
        return id
    }

    /// Creates an account that signs in with an email, a phone (E.164) or both, and sends each a
    /// code that proves it (`verify`). Throws `conflict` naming what is taken.
    public func register(
        email: String?, phone: String? = nil, passwordHash: String, firstName: String, lastName: String, now: Int64
    ) async throws -> String {
        precondition(email != nil || phone != nil, "an account needs an email or a phone")
        let id = UUID().uuidString.lowercased()
        let address = email?.lowercased()
        try await database.transaction { db in
            try db.setContext(.system)
            if let address, !(try db.query("SELECT 1 FROM users WHERE email = $1", .text(address)).isEmpty) {
                throw StoreError.conflict("an account with this email already exists")
            }
            if let phone, !(try db.query("SELECT 1 FROM users WHERE login_phone = $1", .text(phone)).isEmpty) {
                throw StoreError.conflict("an account with this phone number already exists")
            }
            try db.query(
                """
                INSERT INTO users (id, email, login_phone, phone, first_name, last_name, password_hash, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
                """,
                .text(id), SQLValue(address), SQLValue(phone), .text(phone ?? ""), .text(firstName), .text(lastName), .text(passwordHash),
                .integer(now)
            )
            if let phone { try Self.sendCode(to: .phone(phone), user: id, now: now, on: db) }
            if let address { try Self.sendCode(to: .email(address), user: id, now: now, on: db) }
        }
        return id
    }

    /// The account id and password hash for an email or a phone, if there is such an account
    /// with a password.
    /// The account a login names, its password's hash, and whether the platform has blocked it.
    public func credentials(_ login: Contact) async throws -> (userId: String, passwordHash: String, blocked: Bool)? {
        try await database.transaction { db in
            try db.setContext(.system)
            guard let row = try db.query(
                "SELECT id, password_hash, blocked_at FROM users WHERE \(login.columns.contact) = $1", .text(login.value)
            ).first, let hash = row["password_hash"].text
            else { return nil }
            return try (row.text("id"), hash, row["blocked_at"].integer != nil)
        }
    }

    public func credentials(email: String) async throws -> (userId: String, passwordHash: String, blocked: Bool)? {
        try await credentials(.email(email))
    }

    public func account(id: String) async throws -> Account {
        try await database.transaction { db in
            try db.setContext(.member(id))
            return try Self.account(id, on: db)
        }
    }

    /// Changes the names and phone number a member shows; nil leaves a field as it is.
    public func updateProfile(
        id: String, firstName: String?, lastName: String?, phone: String?, sharesContact: Bool? = nil, now: Int64
    ) async throws -> Account {
        try await database.transaction { db in
            try db.setContext(.member(id))
            try db.query(
                """
                UPDATE users SET first_name = COALESCE($2, first_name), last_name = COALESCE($3, last_name),
                    phone = COALESCE($4, phone), shares_contact = COALESCE($6, shares_contact), updated_at = $5 WHERE id = $1
                """, .text(id), SQLValue(firstName), SQLValue(lastName), SQLValue(phone), .integer(now), sharesContact.map { .integer($0 ? 1 : 0) } ?? .null
            )
            return try Self.account(id, on: db)
        }
    }

    /// The account's session version (what its access tokens must carry), or nil when there is
    /// no such account or it is blocked.
    public func sessionVersion(user: String) async throws -> Int? {
        try await database.transaction { db in
            try db.setContext(.system)
            return try db.query("SELECT token_version FROM users WHERE id = $1 AND blocked_at IS NULL", .text(user)).first?.int("token_version")
        }
    }

    /// Starts a refresh-token family at sign-in; returns the token to hand to the client.
    public func issueRefreshToken(user: String, lifetime: Int64, now: Int64) async throws -> String {
        try await database.transaction { db in
            try db.setContext(.member(user))
            return try Self.insertToken(user: user, purpose: .refresh, family: nil, lifetime: lifetime, now: now, on: db)
        }
    }

    /// What spending a refresh token did.
    public enum Refresh: Equatable, Sendable {
        /// Spent; `token` is its successor in the same family.
        case rotated(user: String, token: String)
        /// Unknown or expired.
        case refused
        /// Already spent: someone holds a copy. The account's every session has ended.
        case reused(user: String)
    }

    /// Spends a refresh token and hands out its successor in the same family. A spent token
    /// coming back means it was copied, so its whole family is revoked and the account's access
    /// tokens stop working (its session version moves on): the thief and the owner both sign in
    /// again.
    public func rotateRefreshToken(_ token: String, lifetime: Int64, now: Int64) async throws -> Refresh {
        let hash = Self.tokenHash(token)
        return try await database.transaction { db in
            try db.setContext(.system)
            let spent = try db.query(
                """
                UPDATE account_tokens SET used_at = $2
                WHERE token_hash = $1 AND purpose = 'refresh' AND used_at IS NULL AND expires_at > $2
                RETURNING user_id, family_id
                """, .text(hash), .integer(now)
            )
            guard let row = spent.first, let user = row["user_id"].text, let family = row["family_id"].text else {
                guard let reused = try db.query(
                    "SELECT family_id, user_id FROM account_tokens WHERE token_hash = $1 AND purpose = 'refresh' AND used_at IS NOT NULL", .text(hash)
                ).first else { return .refused }
                try db.query("UPDATE account_tokens SET used_at = $2 WHERE family_id = $1 AND used_at IS NULL", reused["family_id"], .integer(now))
                // The access tokens of whoever holds the copy stop working too.
                try db.query("UPDATE users SET token_version = token_version + 1 WHERE id = $1", reused["user_id"])
                return .reused(user: try reused.text("user_id"))
            }
            let next = try Self.insertToken(user: user, purpose: .refresh, family: family, lifetime: lifetime, now: now, on: db)
            return .rotated(user: user, token: next)
        }
    }

    /// Signs one device out: its refresh token's family is spent, so it can get no new access
    /// token (the one it holds lapses within its lifetime). Returns whether the token was live;
    /// an unknown or spent token changes nothing.
    @discardableResult
    public func signOut(refreshToken token: String, now: Int64) async throws -> Bool {
        try await database.transaction { db in
            // Whose token it is is what the token says: learnt as the store's bookkeeping.
            try db.setContext(.system)
            guard let family = try db.query(
                "SELECT family_id FROM account_tokens WHERE token_hash = $1 AND purpose = 'refresh' AND used_at IS NULL AND expires_at > $2",
                .text(Self.tokenHash(token)), .integer(now)
            ).first?["family_id"] else { return false }
            try db.query("UPDATE account_tokens SET expires_at = $2 WHERE family_id = $1 AND used_at IS NULL AND expires_at > $2", family, .integer(now))
            return true
        }
    }

    /// Signs the account out everywhere: its refresh tokens are revoked and its session version
    /// moves on, so its access tokens and its browsers' sessions stop working at once.
    public func signOutEverywhere(user: String, now: Int64) async throws {
        try await database.transaction { db in
            try db.setContext(.member(user))
            try Self.endEverySession(of: user, now: now, on: db)
        }
    }

    /// Blocks an account (the platform's act, from `studioloop account block`): it signs in
    /// nowhere, and every session it has ends at once, as when it signs out everywhere. Its
    /// bookings, credits and ledger stay as they are.
    public func block(user: String, reason: String, now: Int64) async throws {
        try await database.transaction { db in
            try db.setContext(.system)
            try db.query("UPDATE users SET blocked_at = $2, blocked_reason = $3 WHERE id = $1", .text(user), .integer(now), .text(reason))
            try Self.endEverySession(of: user, now: now, on: db)
        }
    }

    /// Moves the account's session version on (which ends its access tokens and, checked against
    /// it, its browsers' sessions) and revokes its refresh tokens.
    private static func endEverySession(of user: String, now: Int64, on db: any SQLConnection) throws {
        try db.query("UPDATE users SET token_version = token_version + 1, updated_at = $2 WHERE id = $1", .text(user), .integer(now))
        guard db.changes == 1 else { throw StoreError.notFound("account") }
        try revokeRefreshTokens(of: user, now: now, on: db)
    }

    /// Lets a blocked account sign in again.
    public func unblock(user: String, now: Int64) async throws {
        try await database.transaction { db in
            try db.setContext(.system)
            try db.query("UPDATE users SET blocked_at = NULL, blocked_reason = NULL, updated_at = $2 WHERE id = $1", .text(user), .integer(now))
            guard db.changes == 1 else { throw StoreError.notFound("account") }
        }
    }

    /// Queues a password-reset email if the address has an account. Says nothing either way, so
    /// the answer cannot be used to learn who has an account.
    public func requestPasswordReset(email: String, lifetime: Int64 = 3600, now: Int64) async throws {
        try await database.transaction { db in
            try db.setContext(.system)
            guard let user = try db.query("SELECT id FROM users WHERE email = $1", .text(email.lowercased())).first?["id"].text else { return }
            let token = try Self.insertToken(user: user, purpose: .passwordReset, family: nil, lifetime: lifetime, now: now, on: db)
            try OutboxRows.accountMessage(to: user, kind: "password_reset", fields: ["token": token], now: now, on: db)
        }
    }

    /// Sets a new password with a reset token, once; every session signed in before is revoked,
    /// access tokens too (the session version moves on). Returns the account, or nil when the
    /// token is unknown, expired or spent.
    @discardableResult
    public func resetPassword(token: String, passwordHash: String, now: Int64) async throws -> String? {
        try await database.transaction { db in
            try db.setContext(.system)
            guard let user = try Self.spend(token, purpose: .passwordReset, now: now, on: db) else { return nil }
            try db.query(
                "UPDATE users SET password_hash = $2, token_version = token_version + 1, updated_at = $3 WHERE id = $1",
                .text(user), .text(passwordHash), .integer(now)
            )
            try Self.revokeRefreshTokens(of: user, now: now, on: db)
            return user
        }
    }

    /// Marks an account's email as verified with the token mailed to it, once.
    public func verifyEmail(token: String, now: Int64) async throws -> Bool {
        try await database.transaction { db in
            try db.setContext(.system)
            guard let user = try Self.spend(token, purpose: .emailVerification, now: now, on: db) else { return false }
            try db.query("UPDATE users SET email_verified_at = $2, updated_at = $2 WHERE id = $1", .text(user), .integer(now))
            return true
        }
    }

    // MARK: Internals

    static func account(_ id: String, on db: any SQLConnection) throws -> Account {
        guard let row = try db.query(
            """
            SELECT email, first_name, last_name, phone, login_phone, email_verified_at, phone_verified_at, shares_contact, created_at, updated_at
            FROM users WHERE id = $1
            """,
            .text(id)
        ).first else { throw StoreError.notFound("user") }
        let roles = try db.query(
            """
            SELECT r.tenant_id, t.slug, r.role FROM user_tenant_roles r JOIN tenants t ON t.id = r.tenant_id
            WHERE r.user_id = $1 ORDER BY t.slug
            """, .text(id)
        ).map { try Account.Role(tenantId: $0.text("tenant_id"), tenantSlug: $0.text("slug"), role: $0.value("role", as: StaffRole.self)) }
        return try Account(
            id: id, email: row.optionalText("email"), firstName: row.text("first_name"), lastName: row.text("last_name"),
            phone: row["phone"].text ?? "", loginPhone: row.optionalText("login_phone"), emailVerified: row["email_verified_at"].integer != nil,
            phoneVerified: row["phone_verified_at"].integer != nil, roles: roles, sharesContact: row["shares_contact"].integer == 1,
            createdAt: row.int64("created_at"),
            updatedAt: max(row["updated_at"].integer ?? 0, row.int64("created_at"))
        )
    }

    /// A new random token: 256 bits, base64url. Only its hash is stored.
    static func insertToken(
        user: String, purpose: AccountTokenPurpose, family: String?, lifetime: Int64, now: Int64, on db: any SQLConnection
    ) throws -> String {
        let token = randomToken()
        try db.query(
            """
            INSERT INTO account_tokens (token_hash, user_id, purpose, family_id, expires_at, created_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            """,
            .text(tokenHash(token)), .text(user), .text(purpose.rawValue), .text(family ?? UUID().uuidString.lowercased()),
            .integer(now + lifetime), .integer(now)
        )
        return token
    }

    /// Ends the account's live refresh tokens by expiring them, not by marking them spent: a
    /// device that tries one later is refused, and not taken for a thief (which would end the
    /// sessions the member has since begun).
    static func revokeRefreshTokens(of user: String, now: Int64, on db: any SQLConnection) throws {
        try db.query(
            "UPDATE account_tokens SET expires_at = $2 WHERE user_id = $1 AND purpose = 'refresh' AND used_at IS NULL AND expires_at > $2",
            .text(user), .integer(now)
        )
    }

    /// Marks a single-use token spent; returns its user, or nil when it cannot be spent.
    static func spend(_ token: String, purpose: AccountTokenPurpose, now: Int64, on db: any SQLConnection) throws -> String? {
        try db.query(
            """
            UPDATE account_tokens SET used_at = $3
            WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3 RETURNING user_id
            """, .text(tokenHash(token)), .text(purpose.rawValue), .integer(now)
        ).first?["user_id"].text
    }

    static func tokenHash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

}
