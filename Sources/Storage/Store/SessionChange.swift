import Foundation

/// A session's spots as they stand after a committed change: what the search index applies.
public struct SessionChange: Codable, Hashable, Sendable {
    public var sessionId: String
    public var tenantId: String
    public var classId: String
    /// UTC seconds.
    public var start: Int64
    public var spotsLeft: Int
    /// The gym cancelled the session: the index should drop it.
    public var isCancelled: Bool

    public init(sessionId: String, tenantId: String, classId: String, start: Int64, spotsLeft: Int, isCancelled: Bool = false) {
        self.sessionId = sessionId
        self.tenantId = tenantId
        self.classId = classId
        self.start = start
        self.spotsLeft = spotsLeft
        self.isCancelled = isCancelled
    }

    /// The PostgreSQL channel every change is announced on.
    public static let channel = "studioloop_session_changes"
}

extension BookingStore {
    /// Reads a session's spots as this transaction leaves them, and on PostgreSQL announces them
    /// to every listening process: `pg_notify` in the same transaction is delivered only if it
    /// commits.
    static func announce(_ sessionId: String, on db: any SQLConnection) throws -> SessionChange {
        guard let row = try db.query(
            "SELECT tenant_id, class_id, start_time, available_spots, status FROM class_schedules WHERE id = $1", .text(sessionId)
        ).first else { throw StoreError.notFound("session") }
        let change = try SessionChange(
            sessionId: sessionId, tenantId: row.text("tenant_id"), classId: row.text("class_id"),
            start: row.int64("start_time"), spotsLeft: row.int("available_spots"), isCancelled: row["status"].text == "cancelled"
        )
        if db.dialect == .postgres {
            let payload = String(decoding: try JSONEncoder().encode(change), as: UTF8.self)
            try db.query("SELECT pg_notify($1, $2)", .text(SessionChange.channel), .text(payload))
        }
        return change
    }

    /// Sessions whose spots changed at or after `since`, as they are now: how a process that
    /// missed announcements (a restart, a dropped connection) catches up from the store.
    public func sessionChanges(since: Int64) async throws -> [SessionChange] {
        try await database.transaction { db in
            try db.setContext(.system)
            return try db.query(
                """
                SELECT id, tenant_id, class_id, start_time, available_spots, status FROM class_schedules
                WHERE spots_updated_at >= $1 ORDER BY spots_updated_at, id
                """, .integer(since)
            ).map {
                try SessionChange(sessionId: $0.text("id"), tenantId: $0.text("tenant_id"), classId: $0.text("class_id"),
                              start: $0.int64("start_time"), spotsLeft: $0.int("available_spots"),
                              isCancelled: $0["status"].text == "cancelled")
            }
        }
    }
}
