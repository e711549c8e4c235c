import Booking
public import Domain
import Foundation
import SQL

/// Someone on a gym's staff.
public struct StaffMember: Equatable, Sendable {
    public var userId: String
    public var firstName: String
    public var lastName: String
    public var role: StaffRole
    /// When they took the role (nil for roles granted before this was recorded).
    public var since: Int64?
}

/// An owner's or admin's invitation to join a gym's staff, matched to the invitee by the email
/// or phone it names once they have proved that contact.
public struct StaffInvite: Equatable, Sendable {
    public enum Status: String, Sendable, Codable { case pending, accepted, revoked }
    public var id: String
    public var tenantId: String
    public var tenantName: String
    public var role: StaffRole
    public var email: String?
    public var phone: String?
    public var invitedBy: String
    public var status: Status
    public var createdAt: Int64
    public var expiresAt: Int64
}

/// One change to a gym's staff: who did what to whom, and when.
public struct StaffAuditEntry: Equatable, Sendable {
    public var actorId: String
    public var action: String
    public var subjectId: String?
    public var role: StaffRole?
    public var detail: String
    public var createdAt: Int64
}

/// Where an invitation goes: an email address or a phone number (E.164).
public enum StaffContact: Sendable, Equatable {
    case email(String)
    case phone(String)
}

extension StaffStore {
    /// How long an invitation may wait for its answer.
    public static let inviteLifetimeSeconds: Int64 = 14 * 86_400

