public import Booking
import Datasets
public import Domain
import Foundation
import SQL

/// What a late cancellation costs at a gym: the credits (the default), or nothing.
public enum LateCancelPolicy: String, Sendable, Codable, CaseIterable {
    case forfeit, refund
}

/// A gym's own booking rules. Nil windows and cut-off follow the platform's defaults (a week
/// to book ahead, 24 hours to cancel, waitlist closing 2 hours before the start).
public struct GymSettings: Equatable, Sendable {
    public var bookingWindowHours: Int?
    public var cancellationWindowHours: Int?
    public var waitlistCutoffMinutes: Int?
    public var lateCancelPolicy: LateCancelPolicy
    /// No-shows within 30 days that stop a member booking; nil: no limit.
    public var noShowLimit: Int?
    /// How long such a member waits after their last no-show; nil: 7 days.
    public var noShowBlockDays: Int?

    public init(
        bookingWindowHours: Int? = nil, cancellationWindowHours: Int? = nil, waitlistCutoffMinutes: Int? = nil,
        lateCancelPolicy: LateCancelPolicy = .forfeit, noShowLimit: Int? = nil, noShowBlockDays: Int? = nil
    ) {
        self.bookingWindowHours = bookingWindowHours
        self.cancellationWindowHours = cancellationWindowHours
        self.waitlistCutoffMinutes = waitlistCutoffMinutes
        self.lateCancelPolicy = lateCancelPolicy
        self.noShowLimit = noShowLimit
        self.noShowBlockDays = noShowBlockDays
    }
}

/// What an owner or admin may change about their gym; nil leaves a field as it is, and for the
/// settings `.some(nil)` returns one to the platform's default.
public struct GymChanges: Sendable {
    public var name: String?
    public var email: String?
    public var phone: String?
    public var address: Address?
    public var location: Location?
    /// The GeoNames place nearest a new location (its names become searchable).
    public var placeId: Int?
    public var timezone: String?
    public var marketplaceEnabled: Bool?
    public var bookingWindowHours: Int??
    public var cancellationWindowHours: Int??
    public var waitlistCutoffMinutes: Int??
    public var lateCancelPolicy: LateCancelPolicy?
    public var noShowLimit: Int??
    public var noShowBlockDays: Int??

    public init() {}
}

/// The windows a new session of a class opens with: the class's own, else its gym's, else the
/// platform's.
struct SessionWindows {
    var booking: Int
    var cancellation: Int

    static func of(classId: String, on db: any SQLConnection) throws -> SessionWindows {
        let row = try db.query(
            """
            SELECT COALESCE(c.booking_window_hours, t.booking_window_hours) AS booking,
                COALESCE(c.cancellation_window_hours, t.cancellation_window_hours) AS cancellation
            FROM classes c JOIN tenants t ON t.id = c.tenant_id WHERE c.id = $1
            """, .text(classId)
        ).first
        return SessionWindows(
            booking: Int(row?["booking"].integer ?? Int64(SessionSchedule.bookingWindowHours)),
            cancellation: Int(row?["cancellation"].integer ?? Int64(SessionSchedule.cancellationWindowHours))
        )
    }

    /// Gives the future sessions of a gym (or one class) the windows their class and gym now
    /// set, except those whose windows were set on the session itself.
    static func apply(tenant: String, classId: String?, now: Int64, on db: any SQLConnection) throws {
        var parameters: [SQLValue] = [.text(tenant), .integer(now)]
        if let classId { parameters.append(.text(classId)) }
        try db.query(
            """
            UPDATE class_schedules SET
                booking_window_hours = COALESCE(
                    (SELECT COALESCE(c.booking_window_hours, t.booking_window_hours) FROM classes c JOIN tenants t ON t.id = c.tenant_id
                     WHERE c.id = class_schedules.class_id), \(SessionSchedule.bookingWindowHours)),
                cancellation_window_hours = COALESCE(
                    (SELECT COALESCE(c.cancellation_window_hours, t.cancellation_window_hours) FROM classes c JOIN tenants t ON t.id = c.tenant_id
                     WHERE c.id = class_schedules.class_id), \(SessionSchedule.cancellationWindowHours))
            WHERE tenant_id = $1 AND start_time > $2 AND windows_overridden = 0\(classId == nil ? "" : " AND class_id = $3")
            """, parameters
        )
    }
}

