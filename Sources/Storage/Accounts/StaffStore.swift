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

    /// Every gym where `user` is staff, and as what: what their access token names.
    public func roles(of user: String) async throws -> [String: StaffRole] {
        try await database.transaction { db in
            try db.setContext(.member(user))
            var roles: [String: StaffRole] = [:]
            for row in try db.query("SELECT tenant_id, role FROM user_tenant_roles WHERE user_id = $1", .text(user)) {
                roles[try row.text("tenant_id")] = try row.value("role", as: StaffRole.self)
            }
            return roles
        }
    }

    /// Whether `user` belongs at `tenant`: staff there, or a member (credits or a booking there).
    public func belongs(_ user: String, to tenant: String) async throws -> Bool {
        try await database.transaction { db in
            try db.setContext(.member(user))
            if try Authorization.role(of: user, at: tenant, on: db) != nil { return true }
            return try !db.query(
                """
                SELECT 1 FROM member_credits WHERE user_id = $1 AND tenant_id = $2
                UNION ALL SELECT 1 FROM bookings WHERE user_id = $1 AND tenant_id = $2 LIMIT 1
                """, .text(user), .text(tenant)
            ).isEmpty
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
