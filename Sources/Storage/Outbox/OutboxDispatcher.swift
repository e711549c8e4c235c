import Foundation
public import Notifications

/// Delivers the outbox, at least once. A batch of due rows is leased in one transaction,
/// delivered outside any transaction (a slow channel holds no lock), and settled in another:
/// delivered, or retried with exponential backoff, or failed after `maxAttempts`. A crash
/// between lease and settlement leaves the lease to expire, and the row is delivered again, so
/// a message is never lost (a channel may see it twice).
public struct OutboxDispatcher: Sendable {
    public let database: any Database
    public let channel: any NotificationChannel
    public var batchSize = 100
    public var leaseSeconds: Int64 = 60
    public var maxAttempts = 8
    /// The first retry waits this long; each later one twice the one before, up to an hour.
    public var firstRetrySeconds: Int64 = 30

    /// WhatsApp's customer service window: free text within 24 hours of the member's last message.
    public static let customerWindowSeconds: Int64 = 24 * 3_600

    public init(database: any Database, channel: any NotificationChannel = LogChannel()) {
        self.database = database
        self.channel = channel
    }

    public struct Report: Equatable, Sendable {
        public var delivered = 0
        public var retried = 0
        public var failed = 0
        /// Not sent: the member opted out of that kind of message.
        public var skipped = 0
    }

    /// Delivers every message due at `now`, one batch; returns what happened.
    @discardableResult
    public func dispatchDue(now: Int64) async throws -> Report {
        let batch = batchSize
        try await database.transaction { db in
            try db.setContext(.system)
            try GymMessages.fanOut(now: now, limit: batch, on: db)
        }
        let messages = try await lease(now: now)
        var report = Report()
        let optedOut = try await optedOut(messages)
        for message in messages {
            if optedOut.contains(message.id) {
                try await settle(message, now: now, error: nil, status: .skipped)
                report.skipped += 1
                continue
            }
            do {
                try await channel.deliver(message)
                try await settle(message, now: now, error: nil)
                report.delivered += 1
            } catch {
                let failed = try await settle(message, now: now, error: "\(error)")
                if failed { report.failed += 1 } else { report.retried += 1 }
            }
        }
        return report
    }

    /// Queues the morning roster digest of each gym whose local morning has come; returns how
    /// many were queued.
    @discardableResult
    public func queueRosterDigests(now: Int64) async throws -> Int {
        try await database.transaction { db in
            try db.setContext(.system)
            return try GymMessages.queueDigests(now: now, on: db)
        }
    }

    /// Claims up to a batch of due, unleased messages for `leaseSeconds`.
    func lease(now: Int64) async throws -> [OutboxMessage] {
        let batch = batchSize, lease = leaseSeconds
        return try await database.transaction { db in
            try db.setContext(.system)
            // Several dispatchers on one PostgreSQL database take disjoint batches.
            let skipLocked = db.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
            let rows = try db.query(
                """
                SELECT o.id, o.user_id, o.kind, o.payload, o.attempts, u.id AS member, u.email, COALESCE(u.login_phone, u.phone) AS phone,
                    u.notification_channel, w.last_message_at
                FROM outbox o LEFT JOIN users u ON u.id = o.user_id LEFT JOIN whatsapp_inbound w ON w.phone = COALESCE(u.login_phone, u.phone)
                WHERE o.status = 'pending' AND o.deliver_after <= $1 AND (o.claimed_until IS NULL OR o.claimed_until <= $1)
                    AND NOT (o.user_id IS NULL AND o.kind IN \(GymMessages.kindList))
                ORDER BY o.created_at, o.id LIMIT $2
                """ + (skipLocked.isEmpty ? "" : " FOR UPDATE OF o SKIP LOCKED"), .integer(now), .integer(Int64(batch))
            )
            for row in rows {
                try db.query("UPDATE outbox SET claimed_until = $2 WHERE id = $1", row["id"], .integer(now + lease))
            }
            return try rows.map { row in
                try OutboxMessage(
                    id: row.text("id"), userId: row["user_id"].text, kind: row.text("kind"), payload: row.text("payload"),
                    attempts: row.int("attempts"),
                    recipient: row["member"].text.map { _ in
                        Recipient(
                            email: row["email"].text ?? "", phone: row["phone"].text ?? "",
                            channel: row["notification_channel"].text.flatMap(NotificationChannelKind.init) ?? .email,
                            inCustomerWindow: (row["last_message_at"].integer ?? .min) > now - Self.customerWindowSeconds
                        )
                    } ?? Recipient.addressed(in: row.text("payload"))
                )
            }
        }
    }

    /// The leased messages whose members opted out of their kind (or of everything).
    func optedOut(_ messages: [OutboxMessage]) async throws -> Set<String> {
        let members = Set(messages.compactMap(\.userId))
        guard !members.isEmpty else { return [] }
        let optOuts = try await database.transaction { db in
            try db.setContext(.system)
            var optOuts: Set<String> = []
            for member in members {
                for row in try db.query("SELECT kind FROM notification_opt_outs WHERE user_id = $1", .text(member)) {
                    optOuts.insert(try "\(member)|\(row.text("kind"))")
                }
            }
            return optOuts
        }
        return Set(messages.filter { m in
            guard let user = m.userId else { return false }
            // Account emails go whatever the member turned off: they are how they get back in.
            guard !m.isAccountMessage else { return false }
            return optOuts.contains("\(user)|\(m.kind)") || optOuts.contains("\(user)|*")
        }.map(\.id))
    }

    /// Records a delivery (or a skip) or a failed attempt; returns whether the message has now
    /// failed for good.
    @discardableResult
    func settle(_ message: OutboxMessage, now: Int64, error: String?, status: OutboxStatus = .delivered) async throws -> Bool {
        let maxAttempts = maxAttempts, first = firstRetrySeconds
        return try await database.transaction { db in
            try db.setContext(.system)
            guard let error else {
                try db.query(
                    "UPDATE outbox SET status = $3, delivered_at = $2, claimed_until = NULL WHERE id = $1",
                    .text(message.id), .integer(now), .text(status.rawValue)
                )
                return false
            }
            let attempts = message.attempts + 1
            let failed = attempts >= maxAttempts
            let wait = min(first << Int64(min(attempts - 1, 20)), 3_600)
            try db.query(
                """
                UPDATE outbox SET attempts = $2, status = $3, deliver_after = $4, claimed_until = NULL, last_error = $5
                WHERE id = $1
                """, .text(message.id), .integer(Int64(attempts)), .text((failed ? OutboxStatus.failed : .pending).rawValue), .integer(now + wait),
                .text(String(error.prefix(500)))
            )
            return failed
        }
    }
}
