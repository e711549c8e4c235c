import Domain
import Foundation

/// Finding gyms and sessions by what the API is given, and what changed since a moment.
extension CatalogStore {
    /// A gym by its slug.
    public func tenant(slug: String) async throws -> StoredGym? {
        guard let id = try await tenantId(slug: slug) else { return nil }
        return try await gyms(from: 0, to: 0, tenant: id).first
    }

    /// The id of the gym with this slug: all that the routes under `/tenants/{slug}` need first.
    public func tenantId(slug: String) async throws -> String? {
        try await database.transaction { db in
            try db.setContext(.system)
            return try db.query("SELECT id FROM tenants WHERE slug = $1", .text(slug)).first?["id"].text
        }
    }

    /// The gym a session belongs to, if the session exists.
    public func sessionTenant(_ sessionId: String) async throws -> String? {
        try await database.transaction { db in
            try db.setContext(.system)
            return try db.query("SELECT tenant_id FROM class_schedules WHERE id = $1", .text(sessionId)).first?["tenant_id"].text
        }
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
                              isCancelled: try $0.value("status", as: SessionStatus.self) == .cancelled)
            }
        }
    }
}
