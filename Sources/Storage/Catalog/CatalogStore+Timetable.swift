import Booking
import Datasets
public import Domain
import Foundation
import SQL

/// What a gym's staff may change about a class; nil leaves a field as it is, and `.some(nil)`
/// clears an instructor or returns a window to the gym's.
public struct ClassChanges: Sendable {
    public var name: String?
    public var description: String?
    public var difficulty: Difficulty?
    public var creditsRequired: Int?
    public var isActive: Bool?
    public var classType: ClassType?
    public var instructorId: String??
    public var durationMinutes: Int?
    /// Never below a future session's confirmed bookings.
    public var maxCapacity: Int?
    public var weeklySlots: [WeeklySlot]?
    public var bookingWindowHours: Int??
    public var cancellationWindowHours: Int??
    public var waitlistCutoffMinutes: Int??
    /// Sessions the new timetable drops that members booked are cancelled (refunded and told)
    /// rather than kept.
    public var cancelBookedSessions = false

    public init(name: String? = nil, description: String? = nil, difficulty: Difficulty? = nil, creditsRequired: Int? = nil, isActive: Bool? = nil) {
        self.name = name
        self.description = description
        self.difficulty = difficulty
        self.creditsRequired = creditsRequired
        self.isActive = isActive
    }
}

/// What a timetable change did to a class's future sessions.
public struct TimetableChange: Equatable, Sendable {
    public var sessionsAdded = 0
    /// Dropped from the timetable with nobody booked: gone.
    public var sessionsRemoved = 0
    /// Dropped from the timetable but kept, because members booked them.
    public var bookedSessionsKept: [String] = []
    /// Dropped and cancelled as asked: their members refunded and told.
    public var bookedSessionsCancelled: [String] = []

    public init() {}

    mutating func merge(_ other: TimetableChange) {
        sessionsAdded += other.sessionsAdded
        sessionsRemoved += other.sessionsRemoved
        bookedSessionsKept += other.bookedSessionsKept
        bookedSessionsCancelled += other.bookedSessionsCancelled
    }
}

/// A class as its sessions are made from it.
struct ClassPlan {
    var id: String
    var tenant: String
    var timetable: Timetable
    var slots: [WeeklySlot]
    var duration: Int
    var capacity: Int
    var zone: String
}

