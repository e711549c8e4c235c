public import Datasets
public import Domain
import Foundation
import SQL

/// One gym as the store holds it: what the search index is built from.
public struct StoredGym: Sendable {
    public var tenant: Tenant
    public var classes: [FitnessClass]
    public var instructors: [User]
    /// Sessions in the window read; `classIndex` counts within `classes`.
    public var sessions: [SessionOccurrence]
}

extension CatalogStore {
    /// The catalog: every gym (or one) with its classes, instructors and the sessions that start
    /// in [`from`, `to`), with their spots as they stand.
    public func gyms(from: Int64, to: Int64, tenant: String? = nil) async throws -> [StoredGym] {
        try await database.transaction { db in
            try db.setContext(.system)
            let decoder = JSONDecoder()
            let only = SQLValue(tenant)
            var gyms: [String: StoredGym] = [:]
            var order: [String] = []
            for row in try db.query(
                """
                SELECT id, name, slug, email, phone, street, suburb, city, province, postal_code, country, lat, lng, timezone,
                    subscription_tier, marketplace_enabled, status, place_id FROM tenants WHERE CAST($1 AS TEXT) IS NULL OR id = $1 ORDER BY id
                """, only
            ) {
                let t = try Tenant(
                    id: row.text("id"), name: row.text("name"), slug: row.text("slug"), email: row.text("email"),
                    phone: row.text("phone"),
                    address: Address(
                        street: row.text("street"), suburb: row.text("suburb"), city: row.text("city"),
                        province: row.text("province"), postalCode: row.text("postal_code"), country: row.text("country")
                    ),
                    location: Location(lat: row.double("lat"), lng: row.double("lng")), timezone: row.text("timezone"),
                    subscriptionTier: row.value("subscription_tier", as: SubscriptionTier.self), marketplaceEnabled: row["marketplace_enabled"].integer == 1,
                    status: row.value("status", as: TenantStatus.self), placeId: Int(row["place_id"].integer ?? 0)
                )
                gyms[t.id] = StoredGym(tenant: t, classes: [], instructors: [], sessions: [])
                order.append(t.id)
            }
            var classIndex: [String: Int] = [:]
            for row in try db.query(
                """
                SELECT id, tenant_id, name, description, class_type, instructor_id, duration_minutes, max_capacity, difficulty_level,
                    credits_required, equipment_needed, is_active, weekly_slots FROM classes WHERE CAST($1 AS TEXT) IS NULL OR tenant_id = $1 ORDER BY id
                """, only
            ) {
                guard let tenantId = row["tenant_id"].text, gyms[tenantId] != nil,
                    let type = row["class_type"].text.flatMap(ClassType.init), let level = row["difficulty_level"].text.flatMap(Difficulty.init)
                else { continue }
                let c = try FitnessClass(
                    id: row.text("id"), tenantId: tenantId, name: row.text("name"), description: row.text("description"),
                    classType: type, instructorId: row["instructor_id"].text ?? "", durationMinutes: row.int("duration_minutes"),
                    maxCapacity: row.int("max_capacity"), difficultyLevel: level,
                    creditsRequired: row.int("credits_required"),
                    equipmentNeeded: (try? decoder.decode([String].self, from: Data(row.text("equipment_needed").utf8))) ?? [],
                    isActive: row["is_active"].integer == 1,
                    weeklySlots: (try? decoder.decode([WeeklySlot].self, from: Data(row.text("weekly_slots").utf8))) ?? []
                )
                classIndex[c.id] = gyms[tenantId]!.classes.count
                gyms[tenantId]!.classes.append(c)
            }
            for row in try db.query(
                """
                SELECT u.id, u.email, u.first_name, u.last_name, u.phone, r.tenant_id, r.role
                FROM user_tenant_roles r JOIN users u ON u.id = r.user_id
                WHERE r.role = 'instructor' AND (CAST($1 AS TEXT) IS NULL OR r.tenant_id = $1) ORDER BY u.id
                """, only
            ) {
                guard let tenantId = row["tenant_id"].text, gyms[tenantId] != nil else { continue }
                try gyms[tenantId]!.instructors.append(User(
                    id: row.text("id"), tenantId: tenantId, email: row.text("email"), firstName: row.text("first_name"),
                    lastName: row.text("last_name"), phone: row["phone"].text ?? "", role: row.value("role", as: StaffRole.self)
                ))
            }
            for row in try db.query(
                """
                SELECT tenant_id, class_id, start_time, end_time, capacity, available_spots, status FROM class_schedules
                WHERE start_time >= $1 AND start_time < $2 AND (CAST($3 AS TEXT) IS NULL OR tenant_id = $3) ORDER BY class_id, start_time
                """, .integer(from), .integer(to), only
            ) {
                guard let tenantId = row["tenant_id"].text, gyms[tenantId] != nil, let index = row["class_id"].text.flatMap({ classIndex[$0] })
                else { continue }
                try gyms[tenantId]!.sessions.append(SessionOccurrence(
                    classIndex: index, start: row.int64("start_time"), end: row.int64("end_time"),
                    capacity: row.int("capacity"), availableSpots: row.int("available_spots"),
                    isCancelled: try row.value("status", as: SessionStatus.self) == .cancelled
                ))
            }
            return order.map { gyms[$0]! }
        }
    }

    /// Whether the store holds any gym yet (a new embedded store is filled from the demo).
    public func isEmpty() async throws -> Bool {
        try await database.transaction { db in
            try db.setContext(.system)
            return try db.query("SELECT 1 FROM tenants LIMIT 1").isEmpty
        }
    }
}
