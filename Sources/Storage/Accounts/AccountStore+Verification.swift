import Crypto
import Foundation
import Notifications
import SQL

/// A way to reach a member that an account signs in with and proves with a code.
public enum Contact: Hashable, Sendable, CustomStringConvertible {
    case email(String)
    /// E.164: `+` and 8 to 15 digits.
    case phone(String)

    var channel: String {
        switch self {
        case .email: "email"
        case .phone: "phone"
        }
    }

    /// The email lower-cased, or the number.
    public var value: String {
        switch self {
        case .email(let address): address.lowercased()
        case .phone(let number): number
        }
    }

    public var description: String { value }

    /// The users column that holds it, and the one that says when it was proven.
    var columns: (contact: String, verified: String) {
        switch self {
        case .email: ("email", "email_verified_at")
        case .phone: ("login_phone", "phone_verified_at")
        }
    }
}

/// Six-digit sign-up codes: one per contact at a time, sent through the outbox (a phone's by
/// WhatsApp, else SMS; an email's in the verification email), single use, valid 10 minutes,
/// 5 tries. At most 5 are sent to one contact in an hour, whoever asks, so nobody can run up
/// a text-message bill on a number (SMS pumping); every server sharing the store counts the same.
extension AccountStore {
    public static let codeLifetime: Int64 = 600
    public static let codeAttempts = 5
    public static let codesPerContactPerHour = 5

    /// Sends a fresh code to the contact of an account that has not proven it yet. Says nothing
    /// either way when there is no such account, so the answer tells nobody who has one.
    public func resendCode(to contact: Contact, now: Int64) async throws {
        try await database.transaction { db in
            try db.setContext(.system)
            let (column, verified) = contact.columns
            guard let user = try db.query("SELECT id FROM users WHERE \(column) = $1 AND \(verified) IS NULL", .text(contact.value)).first?["id"].text
            else { return }
            try Self.sendCode(to: contact, user: user, now: now, on: db)
        }
    }

    /// Proves the contact with its code; returns the account, or nil when the code is wrong,
    /// spent, expired or out of tries (each wrong code uses one up).
    public func verify(_ contact: Contact, code: String, now: Int64) async throws -> String? {
        try await database.transaction { db in
            try db.setContext(.system)
            guard let row = try db.query(
                """
                SELECT id, user_id, code_hash, attempts FROM verification_codes
                WHERE channel = $1 AND destination = $2 AND used_at IS NULL AND expires_at > $3 ORDER BY created_at DESC LIMIT 1
                """, .text(contact.channel), .text(contact.value), .integer(now)
            ).first else { return nil }
            let id = try row.text("id"), user = try row.text("user_id")
            guard try row.int("attempts") < Self.codeAttempts else { return nil }
            guard try row.text("code_hash") == Self.codeHash(code, id: id) else {
                try db.query("UPDATE verification_codes SET attempts = attempts + 1 WHERE id = $1", .text(id))
                return nil
            }
            try db.query("UPDATE verification_codes SET used_at = $2 WHERE id = $1", .text(id), .integer(now))
            let verified = contact.columns.verified
            try db.query("UPDATE users SET \(verified) = COALESCE(\(verified), $2), updated_at = $2 WHERE id = $1", .text(user), .integer(now))
            return user
        }
    }

    /// Marks an account's contacts proven without a code: for accounts the operator makes
    /// itself (the demo accounts of development mode), never for a sign-up.
    public func vouchFor(_ user: String, now: Int64) async throws {
        try await database.transaction { db in
            try db.setContext(.system)
            try db.query(
                """
                UPDATE users SET email_verified_at = CASE WHEN email IS NULL THEN NULL ELSE COALESCE(email_verified_at, $2) END,
                    phone_verified_at = CASE WHEN login_phone IS NULL THEN NULL ELSE COALESCE(phone_verified_at, $2) END WHERE id = $1
                """, .text(user), .integer(now)
            )
        }
    }

    /// Whether the account has proven a way to reach it (email or phone): what opening a gym
    /// and paying need.
    public func isVerified(_ user: String) async throws -> Bool {
        try await database.transaction { db in
            try db.setContext(.system)
            return try db.query(
                "SELECT 1 FROM users WHERE id = $1 AND (email_verified_at IS NOT NULL OR phone_verified_at IS NOT NULL)", .text(user)
            ).isEmpty == false
        }
    }

    /// A new code for `contact`, replacing any still waiting, queued for delivery; refused past
    /// the hourly limit.
    static func sendCode(to contact: Contact, user: String, now: Int64, on db: any SQLConnection) throws {
        let recent = try db.query(
            "SELECT created_at FROM verification_codes WHERE destination = $1 AND created_at > $2 ORDER BY created_at",
            .text(contact.value), .integer(now - 3_600)
        )
        if recent.count >= codesPerContactPerHour {
            let oldest = try recent[recent.count - codesPerContactPerHour].int64("created_at")
            throw StoreError.tooMany(retryAfter: Int(max(1, oldest + 3_600 - now)))
        }
        try db.query(
            "UPDATE verification_codes SET used_at = $2 WHERE destination = $1 AND used_at IS NULL", .text(contact.value), .integer(now)
        )
        let id = UUID().uuidString.lowercased()
        let code = String(format: "%06d", Int.random(in: 0..<1_000_000))
        try db.query(
            """
            INSERT INTO verification_codes (id, user_id, channel, destination, code_hash, expires_at, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            .text(id), .text(user), .text(contact.channel), .text(contact.value), .text(codeHash(code, id: id)),
            .integer(now + codeLifetime), .integer(now)
        )
        switch contact {
        case .phone: try OutboxRows.accountMessage(to: user, kind: OutboxMessage.phoneVerification, fields: ["code": code], now: now, on: db)
        case .email:
            // The email carries a link token too, for a client that verifies by link.
            let token = try insertToken(user: user, purpose: .emailVerification, family: nil, lifetime: 48 * 3600, now: now, on: db)
            try OutboxRows.accountMessage(to: user, kind: "email_verification", fields: ["token": token, "code": code], now: now, on: db)
        }
    }

    static func codeHash(_ code: String, id: String) -> String {
        SHA256.hash(data: Data("\(id):\(code)".utf8)).map { String(format: "%02x", $0) }.joined()
    }
}
