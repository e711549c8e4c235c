public import Datasets
import Foundation

/// One gym as the store holds it: what the search index is built from.
public struct StoredGym: Sendable {
    public var tenant: Tenant
    public var classes: [FitnessClass]
    public var instructors: [User]
    /// Sessions in the window read; `classIndex` counts within `classes`.
    public var sessions: [SessionOccurrence]
}

extension BookingStore {
    /// The catalog: every gym (or one) with its classes, instructors and the sessions that start
    /// in [`from`, `to`), with their spots as they stand.
    public func catalog(from: Int64, to: Int64, tenant: String? = nil) async throws -> [StoredGym] {
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
                let t = Tenant(
                    id: row["id"].text!, name: row["name"].text!, slug: row["slug"].text!, email: row["email"].text!,
                    phone: row["phone"].text!,
                    address: Address(
                        street: row["street"].text!, suburb: row["suburb"].text!, city: row["city"].text!,
                        province: row["province"].text!, postalCode: row["postal_code"].text!, country: row["country"].text!
                    ),
                    location: Location(lat: row["lat"].real!, lng: row["lng"].real!), timezone: row["timezone"].text!,
                    subscriptionTier: row["subscription_tier"].text!, marketplaceEnabled: row["marketplace_enabled"].integer == 1,
                    status: row["status"].text!, placeId: Int(row["place_id"].integer ?? 0)
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
                let c = FitnessClass(
                    id: row["id"].text!, tenantId: tenantId, name: row["name"].text!, description: row["description"].text!,
                    classType: type, instructorId: row["instructor_id"].text ?? "", durationMinutes: Int(row["duration_minutes"].integer!),
                    maxCapacity: Int(row["max_capacity"].integer!), difficultyLevel: level,
                    creditsRequired: Int(row["credits_required"].integer!),
                    equipmentNeeded: (try? decoder.decode([String].self, from: Data(row["equipment_needed"].text!.utf8))) ?? [],
                    isActive: row["is_active"].integer == 1,
                    weeklySlots: (try? decoder.decode([WeeklySlot].self, from: Data(row["weekly_slots"].text!.utf8))) ?? []
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
                gyms[tenantId]!.instructors.append(User(
                    id: row["id"].text!, tenantId: tenantId, email: row["email"].text!, firstName: row["first_name"].text!,
                    lastName: row["last_name"].text!, phone: row["phone"].text ?? "", role: row["role"].text!
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
                gyms[tenantId]!.sessions.append(SessionOccurrence(
                    classIndex: index, start: row["start_time"].integer!, end: row["end_time"].integer!,
                    capacity: Int(row["capacity"].integer!), availableSpots: Int(row["available_spots"].integer!),
                    isCancelled: row["status"].text == "cancelled"
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
