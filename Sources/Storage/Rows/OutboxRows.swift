import Foundation
import SQL

/// Outbox rows, written in the same transaction as the change they announce.
enum OutboxRows {
    /// An outbox row, written in the same transaction as the change it announces, delivered
    /// from `deliverAfter` (now unless later).
    static func notify(
        _ member: String, _ kind: String, _ bookingId: String, now: Int64, deliverAfter: Int64? = nil, on db: any SQLConnection
    ) throws {
        try db.query(
            """
            INSERT INTO outbox (id, user_id, kind, payload, deliver_after, status, created_at, booking_id)
            VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7)
            """,
            .text(UUID().uuidString.lowercased()), .text(member), .text(kind), .text("{\"booking_id\":\"\(bookingId)\"}"),
            .integer(max(now, deliverAfter ?? now)), .integer(now), .text(bookingId)
        )
    }

    /// How long before class the reminder goes out.
    static let reminderLeadSeconds: Int64 = 2 * 3600

    /// A confirmed booking's reminder, due two hours before the start (none if that has passed).
    static func scheduleReminder(_ member: String, bookingId: String, start: Int64, now: Int64, on db: any SQLConnection) throws {
        let due = start - reminderLeadSeconds
        if due > now { try notify(member, "class_reminder", bookingId, now: now, deliverAfter: due, on: db) }
    }

    /// Withdraws a cancelled booking's reminder if it has not gone out.
    static func withdrawReminder(bookingId: String, on db: any SQLConnection) throws {
        try db.query(
            "UPDATE outbox SET status = 'withdrawn' WHERE booking_id = $1 AND kind = 'class_reminder' AND status = 'pending'", .text(bookingId)
        )
    }

    /// An account message (a verification code or link, a password reset) for the outbox to deliver.
    static func accountMessage(to user: String, kind: String, fields: [String: String], now: Int64, on db: any SQLConnection) throws {
        try message(to: user, kind: kind, fields: fields, now: now, on: db)
    }

    /// A message with its fields as the payload. Without a user, the payload's `to_email` or
    /// `to_phone` says where it goes (an invitation to someone with no account yet).
    static func message(to user: String?, kind: String, fields: [String: String], bookingId: String? = nil, now: Int64, on db: any SQLConnection) throws {
        let payload = String(decoding: try JSONSerialization.data(withJSONObject: fields, options: .sortedKeys), as: UTF8.self)
        try db.query(
            "INSERT INTO outbox (id, user_id, kind, payload, deliver_after, status, created_at, booking_id) VALUES ($1, $2, $3, $4, $5, 'pending', $5, $6)",
            .text(UUID().uuidString.lowercased()), SQLValue(user), .text(kind), .text(payload), .integer(now), SQLValue(bookingId)
        )
    }
}
