import Booking
public import Domain

/// Who works at which gym, and as what.
public struct StaffStore: Sendable {
    let database: any Database
}

extension StaffStore {
    /// Gives `user` a role at a gym (owner, admin, instructor), replacing any role they had there.
    public func grantRole(user: String, tenant: String, role: StaffRole) async throws {
        try await database.transaction { db in
            try db.setContext(.system)
            try db.query(
                """
                INSERT INTO user_tenant_roles (user_id, tenant_id, role) VALUES ($1, $2, $3)
                ON CONFLICT (user_id, tenant_id) DO UPDATE SET role = excluded.role
                """, .text(user), .text(tenant), .text(role.rawValue)
            )
        }
    }

    /// What `user` is at `tenant`, if anything: the one authorization step, typed.
    public func role(of user: String, at tenant: String) async throws -> StaffRole? {
        try await database.transaction { db in
            try db.setContext(.member(user))
            return try Authorization.role(of: user, at: tenant, on: db)
        }
    }
}
