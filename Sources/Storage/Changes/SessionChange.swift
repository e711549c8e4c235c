import Domain
import Foundation
import SQL

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
}

/// A committed change the search index applies: a gym to reload, or a session's spots.
public enum CatalogChange: Codable, Hashable, Sendable {
    /// The gym's details, classes or timetable changed: reload it from the store.
    case gym(tenantId: String)
    case session(SessionChange)

    public var tenantId: String {
        switch self {
        case .gym(let tenantId): tenantId
        case .session(let change): change.tenantId
        }
    }

    /// The session's spots, when the change is one.
    public var session: SessionChange? {
        if case .session(let change) = self { change } else { nil }
    }

    /// The PostgreSQL channel every change is announced on.
    public static let channel = "studioloop_session_changes"
}

extension CatalogChange {
    /// Reads a session's spots as this transaction leaves them, and on PostgreSQL announces them
    /// to every listening process: `pg_notify` in the same transaction is delivered only if it
    /// commits.
    static func announceSession(_ sessionId: String, on db: any SQLConnection) throws -> CatalogChange {
        guard let row = try db.query(
            "SELECT tenant_id, class_id, start_time, available_spots, status FROM class_schedules WHERE id = $1", .text(sessionId)
        ).first else { throw StoreError.notFound("session") }
        let change = try CatalogChange.session(SessionChange(
            sessionId: sessionId, tenantId: row.text("tenant_id"), classId: row.text("class_id"),
            start: row.int64("start_time"), spotsLeft: row.int("available_spots"), isCancelled: try row.value("status", as: SessionStatus.self) == .cancelled
        ))
        try change.announce(on: db)
        return change
    }

    /// Announces that a gym changed, and returns the change for this process's index.
    static func announceGym(_ tenantId: String, on db: any SQLConnection) throws -> CatalogChange {
        let change = CatalogChange.gym(tenantId: tenantId)
        try change.announce(on: db)
        return change
    }

    private func announce(on db: any SQLConnection) throws {
        guard db.dialect == .postgres else { return }
        let payload = String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
        try db.query("SELECT pg_notify($1, $2)", .text(Self.channel), .text(payload))
    }
}
