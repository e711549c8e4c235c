import Crypto
import Foundation

extension AccountStore {
    /// A browser's session lasts this long after its last use.
    public static let webSessionLifetime: Int64 = 30 * 86_400
    /// Last use is written at most this often, so reading a page seldom writes.
    static let webSessionTouchInterval: Int64 = 3600

    /// Starts a signed-in browser session for `user`; returns the token for its cookie (only
    /// its hash is kept). The user's ended and expired sessions are cleared on the way.
    public func startWebSession(user: String, now: Int64) async throws -> String {
        try await database.transaction { db in
            try db.setContext(.member(user))
            try db.query("DELETE FROM web_sessions WHERE user_id = $1 AND (ended_at IS NOT NULL OR expires_at <= $2)", .text(user), .integer(now))
            guard let version = try db.query("SELECT token_version FROM users WHERE id = $1", .text(user)).first?.int("token_version")
            else { throw StoreError.notFound("user") }
            let token = Self.randomToken()
            try db.query(
                """
                INSERT INTO web_sessions (token_hash, user_id, token_version, created_at, last_seen_at, expires_at)
                VALUES ($1, $2, $3, $4, $4, $5)
                """, .text(Self.tokenHash(token)), .text(user), .integer(Int64(version)), .integer(now), .integer(now + Self.webSessionLifetime)
            )
            return token
        }
    }

    /// Who a signed-in browser is: the user, and whether they work at any gym (the pages then
    /// offer the dashboard).
    public struct WebSessionHolder: Sendable {
        public var user: String
        public var isStaff: Bool
    }

    /// The user a browser session's token belongs to, or nil when it is unknown, ended, expired,
    /// or from before the account's sessions were revoked (a password reset, a stolen refresh
    /// token). Using it keeps it alive for another `webSessionLifetime`.
    public func webSessionUser(token: String, now: Int64) async throws -> WebSessionHolder? {
        try await database.transaction { db in
            try db.setContext(.system)
            let hash = Self.tokenHash(token)
            guard let row = try db.query(
                """
                SELECT w.user_id, w.last_seen_at,
                    CASE WHEN EXISTS (SELECT 1 FROM user_tenant_roles r WHERE r.user_id = w.user_id AND r.role <> 'member') THEN 1 ELSE 0 END AS is_staff
                FROM web_sessions w JOIN users u ON u.id = w.user_id
                WHERE w.token_hash = $1 AND w.ended_at IS NULL AND w.expires_at > $2 AND w.token_version = u.token_version
                """, .text(hash), .integer(now)
            ).first else { return nil }
            if try row.int64("last_seen_at") + Self.webSessionTouchInterval <= now {
                try db.query(
                    "UPDATE web_sessions SET last_seen_at = $2, expires_at = $3 WHERE token_hash = $1",
                    .text(hash), .integer(now), .integer(now + Self.webSessionLifetime)
                )
            }
            return try WebSessionHolder(user: row.text("user_id"), isStaff: row["is_staff"].integer == 1)
        }
    }

    /// Ends a browser session (signing out); unknown tokens change nothing.
    public func endWebSession(token: String, now: Int64) async throws {
        try await database.transaction { db in
            try db.setContext(.system)
            try db.query("UPDATE web_sessions SET ended_at = $2 WHERE token_hash = $1 AND ended_at IS NULL", .text(Self.tokenHash(token)), .integer(now))
        }
    }

    /// 256 random bits, base64url without padding.
    static func randomToken() -> String {
        Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