extension CatalogStore {
    /// A gym's booking rules as set.
    public func settings(tenant: String) async throws -> GymSettings {
        try await database.transaction { db in
            try db.setContext(.system)
            guard let row = try db.query(
                """
                SELECT booking_window_hours, cancellation_window_hours, waitlist_cutoff_minutes, late_cancel_policy, no_show_limit,
                    no_show_block_days FROM tenants WHERE id = $1
                """, .text(tenant)
            ).first else { throw StoreError.notFound("gym") }
            return GymSettings(
                bookingWindowHours: row["booking_window_hours"].integer.map(Int.init),
                cancellationWindowHours: row["cancellation_window_hours"].integer.map(Int.init),
                waitlistCutoffMinutes: row["waitlist_cutoff_minutes"].integer.map(Int.init),
                lateCancelPolicy: row["late_cancel_policy"].text.flatMap(LateCancelPolicy.init) ?? .forfeit,
                noShowLimit: row["no_show_limit"].integer.map(Int.init), noShowBlockDays: row["no_show_block_days"].integer.map(Int.init)
            )
        }
    }

    /// Changes a gym: its owner or an admin. New windows reach its future sessions (those not
    /// set by hand); a new time zone moves its classes' future sessions to the same local times
    /// as a timetable change does. The index follows once the change commits. Returns the
    /// sessions kept because members booked them (a time zone change only).
    @discardableResult
    public func updateGym(tenant: String, staff: String, changes: GymChanges, until: Int64, now: Int64) async throws -> TimetableChange {
        try await feed.transaction(on: database) { db in
            try db.setContext(.tenant(tenant, user: staff))
            try Authorization.requireManager(staff, of: tenant, on: db)
            guard let current = try db.query("SELECT timezone FROM tenants WHERE id = $1", .text(tenant)).first else { throw StoreError.notFound("gym") }
            var update = PartialUpdate(table: "tenants", id: tenant)
            func set(_ column: String, _ value: SQLValue) { update.set(column, value) }
            if let v = changes.name { set("name", .text(v)) }
            if let v = changes.email { set("email", .text(v)) }
            if let v = changes.phone { set("phone", .text(v)) }
            if let a = changes.address {
                set("street", .text(a.street)); set("suburb", .text(a.suburb)); set("city", .text(a.city))
                set("province", .text(a.province)); set("postal_code", .text(a.postalCode)); set("country", .text(a.country))
            }
            if let l = changes.location { set("lat", .real(l.lat)); set("lng", .real(l.lng)) }
            if let v = changes.placeId { set("place_id", .integer(Int64(v))) }
            if let v = changes.timezone { set("timezone", .text(v)) }
            if let v = changes.marketplaceEnabled { set("marketplace_enabled", SQLValue(v)) }
            if let v = changes.bookingWindowHours { set("booking_window_hours", SQLValue(v.map(Int64.init))) }
            if let v = changes.cancellationWindowHours { set("cancellation_window_hours", SQLValue(v.map(Int64.init))) }
            if let v = changes.waitlistCutoffMinutes { set("waitlist_cutoff_minutes", SQLValue(v.map(Int64.init))) }
            if let v = changes.lateCancelPolicy { set("late_cancel_policy", .text(v.rawValue)) }
            if let v = changes.noShowLimit { set("no_show_limit", SQLValue(v.map(Int64.init))) }
            if let v = changes.noShowBlockDays { set("no_show_block_days", SQLValue(v.map(Int64.init))) }
            set("updated_at", .integer(now))
            try update.run(on: db)
            if changes.bookingWindowHours != nil || changes.cancellationWindowHours != nil {
                try SessionWindows.apply(tenant: tenant, classId: nil, now: now, on: db)
            }
            var outcome = TimetableChange()
            let oldZone = try current.text("timezone")
            if let zone = changes.timezone, zone != oldZone {
                for row in try db.query("SELECT id FROM classes WHERE tenant_id = $1 AND is_active = 1 ORDER BY id", .text(tenant)) {
                    guard let plan = try Self.classPlan(try row.text("id"), on: db) else { continue }
                    outcome.merge(try Self.retimetable(plan, from: (plan.timetable, oldZone), to: (plan.timetable, zone), until: until, now: now, on: db))
                }
            }
            return (outcome, [try CatalogChange.announceGym(tenant, on: db)])
        }
    }
}
