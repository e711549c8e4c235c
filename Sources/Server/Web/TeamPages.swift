import Datasets
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// The dashboard's people: the gym's staff and its invitations (owners and admins invite by
/// email or phone and remove people), an invitee accepting from their own dashboard, and the
/// gym's members with their credits and attendance, searchable by name.
struct TeamPages {
    let services: ServerServices
    var dashboard: DashboardPages { DashboardPages(services: services) }
    var pages: WebPages { get throws { try WebRoutes.installed.get() } }

    func register(on router: Router<AppContext>) {
        let handlers = WebHandlers(services: services)
        handlers.page(router, .get, "dashboard/{slug}/staff") { request, context, visit in
            let desk = try await dashboard.desk(context, visit, then: request.uri.path)
            return try await staffPage(desk, notice: request.uri.queryParameters["invited"] != nil ? "Invited: they accept from their dashboard once signed in with that email or phone." : nil)
        }
        handlers.action(router, "dashboard/{slug}/staff/invites") { request, context, form, visit in
            let desk = try await dashboard.desk(context, visit, then: request.uri.path)
            do {
                let typed = (form["contact"] ?? "").trimmingCharacters(in: .whitespaces)
                let contact: StaffContact = typed.contains("@") ? .email(try AuthRoutes.checkedEmail(typed)) : .phone(try AuthRoutes.checkedPhone(typed))
                guard let role = StaffRole(rawValue: form["role"] ?? ""), role == .admin || role == .instructor else {
                    throw APIError.validation("choose admin or instructor")
                }
                _ = try await services.store.staff.invite(contact, as: role, tenant: desk.tenant, by: desk.user, now: services.clock.now())
                return MemberPages.redirect("/dashboard/\(desk.slug)/staff?invited=1")
            } catch {
                return try await DashboardForms.refused(error) { try await staffPage(desk, typed: form, error: desk.words.message($0.message), status: $0.status) }
            }
        }
        handlers.action(router, "dashboard/{slug}/staff/invites/{invite_id}/revoke") { request, context, _, visit in
            let desk = try await dashboard.desk(context, visit, then: request.uri.path)
            do {
                try await services.store.staff.revokeInvite(try context.parameters.require("invite_id"), tenant: desk.tenant, by: desk.user, now: services.clock.now())
                return MemberPages.redirect("/dashboard/\(desk.slug)/staff")
            } catch {
                return try await DashboardForms.refused(error) { try await staffPage(desk, error: desk.words.message($0.message), status: $0.status) }
            }
        }
        handlers.action(router, "dashboard/{slug}/staff/{user_id}/remove") { request, context, _, visit in
            let desk = try await dashboard.desk(context, visit, then: request.uri.path)
            do {
                try await services.store.staff.remove(try context.parameters.require("user_id"), tenant: desk.tenant, by: desk.user, now: services.clock.now())
                return MemberPages.redirect("/dashboard/\(desk.slug)/staff")
            } catch {
                return try await DashboardForms.refused(error) { try await staffPage(desk, error: desk.words.message($0.message), status: $0.status) }
            }
        }
        handlers.action(router, "dashboard/invites/{invite_id}/accept") { request, context, _, visit in
            guard let user = visit.user else { throw WebHandlers.WebRedirect.signIn(then: "/dashboard") }
            let invite = try await services.store.staff.accept(invite: try context.parameters.require("invite_id"), user: user, now: services.clock.now())
            guard let slug = try await services.store.catalog.gyms(from: 0, to: 0, tenant: invite.tenantId).first?.tenant.slug else {
                throw APIError.notFound("the gym of that invitation is gone")
            }
            return MemberPages.redirect("/dashboard/\(slug)")
        }
        handlers.page(router, .get, "dashboard/{slug}/members") { request, context, visit in
            let desk = try await dashboard.desk(context, visit, then: request.uri.path)
            let query = request.uri.queryParameters
            let search = try query["q"].flatMap { $0.isEmpty ? nil : try CleanText.check(String($0), "the name searched", 1...100) }
            let after = try query["after"].map { try MemberRoutes.cursor(String($0)) }
            return try await membersPage(desk, search: search, after: after)
        }
    }

