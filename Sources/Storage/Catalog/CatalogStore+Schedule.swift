public import Domain
import SQL

/// One session of a gym's timetable, as its public page and the app list it.
public struct ScheduledSession: Equatable, Sendable {
    public var id: String
    public var tenantId: String
    public var classId: String
    public var className: String
    /// The session's own instructor (one standing in), else the class's.
    public var instructorId: String?
    /// What the gym tells members about this session.
    public var notes: String?
    public var startTime: Int64
    public var endTime: Int64
    public var capacity: Int
    public var availableSpots: Int
    public var bookingWindowHours: Int
    public var cancellationWindowHours: Int
    public var status: SessionStatus
    /// The gym's IANA time zone, in which the session's times are shown.
    public var timezone: String
}

/// A session's own booking and cancellation windows: nil keeps one, `.some(nil)` returns it
/// to what its class and gym set.
public struct SessionWindowChanges: Sendable {
    public var booking: Int??
    public var cancellation: Int??

    public init(booking: Int?? = nil, cancellation: Int?? = nil) {
        self.booking = booking
        self.cancellation = cancellation
    }
}

extension CatalogStore {
    /// A gym's sessions starting in [`from`, `to`), soonest first, cancelled ones included
    /// (marked so), at most `limit`.
    public func schedule(tenant: String, from: Int64, to: Int64, limit: Int = 500) async throws -> [ScheduledSession] {
        try await database.transaction { db in
            try db.setContext(.system)
            return try Self.sessions(
                "s.tenant_id = $1 AND s.start_time >= $2 AND s.start_time < $3 ORDER BY s.start_time, s.id LIMIT $4",
                [.text(tenant), .integer(from), .integer(to), .integer(Int64(limit))], on: db
            )
        }
    }

    /// One session, as the timetable lists it.
    public func scheduledSession(id: String) async throws -> ScheduledSession? {
        try await database.transaction { db in
            try db.setContext(.system)
            return try Self.sessions("s.id = $1", [.text(id)], on: db).first
        }
    }

    /// The sessions with these ids at active gyms (any not found are left out): what a results
    /// page asks for to show spots as they change.
    public func scheduledSessions(ids: [String]) async throws -> [ScheduledSession] {
        guard !ids.isEmpty else { return [] }
        return try await database.transaction { db in
            try db.setContext(.system)
            let list = ids.indices.map { "$\($0 + 1)" }.joined(separator: ", ")
            return try Self.sessions("s.id IN (\(list)) AND t.status = 'active'", ids.map(SQLValue.text), on: db)
        }
    }

    static func sessions(_ condition: String, _ parameters: [SQLValue], on db: any SQLConnection) throws -> [ScheduledSession] {
        try db.query(
            """
            SELECT s.id, s.tenant_id, s.class_id, c.name, COALESCE(s.instructor_id, c.instructor_id) AS instructor_id, s.notes, s.start_time,
                s.end_time, s.capacity, s.available_spots, s.booking_window_hours, s.cancellation_window_hours, s.status, t.timezone
            FROM class_schedules s JOIN classes c ON c.id = s.class_id JOIN tenants t ON t.id = s.tenant_id
            WHERE \(condition)
            """, parameters
        ).map { row in
            try ScheduledSession(
                id: row.text("id"), tenantId: row.text("tenant_id"), classId: row.text("class_id"), className: row.text("name"),
                instructorId: row.optionalText("instructor_id"), notes: row.optionalText("notes"), startTime: row.int64("start_time"),
                endTime: row.int64("end_time"), capacity: row.int("capacity"), availableSpots: row.int("available_spots"),
                bookingWindowHours: row.int("booking_window_hours"), cancellationWindowHours: row.int("cancellation_window_hours"),
                status: row.value("status", as: SessionStatus.self), timezone: row.text("timezone")
            )
        }
    }

    /// Changes what a session says of itself: its notes, and an instructor standing in for the
    /// class's (`.some(nil)` clears either). Only the gym's owner or an admin may, and the
    /// instructor must work at the gym.
    public func updateSession(
        sessionId: String, tenant: String, staff: String, notes: String??, instructor: String??, windows: SessionWindowChanges = .init()
    ) async throws {
        try await feed.transaction(on: database) { db in
            try db.setContext(.tenant(tenant, user: staff))
            try Authorization.requireManager(staff, of: tenant, on: db)
            guard try db.query("SELECT 1 FROM class_schedules WHERE id = $1 AND tenant_id = $2", .text(sessionId), .text(tenant)).first != nil else {
                throw StoreError.notFound("session")
            }
            if case .some(.some(let instructor)) = instructor { try Self.requireInstructor(instructor, at: tenant, on: db) }
            if let notes { try db.query("UPDATE class_schedules SET notes = $2 WHERE id = $1", .text(sessionId), SQLValue(notes)) }
            if let instructor { try db.query("UPDATE class_schedules SET instructor_id = $2 WHERE id = $1", .text(sessionId), SQLValue(instructor)) }
            guard windows.booking != nil || windows.cancellation != nil else { return ((), []) }
            let row = try db.one("SELECT class_id, booking_window_hours, cancellation_window_hours, windows_overridden FROM class_schedules WHERE id = $1", .text(sessionId))
            let inherited = try SessionWindows.of(classId: row.text("class_id"), on: db)
            let booking = try windows.booking.map { $0 ?? inherited.booking } ?? row.int("booking_window_hours")
            let cancellation = try windows.cancellation.map { $0 ?? inherited.cancellation } ?? row.int("cancellation_window_hours")
            // Set by hand unless both were just returned to the class's and gym's.
            let overridden = !(windows.booking == .some(nil) && windows.cancellation == .some(nil))
            try db.query(
                "UPDATE class_schedules SET booking_window_hours = $2, cancellation_window_hours = $3, windows_overridden = $4 WHERE id = $1",
                .text(sessionId), .integer(Int64(booking)), .integer(Int64(cancellation)), SQLValue(overridden)
            )
            return ((), [try CatalogChange.announceSession(sessionId, on: db)])
        }
    }
}
