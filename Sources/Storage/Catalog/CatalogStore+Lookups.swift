import Domain
import Foundation

/// Finding gyms and sessions by what the API is given, and what changed since a moment.
extension CatalogStore {
    /// A gym by its slug.
    public func tenant(slug: String) async throws -> StoredGym? {
        guard let id = try await tenantId(slug: slug) else { return nil }
        return try await gyms(from: 0, to: 0, tenant: id).first
    }

    /// The id and slug of the first open marketplace gym by slug in `city`, else anywhere: how
    /// the demo picks its gym, the same on every machine, without reading the whole catalog.
    public func firstOpenGym(preferring city: String) async throws -> (id: String, slug: String)? {
        try await database.transaction { db in
            try db.setContext(.system)
            return try db.query(
                """
                SELECT id, slug FROM tenants WHERE marketplace_enabled = 1 AND status = 'active'
                ORDER BY CASE WHEN city = $1 THEN 0 ELSE 1 END, slug LIMIT 1
                """, .text(city)
            ).first.map { (try $0.text("id"), try $0.text("slug")) }
        }
    }

    /// The id of the gym with this slug: all that the routes under `/tenants/{slug}` need first.
    public func tenantId(slug: String) async throws -> String? {
        try await database.transaction { db in
            try db.setContext(.system)
            return try db.query("SELECT id FROM tenants WHERE slug = $1", .text(slug)).first?["id"].text
        }
    }

    /// What selling at a gym needs: its name, its country and the currency set for it (nil:
    /// its country's).
    public func gymCommerce(_ tenant: String) async throws -> GymCommerce? {
        try await database.transaction { db in
            try db.setContext(.system)
            return try db.query("SELECT id, slug, name, country, currency FROM tenants WHERE id = $1", .text(tenant)).first.map {
                try GymCommerce(id: $0.text("id"), slug: $0.text("slug"), name: $0.text("name"), country: $0.text("country"), currency: $0["currency"].text)
            }
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

    /// Gyms created, or whose details or classes changed, at or after `since`: with the
    /// sessions' changes, what a server that stopped hearing announcements reloads.
    public func gymChanges(since: Int64) async throws -> [String] {
        try await database.transaction { db in
            try db.setContext(.system)
            return try db.query(
                """
                SELECT id FROM tenants WHERE created_at >= $1 OR updated_at >= $1
                UNION SELECT tenant_id FROM classes WHERE updated_at >= $1
                """, .integer(since)
            ).map { try $0.text("id") }
        }
    }
}

/// A gym as a seller: who it is and the currency it sells in.
public struct GymCommerce: Equatable, Sendable {
    public var id: String
    public var slug: String
    public var name: String
    public var country: String
    /// Set for the gym; nil means its country's.
    public var currency: String?
}
