import Booking
import Domain
import SQL

/// The one place a role is read: what a user is at a gym, as a `StaffRole`, in the
/// transaction that acts on it.
enum Authorization {
    static func role(of user: String, at tenant: String, on db: any SQLConnection) throws -> StaffRole? {
        guard let row = try db.query("SELECT role FROM user_tenant_roles WHERE user_id = $1 AND tenant_id = $2", .text(user), .text(tenant)).first
        else { return nil }
        return try row.value("role", as: StaffRole.self)
    }

    /// The user's role, if it passes `allowed`; otherwise the refusal a client sees (403).
    @discardableResult
    static func require(_ user: String, at tenant: String, on db: any SQLConnection, _ allowed: (StaffRole) -> Bool) throws -> StaffRole {
        guard let role = try role(of: user, at: tenant, on: db), allowed(role) else { throw StoreError.refused(.forbidden) }
        return role
    }

    /// The gym's owner or an admin.
    static func requireManager(_ user: String, of tenant: String, on db: any SQLConnection) throws {
        try require(user, at: tenant, on: db, \.canManage)
    }
}
