import Booking
import Datasets
public import Domain
import Foundation
import SQL

/// The catalog: gyms, their classes with weekly timetables, and sessions, as the search index
/// is built from them, and gyms running their own. Every change is announced so each server's
/// index reloads the gym.
public struct CatalogStore: Sendable {
    let database: any Database
    let feed: ChangeFeed
    /// What promoting a waitlisted member into a new spot charges with (as bookings do).
    let currencies: Currencies
    let rates: CommissionRates
    let promotionCutoffSeconds: Int64
}

extension CatalogStore {
    /// Creates a gym owned by `owner`. Throws `conflict` when the slug is taken.
    /// - Parameter currency: the gym's own currency; nil follows its country's.
    public func createGym(_ tenant: Tenant, owner: String, currency: String? = nil, now: Int64) async throws {
        try await feed.transaction(on: database) { db in
            try db.setContext(.system)
            guard try db.query("SELECT 1 FROM tenants WHERE slug = $1", .text(tenant.slug)).isEmpty else {
                throw StoreError.conflict("a gym with the slug '\(tenant.slug)' already exists")
            }
            try Self.insertTenant(tenant, now: now, on: db)
            if let currency { try db.query("UPDATE tenants SET currency = $2 WHERE id = $1", .text(tenant.id), .text(currency)) }
            try db.query(
                "INSERT INTO user_tenant_roles (user_id, tenant_id, role) VALUES ($1, $2, 'owner')", .text(owner), .text(tenant.id)
            )
            return ((), [try CatalogChange.announceGym(tenant.id, on: db)])
        }
    }

    /// Adds a class, and its sessions from now to `until` by its weekly timetable, all open.
    /// Only the gym's owner or an admin may.
    @discardableResult
    public func createClass(_ fitnessClass: FitnessClass, staff: String, until: Int64, now: Int64) async throws -> Int {
        try await feed.transaction(on: database) { db in
            try db.setContext(.tenant(fitnessClass.tenantId, user: staff))
            try Authorization.requireManager(staff, of: fitnessClass.tenantId, on: db)
            if !fitnessClass.instructorId.isEmpty { try Self.requireInstructor(fitnessClass.instructorId, at: fitnessClass.tenantId, on: db) }
            let encoder = JSONLines.encoder()
            try db.query(
                """
                INSERT INTO classes (id, tenant_id, name, description, class_type, instructor_id, duration_minutes, max_capacity,
                    difficulty_level, credits_required, equipment_needed, is_active, weekly_slots, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)
                """,
                .text(fitnessClass.id), .text(fitnessClass.tenantId), .text(fitnessClass.name), .text(fitnessClass.description),
                .text(fitnessClass.classType.rawValue), SQLValue(fitnessClass.instructorId.isEmpty ? nil : fitnessClass.instructorId),
                .integer(Int64(fitnessClass.durationMinutes)), .integer(Int64(fitnessClass.maxCapacity)),
                .text(fitnessClass.difficultyLevel.rawValue), .integer(Int64(fitnessClass.creditsRequired)),
                .text(String(decoding: try encoder.encode(fitnessClass.equipmentNeeded), as: UTF8.self)), SQLValue(fitnessClass.isActive),
                .text(String(decoding: try encoder.encode(fitnessClass.weeklySlots), as: UTF8.self)), .integer(now)
            )
            let added = try Self.materialize(fitnessClass, from: now, to: until, now: now, on: db)
            return (added, [try CatalogChange.announceGym(fitnessClass.tenantId, on: db)])
        }
    }

    /// Adds one session of a class at `start`, open to book. Returns its id.
    public func addSession(classId: String, tenant: String, start: Int64, staff: String, now: Int64) async throws -> String {
        try await feed.transaction(on: database) { db in
            try db.setContext(.tenant(tenant, user: staff))
            try Authorization.requireManager(staff, of: tenant, on: db)
            guard let row = try db.query(
                "SELECT duration_minutes, max_capacity FROM classes WHERE id = $1 AND tenant_id = $2", .text(classId), .text(tenant)
            ).first else { throw StoreError.notFound("class") }
            guard start > now else { throw StoreError.invalid("start_time must be in the future") }
            let id = SessionSchedule.sessionID(classId: classId, start: start)
            let capacity = try row.int64("max_capacity")
            let windows = try SessionWindows.of(classId: classId, on: db)
            try db.query(
                """
                INSERT INTO class_schedules (id, tenant_id, class_id, start_time, end_time, capacity, available_spots,
                    booking_window_hours, cancellation_window_hours, status, spots_updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, 'scheduled', $9)
                """,
                .text(id), .text(tenant), .text(classId), .integer(start), .integer(start + row.int64("duration_minutes") * 60),
                .integer(capacity), .integer(Int64(windows.booking)), .integer(Int64(windows.cancellation)), .integer(now)
            )
            return (id, [try CatalogChange.announceGym(tenant, on: db)])
        }
    }