    // MARK: Staff

    struct StaffRow: Sendable {
        var userId: String
        var name: String
        var role: String
        var since: String?
        var canRemove: Bool
    }

    struct InviteRow: Sendable {
        var id: String
        var contact: String
        var role: String
        var expires: String
    }

    struct StaffPage: PageModel, Sendable {
        var visitor: WebVisit
        var desk: DashboardPages.Header
        var title: String
        var staff: [StaffRow]
        var invites: [InviteRow]
        var contact: String
        var roles: [DashboardForms.Choice]
        var notice: String?
        var error: String?
        var hasInvites = false
    }

    private func staffPage(
        _ desk: DashboardPages.Desk, typed: WebForm? = nil, notice: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard desk.canManage else { throw APIError.forbidden("only the gym's owner and admins manage its staff") }
        let team = try await services.store.staff.team(tenant: desk.tenant, viewer: desk.user, now: services.clock.now())
        let zone = desk.clock.zone, words = desk.words
        let invites = team.invites.filter { $0.status == .pending }.map {
            InviteRow(
                id: $0.id, contact: $0.email ?? $0.phone ?? "", role: DashboardPages.role($0.role, words), expires: words.format.day($0.expiresAt, zone)
            )
        }
        let view = StaffPage(
            visitor: desk.visitor, desk: .init(desk, .staff), title: words("Staff · {gym} · StudioLoop", ["gym": desk.gymName]),
            staff: team.staff.map {
                StaffRow(
                    userId: $0.userId, name: "\($0.firstName) \($0.lastName)", role: DashboardPages.role($0.role, words),
                    since: $0.since.map { words.format.day($0, zone) }, canRemove: $0.role != .owner && $0.userId != desk.user
                )
            },
            invites: invites, contact: typed?["contact"] ?? "",
            roles: [StaffRole.instructor, .admin].map {
                DashboardForms.Choice(value: $0.rawValue, label: DashboardPages.role($0, words), selected: $0.rawValue == (typed?["role"] ?? StaffRole.instructor.rawValue))
            },
            notice: notice, error: error, hasInvites: !invites.isEmpty
        )
        return try pages.page("staff", view, status: status)
    }

    // MARK: Members

    struct MemberRow: Sendable {
        var name: String
        var contact: String
        var credits: String
        var bookings: String
        var attendance: String
        var lastVisit: String
        var blocked: String?
    }

    struct MembersPage: PageModel, Sendable {
        var visitor: WebVisit
        var desk: DashboardPages.Header
        var title: String
        var search: String
        var members: [MemberRow]
        var next: String?
        var hasMembers = false
    }

    private func membersPage(_ desk: DashboardPages.Desk, search: String?, after: StaffStore.MemberCursor?) async throws -> Response {
        let page = try await services.store.staff.members(of: desk.tenant, staff: desk.user, search: search, after: after, limit: 50, now: services.clock.now())
        let zone = desk.clock.zone, words = desk.words, format = words.format
        let rows = page.members.map {
            MemberRow(
                name: "\($0.firstName) \($0.lastName)", contact: [$0.email, $0.phone].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: " · "),
                credits: format.number($0.credits), bookings: format.number($0.bookings), attendance: $0.attendanceRate.map(format.percent) ?? "–",
                lastVisit: $0.lastVisit.map { format.day($0, zone) } ?? "–", blocked: $0.blocked.map { words("Blocked: {reason}", ["reason": $0.reason]) }
            )
        }
        let next = page.next.map { cursor in
            "/dashboard/\(desk.slug)/members?" + (search.map { "q=\(MemberPages.queryEscaped($0))&" } ?? "") + "after=\(MemberRoutes.cursor(cursor))"
        }
        let view = MembersPage(
            visitor: desk.visitor, desk: .init(desk, .members), title: words("Members · {gym} · StudioLoop", ["gym": desk.gymName]), search: search ?? "", members: rows,
            next: next, hasMembers: !rows.isEmpty
        )
        return try pages.page("members", view)
    }
}
