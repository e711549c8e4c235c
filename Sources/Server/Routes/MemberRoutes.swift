import Booking
import Datasets
import Foundation
import Hummingbird
import Storage

/// A gym's members, for its staff: the searchable list, one member's history at the gym, staff
/// notes, and blocking a member from booking there.
struct MemberRoutes {
    let services: ServerServices

    struct MemberView: Encodable, Sendable {
        var userId: String
        var firstName: String
        var lastName: String
        var email: String?
        var phone: String?
        var creditsAtGym: Int
        var bookings: Int
        var attended: Int
        var noShows: Int
        var attendanceRate: Double?
        var noShowRate: Double?
        var lastVisit: String?
        var blocked: BlockView?

        init(_ m: StaffStore.GymMember) {
            userId = m.userId
            firstName = m.firstName
            lastName = m.lastName
            email = m.email
            phone = m.phone
            creditsAtGym = m.credits
            bookings = m.bookings
            attended = m.attended
            noShows = m.noShows
            attendanceRate = m.attendanceRate.map { ($0 * 1_000).rounded() / 1_000 }
            noShowRate = m.noShowRate.map { ($0 * 1_000).rounded() / 1_000 }
            lastVisit = m.lastVisit.map { ISO8601.format($0) }
            blocked = m.blocked.map(BlockView.init)
        }
    }

    struct BlockView: Encodable, Sendable {
        var reason: String
        var blockedBy: String
        var blockedAt: String

        init(_ b: StaffStore.Block) {
            reason = b.reason
            blockedBy = b.by
            blockedAt = ISO8601.format(b.at)
        }
    }

    struct NoteView: Encodable, Sendable {
        var id: String
        var authorId: String
        var text: String
        var createdAt: String

        init(_ n: StaffStore.MemberNote) {
            id = n.id
            authorId = n.authorId
            text = n.text
            createdAt = ISO8601.format(n.at)
        }
    }

    struct VisitView: Encodable, Sendable {
        var bookingId: String
        var sessionId: String
        var className: String
        var startTime: String
        var status: BookingStatus
        var creditsUsed: Int
        var checkedInAt: String?
    }

    struct MemberList: Encodable, Sendable {
        var members: [MemberView]
        /// Pass as `cursor` for the next page; absent on the last.
        var nextCursor: String?
    }

    struct MemberDetail: Encodable, Sendable {
        var member: MemberView
        var history: [VisitView]
        var notes: [NoteView]
    }

    struct NoteBody: Decodable { var text: String }
    struct BlockBody: Decodable { var reason: String }

    func register(on api: RouterGroup<AppContext>) {
        api.get("tenants/{slug}/members") { request, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let query = request.uri.queryParameters
            let limit = try query["limit"].map { text in
                guard let n = Int(text), (1...100).contains(n) else { throw APIError.validation("limit must be 1 to 100") }
                return n
            } ?? 50
            let search = try query["q"].map { try CleanText.check(String($0), "q", 1...100) }
            let after = try query["cursor"].map { try Self.cursor(String($0)) }
            let page = try await services.store.staff.members(
                of: tenant, staff: user, search: search, after: after, limit: limit, now: services.clock.now()
            )
            return Reply(MemberList(members: page.members.map(MemberView.init), nextCursor: page.next.map(Self.cursor)))
        }
        api.get("tenants/{slug}/members/{user_id}") { _, context in
            let user = try context.requireUser()
            let slug = try context.parameters.require("slug")
            guard let gym = try await services.store.catalog.tenant(slug: slug) else { throw APIError.notFound("no gym with slug '\(slug)'") }
            let member = try context.parameters.require("user_id")
            let (summary, history, notes) = try await services.store.staff.member(member, of: gym.tenant.id, staff: user, now: services.clock.now())
            let local = GymTime(timezone: gym.tenant.timezone).format
            return Reply(MemberDetail(
                member: MemberView(summary),
                history: history.map {
                    VisitView(
                        bookingId: $0.bookingId, sessionId: $0.sessionId, className: $0.className, startTime: local($0.start), status: $0.status,
                        creditsUsed: $0.credits, checkedInAt: $0.checkedInAt.map(local)
                    )
                },
                notes: notes.map(NoteView.init)
            ))
        }
        api.post("tenants/{slug}/members/{user_id}/notes") { request, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let body = try await request.json(NoteBody.self, context: context)
            let text = try CleanText.check(body.text, "text", 1...1_000, multiline: true)
            let note = try await services.store.staff.addNote(
                about: try context.parameters.require("user_id"), at: tenant, staff: user, text: text, now: services.clock.now()
            )
            return Reply(NoteView(note), status: .created)
        }
        api.delete("tenants/{slug}/members/{user_id}/notes/{note_id}") { _, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            try await services.store.staff.deleteNote(
                try context.parameters.require("note_id"), about: try context.parameters.require("user_id"), at: tenant, staff: user
            )
            return Response(status: .noContent)
        }
        api.put("tenants/{slug}/members/{user_id}/block") { request, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let body = try await request.json(BlockBody.self, context: context)
            let reason = try CleanText.check(body.reason, "reason", 1...500)
            let block = try await services.store.staff.block(
                try context.parameters.require("user_id"), at: tenant, staff: user, reason: reason, now: services.clock.now()
            )
            return Reply(BlockView(block))
        }
        api.delete("tenants/{slug}/members/{user_id}/block") { _, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            try await services.store.staff.unblock(try context.parameters.require("user_id"), at: tenant, staff: user)
            return Response(status: .noContent)
        }
    }

    /// A page's end as an opaque token: the last member's name and id, base64url.
    static func cursor(_ c: StaffStore.MemberCursor) -> String {
        CheckInToken.base64url(Array([c.lastName, c.firstName, c.userId].joined(separator: "\u{1F}").utf8))
    }

    static func cursor(_ text: String) throws -> StaffStore.MemberCursor {
        guard text.count <= 600, let bytes = CheckInToken.bytes(base64url: text), let decoded = String(validating: bytes, as: UTF8.self) else {
            throw APIError.validation("cursor must be a next_cursor from an earlier answer")
        }
        let parts = decoded.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3 else { throw APIError.validation("cursor must be a next_cursor from an earlier answer") }
        return StaffStore.MemberCursor(lastName: parts[0], firstName: parts[1], userId: parts[2])
    }
}
