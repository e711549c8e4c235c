import Datasets
import Domain
import Foundation
import Hummingbird
import Storage

/// A gym's team: its owner and admins invite people by email or phone, the invitee accepts
/// once signed in with that contact proved, staff are listed, changed and removed, ownership is
/// transferred (never left empty), and every change is in the gym's staff audit.
struct StaffRoutes {
    let services: ServerServices

    struct NewInvite: Decodable {
        var email: String?
        var phone: String?
        var role: String
    }

    struct RoleChange: Decodable {
        var role: String
    }

    struct MemberView: Encodable, Sendable {
        var userId: String
        var firstName: String
        var lastName: String
        var role: StaffRole
        var since: String?
    }

    struct InviteView: Encodable, Sendable {
        var id: String
        var tenantId: String
        var tenantName: String
        var role: StaffRole
        var email: String?
        var phone: String?
        var invitedBy: String
        var status: String
        var createdAt: String
        var expiresAt: String
    }

    struct Team: Encodable, Sendable {
        var staff: [MemberView]
        var invites: [InviteView]
    }

    struct AuditView: Encodable, Sendable {
        var actorId: String
        var action: String
        var subjectId: String?
        var role: StaffRole?
        var detail: String
        var createdAt: String
    }

    func register(on api: RouterGroup<AppContext>) {
        api.post("tenants/{slug}/staff/invites") { request, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let body = try await request.json(NewInvite.self, context: context)
            let contact: StaffContact = switch (body.email, body.phone) {
            case (let email?, nil): .email(try AuthRoutes.checkedEmail(email))
            case (nil, let phone?): .phone(try AuthRoutes.checkedPhone(phone))
            default: throw APIError.validation("give the invitee's email or phone, one of them")
            }
            guard let role = StaffRole(rawValue: body.role), role == .admin || role == .instructor else {
                throw APIError.validation("role must be admin or instructor (got '\(body.role)'); an owner is made by PATCHing a staff member's role to owner")
            }
            let invite = try await services.store.staff.invite(contact, as: role, tenant: tenant, by: user, now: services.clock.now())
            return Reply(Self.view(invite), status: .created)
        }
        api.delete("tenants/{slug}/staff/invites/{invite_id}") { _, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            try await services.store.staff.revokeInvite(try context.parameters.require("invite_id"), tenant: tenant, by: user, now: services.clock.now())
            return Response(status: .noContent)
        }
        api.get("tenants/{slug}/staff") { _, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let team = try await services.store.staff.team(tenant: tenant, viewer: user, now: services.clock.now())
            return Reply(Team(
                staff: team.staff.map {
                    MemberView(userId: $0.userId, firstName: $0.firstName, lastName: $0.lastName, role: $0.role, since: $0.since.map { ISO8601.format($0) })
                },
                invites: team.invites.map(Self.view)
            ))
        }
        api.patch("tenants/{slug}/staff/{user_id}") { request, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let body = try await request.json(RoleChange.self, context: context)
            guard let role = StaffRole(rawValue: body.role), role.isStaff else {
                throw APIError.validation("role must be owner, admin or instructor (got '\(body.role)')")
            }
            try await services.store.staff.changeRole(
                of: try context.parameters.require("user_id"), to: role, tenant: tenant, by: user, now: services.clock.now()
            )
            return Response(status: .noContent)
        }
        api.delete("tenants/{slug}/staff/{user_id}") { _, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            try await services.store.staff.remove(try context.parameters.require("user_id"), tenant: tenant, by: user, now: services.clock.now())
            return Response(status: .noContent)
        }
        api.get("tenants/{slug}/staff/audit") { _, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let entries = try await services.store.staff.audit(tenant: tenant, viewer: user)
            return Reply(["entries": entries.map {
                AuditView(actorId: $0.actorId, action: $0.action, subjectId: $0.subjectId, role: $0.role, detail: $0.detail, createdAt: ISO8601.format($0.createdAt))
            }])
        }
        api.get("users/staff-invites") { _, context in
            let user = try context.requireUser()
            return Reply(["invites": try await services.store.staff.invites(for: user, now: services.clock.now()).map(Self.view)])
        }
        api.post("users/staff-invites/{invite_id}/accept") { _, context in
            let user = try context.requireUser()
            let invite = try await services.store.staff.accept(invite: try context.parameters.require("invite_id"), user: user, now: services.clock.now())
            return Reply(Self.view(invite))
        }
    }

    static func view(_ invite: StaffInvite) -> InviteView {
        InviteView(
            id: invite.id, tenantId: invite.tenantId, tenantName: invite.tenantName, role: invite.role, email: invite.email, phone: invite.phone,
            invitedBy: invite.invitedBy, status: invite.status.rawValue, createdAt: ISO8601.format(invite.createdAt),
            expiresAt: ISO8601.format(invite.expiresAt)
        )
    }
}