extension CatalogStore {
    /// Changes a class; only the gym's owner or an admin may. Changes to the timetable apply to
    /// future sessions: a capacity below a session's confirmed bookings is refused (`conflict`
    /// naming the count), a larger one promotes waitlisted members; a new duration moves the
    /// sessions' ends; new weekly slots move the sessions nobody booked and keep the booked ones
    /// unless `cancelBookedSessions`. Deactivating a class cancels its future sessions as
    /// `cancelSession` would. All in one transaction; the index follows.
    @discardableResult
    public func updateClass(id: String, tenant: String, staff: String, changes: ClassChanges, until: Int64? = nil, now: Int64) async throws -> TimetableChange {
        let terms = (currencies, rates, promotionCutoffSeconds)
        return try await feed.transaction(on: database) { db in
            try db.setContext(.tenant(tenant, user: staff))
            try Authorization.requireManager(staff, of: tenant, on: db)
            guard let plan = try Self.classPlan(id, on: db), plan.tenant == tenant else { throw StoreError.notFound("class") }
            if case .some(.some(let instructor)) = changes.instructorId { try Self.requireInstructor(instructor, at: tenant, on: db) }
            let future = "class_id = $1 AND start_time > $2 AND status = 'scheduled'"
            if db.dialect == .postgres {
                // Hold the future sessions so no booking changes their counts under the checks below.
                try db.query("SELECT id FROM class_schedules WHERE \(future) FOR UPDATE", .text(id), .integer(now))
            }
            if let capacity = changes.maxCapacity,
                let fullest = try db.query(
                    "SELECT start_time, capacity - available_spots AS confirmed FROM class_schedules WHERE \(future) ORDER BY confirmed DESC, start_time LIMIT 1",
                    .text(id), .integer(now)
                ).first, try fullest.int("confirmed") > capacity
            {
                let confirmed = try fullest.int("confirmed")
                throw StoreError.conflict(
                    "the session at \(ISO8601.format(try fullest.int64("start_time"))) has \(confirmed) confirmed bookings: max_capacity cannot go below \(confirmed)"
                )
            }
            var update = PartialUpdate(table: "classes", id: id)
            func set(_ column: String, _ value: SQLValue) { update.set(column, value) }
            if let v = changes.name { set("name", .text(v)) }
            if let v = changes.description { set("description", .text(v)) }
            if let v = changes.difficulty { set("difficulty_level", .text(v.rawValue)) }
            if let v = changes.creditsRequired { set("credits_required", .integer(Int64(v))) }
            if let v = changes.isActive { set("is_active", SQLValue(v)) }
            if let v = changes.classType { set("class_type", .text(v.rawValue)) }
            if let v = changes.instructorId { set("instructor_id", SQLValue(v)) }
            if let v = changes.durationMinutes { set("duration_minutes", .integer(Int64(v))) }
            if let v = changes.maxCapacity { set("max_capacity", .integer(Int64(v))) }
            if let v = changes.weeklySlots { set("weekly_slots", .text(String(decoding: try JSONLines.encoder().encode(v.sorted()), as: UTF8.self))) }
            if let v = changes.bookingWindowHours { set("booking_window_hours", SQLValue(v.map(Int64.init))) }
            if let v = changes.cancellationWindowHours { set("cancellation_window_hours", SQLValue(v.map(Int64.init))) }
            if let v = changes.waitlistCutoffMinutes { set("waitlist_cutoff_minutes", SQLValue(v.map(Int64.init))) }
            set("updated_at", .integer(now))
            try update.run(on: db)

            if let duration = changes.durationMinutes {
                try db.query("UPDATE class_schedules SET end_time = start_time + $3 WHERE \(future)", .text(id), .integer(now), .integer(Int64(duration) * 60))
            }
            if changes.bookingWindowHours != nil || changes.cancellationWindowHours != nil {
                try SessionWindows.apply(tenant: tenant, classId: id, now: now, on: db)
            }
            var outcome = TimetableChange()
            if let slots = changes.weeklySlots, slots.sorted() != plan.slots.sorted() {
                var moved = plan
                moved.duration = changes.durationMinutes ?? plan.duration
                moved.capacity = changes.maxCapacity ?? plan.capacity
                outcome = try Self.retimetable(
                    moved, from: (plan.timetable, plan.zone), to: (Timetable(slots), plan.zone), until: until ?? now + 14 * 86_400, now: now, on: db
                )
            }
            if let capacity = changes.maxCapacity, capacity != plan.capacity {
                try db.query(
                    "UPDATE class_schedules SET available_spots = available_spots + ($3 - capacity), capacity = $3, spots_updated_at = $2 WHERE \(future)",
                    .text(id), .integer(now), .integer(Int64(capacity))
                )
                if capacity > plan.capacity { try Self.promoteIntoNewSpots(classId: id, terms: terms, now: now, on: db) }
            }
            if changes.cancelBookedSessions { swap(&outcome.bookedSessionsKept, &outcome.bookedSessionsCancelled) }
            var cancelling = outcome.bookedSessionsCancelled
            if changes.isActive == false {
                cancelling += try db.query("SELECT id FROM class_schedules WHERE \(future)", .text(id), .integer(now)).map { try $0.text("id") }
            }
            let reason = changes.isActive == false ? "class discontinued" : "timetable changed"
            for session in cancelling { try Self.cancel(session, reason: reason, now: now, on: db) }
            return (outcome, [try CatalogChange.announceGym(tenant, on: db)])
        }
    }

    // MARK: Internals

    static func classPlan(_ id: String, on db: any SQLConnection) throws -> ClassPlan? {
        guard let row = try db.query(
            """
            SELECT c.id, c.tenant_id, c.weekly_slots, c.duration_minutes, c.max_capacity, t.timezone
            FROM classes c JOIN tenants t ON t.id = c.tenant_id WHERE c.id = $1
            """, .text(id)
        ).first else { return nil }
        let slots = (try? JSONDecoder().decode([WeeklySlot].self, from: Data(row.text("weekly_slots").utf8))) ?? []
        return try ClassPlan(
            id: id, tenant: row.text("tenant_id"), timetable: Timetable(slots), slots: slots, duration: row.int("duration_minutes"),
            capacity: row.int("max_capacity"), zone: row.text("timezone")
        )
    }

