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

extension SessionChange {
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


    /// Announces on PostgreSQL that a gym changed (delivered only if the transaction commits),
    /// and returns the change for this process's index.
    static func announceGym(_ tenantId: String, on db: any SQLConnection) throws -> SessionChange {
        let change = SessionChange.gymChanged(tenantId)
        if db.dialect == .postgres {
            let payload = String(decoding: try JSONEncoder().encode(change), as: UTF8.self)
            try db.query("SELECT pg_notify($1, $2)", .text(SessionChange.channel), .text(payload))
        }
        return change
    }
}

extension SessionChange {
    /// "Reload this gym": its details, classes or timetable changed. Carries no session, so an
    /// index applying it cannot take it for a spot update.
    public static func gymChanged(_ tenantId: String) -> SessionChange {
        SessionChange(sessionId: "", tenantId: tenantId, classId: "", start: 0, spotsLeft: 0)
    }

    public var isGymChange: Bool { sessionId.isEmpty }
}