    /// Invites `contact` to be `role` at `tenant`. Owners invite admins and instructors, admins
    /// instructors. An earlier pending invitation of the same contact is replaced. The invitee
    /// is told by the outbox: on their own account's channel if the contact is already theirs.
    public func invite(_ contact: StaffContact, as role: StaffRole, tenant: String, by actor: String, now: Int64) async throws -> StaffInvite {
        guard role == .admin || role == .instructor else { throw StoreError.invalid("role must be admin or instructor (an owner is made by transferring ownership)") }
        return try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: actor))
            let actorRole = try Authorization.require(actor, at: tenant, on: db, \.canManage)
            if role == .admin && actorRole != .owner { throw StoreError.refused(.forbidden) }
            let (email, phone): (String?, String?) = switch contact {
            case .email(let e): (e, nil)
            case .phone(let p): (nil, p)
            }
            try db.query(
                """
                UPDATE staff_invites SET status = 'revoked', updated_at = $4
                WHERE tenant_id = $1 AND status = 'pending' AND (email = $2 OR phone = $3)
                """, .text(tenant), SQLValue(email), SQLValue(phone), .integer(now)
            )
            let id = UUID().uuidString.lowercased()
            try db.query(
                """
                INSERT INTO staff_invites (id, tenant_id, role, email, phone, invited_by, status, created_at, expires_at, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8, $7)
                """, .text(id), .text(tenant), .text(role.rawValue), SQLValue(email), SQLValue(phone), .text(actor), .integer(now),
                .integer(now + Self.inviteLifetimeSeconds)
            )
            try Self.audit(tenant, actor: actor, "invited", subject: nil, role: role, detail: email ?? phone ?? "", now: now, on: db)
            let gym = try db.one("SELECT name FROM tenants WHERE id = $1", .text(tenant)).text("name")
            // Tell the invitee: on their account if the contact is already someone's, else to the contact itself.
            try db.setContext(.system)
            let existing = try db.query(
                email != nil ? "SELECT id FROM users WHERE email = $1" : "SELECT id FROM users WHERE login_phone = $1", .text(email ?? phone!)
            ).first?["id"].text
            var fields = ["invite_id": id, "gym": gym, "role": role.rawValue]
            if existing == nil {
                if let email { fields["to_email"] = email }
                if let phone { fields["to_phone"] = phone }
            }
            try OutboxRows.message(to: existing, kind: "staff_invite", fields: fields, now: now, on: db)
            return StaffInvite(
                id: id, tenantId: tenant, tenantName: gym, role: role, email: email, phone: phone, invitedBy: actor, status: .pending,
                createdAt: now, expiresAt: now + Self.inviteLifetimeSeconds
            )
        }
    }

    /// Withdraws a pending invitation.
    public func revokeInvite(_ id: String, tenant: String, by actor: String, now: Int64) async throws {
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: actor))
            try Authorization.requireManager(actor, of: tenant, on: db)
            try db.query(
                "UPDATE staff_invites SET status = 'revoked', updated_at = $3 WHERE id = $1 AND tenant_id = $2 AND status = 'pending'",
                .text(id), .text(tenant), .integer(now)
            )
            guard db.changes == 1 else { throw StoreError.notFound("pending invitation") }
            try Self.audit(tenant, actor: actor, "invite_revoked", subject: nil, role: nil, detail: id, now: now, on: db)
        }
    }

    /// The pending, unexpired invitations addressed to a contact `user` has proved.
    public func invites(for user: String, now: Int64) async throws -> [StaffInvite] {
        try await database.transaction { db in
            try db.setContext(.system)
            return try Self.invites(for: user, id: nil, now: now, on: db)
        }
    }

    /// Accepts an invitation addressed to one of `user`'s proved contacts: they take its role
    /// (an owner keeps ownership; another role is replaced).
    public func accept(invite id: String, user: String, now: Int64) async throws -> StaffInvite {
        try await database.transaction { db in
            try db.setContext(.system)
            guard var invite = try Self.invites(for: user, id: id, now: now, on: db).first else {
                throw StoreError.notFound("pending invitation for your verified email or phone")
            }
            if try Authorization.role(of: user, at: invite.tenantId, on: db) == .owner {
                throw StoreError.conflict("you own this gym already; transfer ownership first")
            }
            try Self.setRole(user, invite.role, tenant: invite.tenantId, now: now, on: db)
            try db.query(
                "UPDATE staff_invites SET status = 'accepted', accepted_by = $2, updated_at = $3 WHERE id = $1",
                .text(id), .text(user), .integer(now)
            )
            try Self.audit(invite.tenantId, actor: user, "invite_accepted", subject: user, role: invite.role, detail: id, now: now, on: db)
            invite.status = .accepted
            return invite
        }
    }

    /// The gym's staff, owner first, and its pending invitations. Any of its staff may look.
    public func team(tenant: String, viewer: String, now: Int64) async throws -> (staff: [StaffMember], invites: [StaffInvite]) {
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: viewer))
            try Authorization.require(viewer, at: tenant, on: db, \.isStaff)
            let staff = try db.query(
                """
                SELECT r.user_id, r.role, r.granted_at, u.first_name, u.last_name FROM user_tenant_roles r JOIN users u ON u.id = r.user_id
                WHERE r.tenant_id = $1 AND r.role <> 'member'
                ORDER BY CASE r.role WHEN 'owner' THEN 0 WHEN 'admin' THEN 1 ELSE 2 END, u.first_name, u.last_name, r.user_id
                """, .text(tenant)
            ).map {
                try StaffMember(
                    userId: $0.text("user_id"), firstName: $0.text("first_name"), lastName: $0.text("last_name"),
                    role: $0.value("role", as: StaffRole.self), since: $0["granted_at"].integer
                )
            }
            let invites = try db.query(
                """
                SELECT i.id, i.tenant_id, t.name AS tenant_name, i.role, i.email, i.phone, i.invited_by, i.status, i.created_at, i.expires_at
                FROM staff_invites i JOIN tenants t ON t.id = i.tenant_id
                WHERE i.tenant_id = $1 AND i.status = 'pending' AND i.expires_at > $2 ORDER BY i.created_at
                """, .text(tenant), .integer(now)
            ).map(Self.invite)
            return (staff, invites)
        }
    }

    /// Changes a staff member's role. Only the owner may; giving `owner` transfers ownership
    /// (the old owner becomes an admin), so a gym always has exactly one owner.
    public func changeRole(of user: String, to role: StaffRole, tenant: String, by actor: String, now: Int64) async throws {
        guard role != .member else { throw StoreError.invalid("role must be owner, admin or instructor; to remove someone, DELETE them") }
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: actor))
            try Authorization.require(actor, at: tenant, on: db) { $0 == .owner }
            guard let current = try Authorization.role(of: user, at: tenant, on: db), current.isStaff else { throw StoreError.notFound("staff member") }
            guard current != role else { return }
            try db.setContext(.system)
            if role == .owner {
                try Self.setRole(actor, .admin, tenant: tenant, now: now, on: db)
                try Self.setRole(user, .owner, tenant: tenant, now: now, on: db)
                try Self.audit(tenant, actor: actor, "ownership_transferred", subject: user, role: .owner, detail: "", now: now, on: db)
            } else {
                guard current != .owner else { throw StoreError.conflict("a gym needs its owner: transfer ownership to someone else first") }
                try Self.setRole(user, role, tenant: tenant, now: now, on: db)
                try Self.audit(tenant, actor: actor, "role_changed", subject: user, role: role, detail: "was \(current.rawValue)", now: now, on: db)
            }
        }
    }

    /// Takes someone off a gym's staff: the owner removes anyone but themself, an admin removes
    /// instructors, and anyone but the owner may leave. Classes and sessions they taught lose
    /// their instructor, since a class's instructor must work at its gym.
    public func remove(_ user: String, tenant: String, by actor: String, now: Int64) async throws {
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: actor))
            let actorRole = try Authorization.require(actor, at: tenant, on: db, \.isStaff)
            guard let current = try Authorization.role(of: user, at: tenant, on: db), current.isStaff else { throw StoreError.notFound("staff member") }
            if current == .owner { throw StoreError.conflict("a gym needs its owner: transfer ownership before leaving") }
            let allowed = user == actor || actorRole == .owner || (actorRole == .admin && current == .instructor)
            guard allowed else { throw StoreError.refused(.forbidden) }
            try db.query("UPDATE classes SET instructor_id = NULL, updated_at = $3 WHERE tenant_id = $1 AND instructor_id = $2", .text(tenant), .text(user), .integer(now))
            try db.query(
                "UPDATE class_schedules SET instructor_id = NULL WHERE tenant_id = $1 AND instructor_id = $2 AND start_time > $3",
                .text(tenant), .text(user), .integer(now)
            )
            try db.setContext(.system)
            try db.query("DELETE FROM user_tenant_roles WHERE user_id = $1 AND tenant_id = $2", .text(user), .text(tenant))
            try Self.audit(tenant, actor: actor, user == actor ? "left" : "removed", subject: user, role: current, detail: "", now: now, on: db)
        }
    }

    /// Every change to the gym's staff, newest first: for its owner and admins.
    public func audit(tenant: String, viewer: String, limit: Int = 200) async throws -> [StaffAuditEntry] {
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: viewer))
            try Authorization.requireManager(viewer, of: tenant, on: db)
            return try db.query(
                "SELECT actor_id, action, subject_id, role, detail, created_at FROM staff_audit WHERE tenant_id = $1 ORDER BY created_at DESC, id LIMIT $2",
                .text(tenant), .integer(Int64(limit))
            ).map {
                try StaffAuditEntry(
                    actorId: $0.text("actor_id"), action: $0.text("action"), subjectId: $0.optionalText("subject_id"),
                    role: $0["role"].text.flatMap(StaffRole.init), detail: $0.text("detail"), createdAt: $0.int64("created_at")
                )
            }
        }
    }

    // MARK: Internals

    static func setRole(_ user: String, _ role: StaffRole, tenant: String, now: Int64, on db: any SQLConnection) throws {
        try db.query(
            """
            INSERT INTO user_tenant_roles (user_id, tenant_id, role, granted_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (user_id, tenant_id) DO UPDATE SET role = excluded.role, granted_at = excluded.granted_at
            """, .text(user), .text(tenant), .text(role.rawValue), .integer(now)
        )
    }

    static func audit(
        _ tenant: String, actor: String, _ action: String, subject: String?, role: StaffRole?, detail: String, now: Int64, on db: any SQLConnection
    ) throws {
        try db.query(
            """
            INSERT INTO staff_audit (id, tenant_id, actor_id, action, subject_id, role, detail, created_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, .text(UUID().uuidString.lowercased()), .text(tenant), .text(actor), .text(action), SQLValue(subject), SQLValue(role?.rawValue),
            .text(detail), .integer(now)
        )
    }

    /// Pending, unexpired invitations to the email or phone `user` has verified (one by id).
    static func invites(for user: String, id: String?, now: Int64, on db: any SQLConnection) throws -> [StaffInvite] {
        guard let me = try db.query(
            """
            SELECT CASE WHEN email_verified_at IS NOT NULL THEN email END AS email,
                CASE WHEN phone_verified_at IS NOT NULL THEN login_phone END AS phone FROM users WHERE id = $1
            """, .text(user)
        ).first else { return [] }
        let email = me["email"].text, phone = me["phone"].text
        guard email != nil || phone != nil else { return [] }
        var parameters: [SQLValue] = [.integer(now), SQLValue(email), SQLValue(phone)]
        if let id { parameters.append(.text(id)) }
        return try db.query(
            """
            SELECT i.id, i.tenant_id, t.name AS tenant_name, i.role, i.email, i.phone, i.invited_by, i.status, i.created_at, i.expires_at
            FROM staff_invites i JOIN tenants t ON t.id = i.tenant_id
            WHERE i.status = 'pending' AND i.expires_at > $1 AND (i.email = $2 OR i.phone = $3)\(id == nil ? "" : " AND i.id = $4")
            ORDER BY i.created_at
            """, parameters
        ).map(invite)
    }

    static func invite(_ row: SQLRow) throws -> StaffInvite {
        try StaffInvite(
            id: row.text("id"), tenantId: row.text("tenant_id"), tenantName: row.text("tenant_name"), role: row.value("role", as: StaffRole.self),
            email: row.optionalText("email"), phone: row.optionalText("phone"), invitedBy: row.text("invited_by"),
            status: row.value("status", as: StaffInvite.Status.self), createdAt: row.int64("created_at"), expiresAt: row.int64("expires_at")
        )
    }
}