    /// Moves a class's future sessions from one timetable (in one time zone) to another. A
    /// session the old timetable made and the new one does not is removed when nobody booked
    /// it (cancelled in place when only cancelled bookings name it), and kept when members
    /// hold it; one-off sessions are left alone. The new timetable's sessions are added up to
    /// `until` (or the furthest session already made).
    static func retimetable(
        _ plan: ClassPlan, from old: (Timetable, String), to new: (Timetable, String), until: Int64, now: Int64, on db: any SQLConnection
    ) throws -> TimetableChange {
        let furthest = try db.query("SELECT MAX(start_time) AS last FROM class_schedules WHERE class_id = $1", .text(plan.id)).first?["last"].integer
        let horizon = max(until, (furthest ?? now) + 1)
        var clocks = ZoneClocks()
        func starts(_ timetable: Timetable, _ zone: String) -> Set<Int64> {
            Set(SessionSchedule.occurrences(
                classId: plan.id, timetable: timetable, classIndex: 0, durationMinutes: plan.duration, capacity: plan.capacity, zone: zone,
                clocks: &clocks, from: now, to: horizon, seed: 0
            ).map(\.start))
        }
        let before = starts(old.0, old.1), after = starts(new.0, new.1)
        var change = TimetableChange()
        for row in try db.query(
            """
            SELECT s.id, s.start_time,
                (SELECT COUNT(*) FROM bookings b WHERE b.session_id = s.id AND b.status IN ('confirmed', 'waitlisted', 'checked_in')) AS active,
                (SELECT COUNT(*) FROM bookings b WHERE b.session_id = s.id) AS ever
            FROM class_schedules s WHERE s.class_id = $1 AND s.start_time > $2 AND s.status = 'scheduled' ORDER BY s.start_time
            """, .text(plan.id), .integer(now)
        ) {
            let start = try row.int64("start_time"), session = try row.text("id")
            guard before.contains(start), !after.contains(start) else { continue }
            if try row.int("active") > 0 {
                change.bookedSessionsKept.append(session)
            } else if try row.int("ever") > 0 {
                try db.query("UPDATE class_schedules SET status = 'cancelled', spots_updated_at = $2 WHERE id = $1", .text(session), .integer(now))
                change.sessionsRemoved += 1
            } else {
                try db.query("DELETE FROM class_schedules WHERE id = $1", .text(session))
                change.sessionsRemoved += 1
            }
        }
        change.sessionsAdded = try insertSessions(
            classId: plan.id, tenant: plan.tenant, timetable: new.0, duration: plan.duration, capacity: plan.capacity, zone: new.1,
            from: now, to: horizon, now: now, on: db
        )
        return change
    }

    /// After a class grew, gives each future session's new spots to its waitlist, in order.
    static func promoteIntoNewSpots(
        classId: String, terms: (Currencies, CommissionRates, Int64), now: Int64, on db: any SQLConnection
    ) throws {
        let waiting = try db.query(
            """
            SELECT DISTINCT s.id FROM class_schedules s JOIN bookings b ON b.session_id = s.id AND b.status = 'waitlisted'
            WHERE s.class_id = $1 AND s.start_time > $2 AND s.status = 'scheduled' AND s.available_spots > 0
            """, .text(classId), .integer(now)
        ).map { try $0.text("id") }
        guard !waiting.isEmpty else { return }
        // Promotion charges other members' credits: the store's bookkeeping.
        try db.setContext(.system)
        for sessionId in waiting {
            var session = try LockedSession.read(sessionId, on: db)
            while session.facts.spotsLeft > 0, session.facts.waitlisted > 0 {
                let promotion = try Charges.promote(session: &session, cutoff: terms.2, currencies: terms.0, rates: terms.1, now: now, on: db)
                if promotion.promoted == nil { break }
            }
        }
    }
}