    /// Materializes every active class's weekly timetable into sessions up to `until` (those
    /// already there are left alone): the rolling horizon. Returns the gyms that gained sessions,
    /// each announced.
    @discardableResult
    public func extendSchedules(until: Int64, now: Int64) async throws -> Int {
        try await feed.transaction(on: database) { db in
            try db.setContext(.system)
            let decoder = JSONDecoder()
            var changed: Set<String> = []
            for row in try db.query(
                """
                SELECT c.id, c.tenant_id, c.duration_minutes, c.max_capacity, c.weekly_slots, t.timezone,
                    (SELECT MAX(s.start_time) FROM class_schedules s WHERE s.class_id = c.id) AS last_start
                FROM classes c JOIN tenants t ON t.id = c.tenant_id WHERE c.is_active = 1 AND t.status = 'active'
                """
            ) {
                let from = max(now, (row["last_start"].integer ?? now - 1) + 1)
                guard from < until,
                    let slots = try? decoder.decode([WeeklySlot].self, from: Data(row.text("weekly_slots").utf8)), !slots.isEmpty
                else { continue }
                let added = try Self.insertSessions(
                    classId: row.text("id"), tenant: row.text("tenant_id"), timetable: Timetable(slots),
                    duration: row.int("duration_minutes"), capacity: row.int("max_capacity"),
                    zone: row.text("timezone"), from: from, to: until, now: now, on: db
                )
                if added > 0 { changed.insert(try row.text("tenant_id")) }
            }
            return (changed.count, try changed.sorted().map { try CatalogChange.announceGym($0, on: db) })
        }
    }

    // MARK: Internals

    /// A class's or session's instructor must work at its gym.
    static func requireInstructor(_ user: String, at tenant: String, on db: any SQLConnection) throws {
        guard try Authorization.role(of: user, at: tenant, on: db)?.isStaff == true else {
            throw StoreError.invalid("instructor_id must be someone on this gym's staff (invite them first)")
        }
    }

    static func materialize(_ c: FitnessClass, from: Int64, to: Int64, now: Int64, on db: any SQLConnection) throws -> Int {
        guard c.isActive, let zone = try db.query("SELECT timezone FROM tenants WHERE id = $1", .text(c.tenantId)).first?["timezone"].text
        else { return 0 }
        return try insertSessions(
            classId: c.id, tenant: c.tenantId, timetable: Timetable(c.weeklySlots), duration: c.durationMinutes, capacity: c.maxCapacity,
            zone: zone, from: from, to: to, now: now, on: db
        )
    }

    /// Inserts a timetable's sessions in [`from`, `to`), all open; returns how many were new.
    static func insertSessions(
        classId: String, tenant: String, timetable: Timetable, duration: Int, capacity: Int, zone: String, from: Int64, to: Int64,
        now: Int64, on db: any SQLConnection
    ) throws -> Int {
        let windows = try SessionWindows.of(classId: classId, on: db)
        var clocks = ZoneClocks()
        var added = 0
        for s in SessionSchedule.occurrences(
            classId: classId, timetable: timetable, classIndex: 0, durationMinutes: duration, capacity: capacity, zone: zone,
            clocks: &clocks, from: from, to: to, seed: 0
        ) {
            try db.query(
                """
                INSERT INTO class_schedules (id, tenant_id, class_id, start_time, end_time, capacity, available_spots,
                    booking_window_hours, cancellation_window_hours, status, spots_updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $6, $7, $8, 'scheduled', $9)
                ON CONFLICT (class_id, start_time) DO NOTHING
                """,
                .text(SessionSchedule.sessionID(classId: classId, start: s.start)), .text(tenant), .text(classId), .integer(s.start),
                .integer(s.end), .integer(Int64(capacity)), .integer(Int64(windows.booking)), .integer(Int64(windows.cancellation)), .integer(now)
            )
            added += db.changes
        }
        return added
    }

    static func insertTenant(_ t: Tenant, now: Int64, on db: any SQLConnection) throws {
        try db.query(
            """
            INSERT INTO tenants (id, name, slug, email, phone, street, suburb, city, province, postal_code, country, lat, lng,
                timezone, subscription_tier, marketplace_enabled, status, place_id, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
            ON CONFLICT (id) DO NOTHING
            """,
            .text(t.id), .text(t.name), .text(t.slug), .text(t.email), .text(t.phone), .text(t.address.street),
            .text(t.address.suburb), .text(t.address.city), .text(t.address.province), .text(t.address.postalCode),
            .text(t.address.country), .real(t.location.lat), .real(t.location.lng), .text(t.timezone),
            .text(t.subscriptionTier.rawValue), SQLValue(t.marketplaceEnabled), .text(t.status.rawValue), .integer(Int64(t.placeId)), .integer(now)
        )
    }

}
