public import Datasets
import Domain
import Foundation
import SQL

/// What a dataset import wrote.
public struct ImportSummary: Equatable, Sendable {
    public var tenants: Int
    public var classes: Int
    public var sessions: Int
    public var users: Int
}

extension CatalogStore {
    /// Fills the store from a dataset: gyms, instructors with their roles, classes, and the
    /// sessions their timetables give in [`from`, `to`). Existing rows are left as they are,
    /// so importing twice changes nothing.
    @discardableResult
    public func importDataset(_ dataset: Dataset, from: Int64, to: Int64, now: Int64) async throws -> ImportSummary {
        try await database.transaction { db in
            try db.setContext(.system)
            var summary = ImportSummary(tenants: 0, classes: 0, sessions: 0, users: 0)
            var zones: [String: String] = [:]
            for t in dataset.tenants {
                zones[t.id] = t.timezone
                try Self.insertTenant(t, now: now, on: db)
                summary.tenants += db.changes
            }
            for u in dataset.users {
                try db.query(
                    """
                    INSERT INTO users (id, email, first_name, last_name, phone, created_at) VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (id) DO NOTHING
                    """, .text(u.id), .text(u.email.lowercased()), .text(u.firstName), .text(u.lastName), .text(u.phone), .integer(now)
                )
                summary.users += db.changes
                try db.query(
                    "INSERT INTO user_tenant_roles (user_id, tenant_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    .text(u.id), .text(u.tenantId), .text(u.role.rawValue)
                )
            }
            let encoder = JSONLines.encoder()
            var clocks = ZoneClocks()
            for (index, c) in dataset.classes.enumerated() {
                guard let zone = zones[c.tenantId] else { continue }
                try db.query(
                    """
                    INSERT INTO classes (id, tenant_id, name, description, class_type, instructor_id, duration_minutes, max_capacity,
                        difficulty_level, credits_required, equipment_needed, is_active, weekly_slots)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
                    ON CONFLICT (id) DO NOTHING
                    """,
                    .text(c.id), .text(c.tenantId), .text(c.name), .text(c.description), .text(c.classType.rawValue),
                    .text(c.instructorId), .integer(Int64(c.durationMinutes)), .integer(Int64(c.maxCapacity)),
                    .text(c.difficultyLevel.rawValue), .integer(Int64(c.creditsRequired)),
                    .text(String(decoding: try encoder.encode(c.equipmentNeeded), as: UTF8.self)), SQLValue(c.isActive),
                    .text(String(decoding: try encoder.encode(c.weeklySlots), as: UTF8.self))
                )
                summary.classes += db.changes
                let sessions = SessionSchedule.occurrences(
                    of: c, classIndex: index, zone: zone, clocks: &clocks, from: from, to: to, seed: dataset.manifest.seed
                )
                for s in sessions {
                    try db.query(
                        """
                        INSERT INTO class_schedules (id, tenant_id, class_id, start_time, end_time, capacity, available_spots,
                            booking_window_hours, cancellation_window_hours, status)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
                        ON CONFLICT (class_id, start_time) DO NOTHING
                        """,
                        .text(SessionSchedule.sessionID(classId: c.id, start: s.start)), .text(c.tenantId), .text(c.id),
                        .integer(s.start), .integer(s.end), .integer(Int64(s.capacity)), .integer(Int64(s.availableSpots)),
                        .integer(Int64(SessionSchedule.bookingWindowHours)), .integer(Int64(SessionSchedule.cancellationWindowHours)),
                        .text(s.status)
                    )
                    summary.sessions += db.changes
                }
            }
            return summary
        }
    }
}
