public import Booking
import Foundation
import SQL

/// A gym's members as its staff see them: everyone who booked there or holds its credits, with
/// the contact they agreed to share, their credits and attendance there, notes, and blocks.
/// Everything is read in the gym's own context, so row-level security keeps other gyms' members
/// and other gyms' numbers out even of a query that forgot to ask.
extension StaffStore {
    public struct GymMember: Equatable, Sendable {
        public var userId: String
        public var firstName: String
        public var lastName: String
        /// Only when the member agreed to share their contact with the gyms they book.
        public var email: String?
        public var phone: String?
        /// Unexpired credits of this gym.
        public var credits: Int
        /// Bookings at this gym, waitlisted and cancelled ones included.
        public var bookings: Int
        public var attended: Int
        public var noShows: Int
        public var lastVisit: Int64?
        public var blocked: Block?

        /// Attended out of the bookings whose sessions ended (attended or no-show); nil before any.
        public var attendanceRate: Double? { attended + noShows == 0 ? nil : Double(attended) / Double(attended + noShows) }
        public var noShowRate: Double? { attendanceRate.map { 1 - $0 } }
    }

    public struct Block: Equatable, Sendable {
        public var reason: String
        public var by: String
        public var at: Int64
    }

    public struct MemberNote: Equatable, Sendable {
        public var id: String
        public var authorId: String
        public var text: String
        public var at: Int64
    }

    public struct VisitRecord: Equatable, Sendable {
        public var bookingId: String
        public var sessionId: String
        public var className: String
        public var start: Int64
        public var status: BookingStatus
        public var credits: Int
        public var checkedInAt: Int64?
    }

    /// One page of a gym's members, by name; `after` is the last one of the page before.
    public struct MemberPage: Equatable, Sendable {
        public var members: [GymMember]
        public var next: MemberCursor?
    }

    /// Where a page of members ends: the last member's name and id.
    public struct MemberCursor: Equatable, Sendable {
        public var lastName: String
        public var firstName: String
        public var userId: String

        public init(lastName: String, firstName: String, userId: String) {
            self.lastName = lastName
            self.firstName = firstName
            self.userId = userId
        }
    }

    /// The gym's members whose name (or shared email or phone) holds `search`, by last name.
    public func members(of tenant: String, staff: String, search: String?, after: MemberCursor?, limit: Int, now: Int64) async throws -> MemberPage {
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: staff))
            try Authorization.require(staff, at: tenant, on: db, \.isStaff)
            var conditions = [Self.isMember]
            var values: [SQLValue] = [.text(tenant), .integer(now)]
            if let search, !search.isEmpty {
                values.append(.text("%" + search.lowercased().replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "") + "%"))
                let p = "$\(values.count)"
                conditions.append(
                    "(LOWER(u.first_name || ' ' || u.last_name) LIKE \(p) OR (u.shares_contact = 1 AND (LOWER(COALESCE(u.email, '')) LIKE \(p) OR COALESCE(u.login_phone, u.phone, '') LIKE \(p))))"
                )
            }
            if let after {
                values += [.text(after.lastName), .text(after.firstName), .text(after.userId)]
                let n = values.count
                conditions.append(
                    "(u.last_name > $\(n - 2) OR (u.last_name = $\(n - 2) AND (u.first_name > $\(n - 1) OR (u.first_name = $\(n - 1) AND u.id > $\(n)))))"
                )
            }
            values.append(.integer(Int64(limit + 1)))
            let rows = try db.query(
                Self.memberSelect + " WHERE " + conditions.joined(separator: " AND ") + " ORDER BY u.last_name, u.first_name, u.id LIMIT $\(values.count)",
                values
            )
            let members = try rows.prefix(limit).map(Self.member)
            let next = rows.count > limit ? members.last.map { MemberCursor(lastName: $0.lastName, firstName: $0.firstName, userId: $0.userId) } : nil
            return MemberPage(members: members, next: next)
        }
    }

    /// One member at this gym: their summary, their bookings there (newest first, up to 200),
    /// and the staff's notes.
    public func member(
        _ user: String, of tenant: String, staff: String, now: Int64
    ) async throws -> (member: GymMember, history: [VisitRecord], notes: [MemberNote]) {
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: staff))
            try Authorization.require(staff, at: tenant, on: db, \.isStaff)
            guard let row = try db.query(Self.memberSelect + " WHERE \(Self.isMember) AND u.id = $3", .text(tenant), .integer(now), .text(user)).first
            else { throw StoreError.notFound("member") }
            let history = try db.query(
                """
                SELECT b.id, b.session_id, c.name, s.start_time, b.status, b.credits_charged, b.checked_in_at
                FROM bookings b JOIN class_schedules s ON s.id = b.session_id JOIN classes c ON c.id = s.class_id
                WHERE b.tenant_id = $1 AND b.user_id = $2 ORDER BY s.start_time DESC, b.id LIMIT 200
                """, .text(tenant), .text(user)
            ).map {
                try VisitRecord(
                    bookingId: $0.text("id"), sessionId: $0.text("session_id"), className: $0.text("name"), start: $0.int64("start_time"),
                    status: $0.value("status", as: BookingStatus.self), credits: Int($0["credits_charged"].integer ?? 0), checkedInAt: $0["checked_in_at"].integer
                )
            }
            return (try Self.member(row), history, try Self.notes(user, tenant: tenant, on: db))
        }
    }

    /// Adds a staff note about a member of the gym (up to 1,000 characters).
    public func addNote(about user: String, at tenant: String, staff: String, text: String, now: Int64) async throws -> MemberNote {
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: staff))
            try Authorization.require(staff, at: tenant, on: db, \.isStaff)
            try Self.requireMember(user, of: tenant, on: db)
            let note = MemberNote(id: UUID().uuidString.lowercased(), authorId: staff, text: text, at: now)
            try db.query(
                "INSERT INTO member_notes (id, tenant_id, user_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                .text(note.id), .text(tenant), .text(user), .text(staff), .text(text), .integer(now)
            )
            return note
        }
    }

    /// Removes a note: its author, or an owner or admin.
    public func deleteNote(_ id: String, about user: String, at tenant: String, staff: String) async throws {
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: staff))
            let role = try Authorization.require(staff, at: tenant, on: db, \.isStaff)
            guard let note = try db.query(
                "SELECT author_id FROM member_notes WHERE id = $1 AND tenant_id = $2 AND user_id = $3", .text(id), .text(tenant), .text(user)
            ).first else { throw StoreError.notFound("note") }
            guard role.canManage || note["author_id"].text == staff else { throw StoreError.refused(.forbidden) }
            try db.query("DELETE FROM member_notes WHERE id = $1", .text(id))
        }
    }

    /// Stops a member booking at this gym (owners and admins); their bookings already made stay.
    public func block(_ user: String, at tenant: String, staff: String, reason: String, now: Int64) async throws -> Block {
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: staff))
            try Authorization.requireManager(staff, of: tenant, on: db)
            try Self.requireMember(user, of: tenant, on: db)
            if try Authorization.role(of: user, at: tenant, on: db)?.isStaff == true {
                throw StoreError.invalid("a member of the gym's staff cannot be blocked; remove them from the staff first")
            }
            try db.query(
                """
                INSERT INTO member_blocks (tenant_id, user_id, reason, blocked_by, created_at) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (tenant_id, user_id) DO UPDATE SET reason = excluded.reason, blocked_by = excluded.blocked_by, created_at = excluded.created_at
                """, .text(tenant), .text(user), .text(reason), .text(staff), .integer(now)
            )
            return Block(reason: reason, by: staff, at: now)
        }
    }

    /// Lets a blocked member book again.
    public func unblock(_ user: String, at tenant: String, staff: String) async throws {
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: staff))
            try Authorization.requireManager(staff, of: tenant, on: db)
            try db.query("DELETE FROM member_blocks WHERE tenant_id = $1 AND user_id = $2", .text(tenant), .text(user))
            guard db.changes == 1 else { throw StoreError.notFound("block") }
        }
    }

    // MARK: Internals

    /// Someone who booked at the gym or holds its credits ($1: the gym), found from the gym's
    /// own rows (`bookings_by_tenant_user`) rather than by reading every account.
    static let isMember = """
        u.id IN (SELECT b.user_id FROM bookings b WHERE b.tenant_id = $1 UNION SELECT m.user_id FROM member_credits m WHERE m.tenant_id = $1)
        """

    /// A member's summary at the gym ($1: the gym, $2: now).
    static let memberSelect = """
        SELECT u.id, u.first_name, u.last_name, u.shares_contact, u.email, COALESCE(u.login_phone, u.phone) AS phone,
            (SELECT COALESCE(SUM(m.remaining), 0) FROM member_credits m
             WHERE m.user_id = u.id AND m.tenant_id = $1 AND (m.expires_at IS NULL OR m.expires_at > $2)) AS credits,
            (SELECT COUNT(*) FROM bookings b WHERE b.user_id = u.id AND b.tenant_id = $1) AS bookings,
            (SELECT COUNT(*) FROM bookings b WHERE b.user_id = u.id AND b.tenant_id = $1 AND b.status IN ('checked_in', 'completed')) AS attended,
            (SELECT COUNT(*) FROM bookings b WHERE b.user_id = u.id AND b.tenant_id = $1 AND b.status = 'no_show') AS no_shows,
            (SELECT MAX(b.checked_in_at) FROM bookings b WHERE b.user_id = u.id AND b.tenant_id = $1) AS last_visit,
            k.reason AS block_reason, k.blocked_by, k.created_at AS blocked_at
        FROM users u LEFT JOIN member_blocks k ON k.user_id = u.id AND k.tenant_id = $1
        """

    static func member(_ row: SQLRow) throws -> GymMember {
        let shares = row["shares_contact"].integer == 1
        return try GymMember(
            userId: row.text("id"), firstName: row.text("first_name"), lastName: row.text("last_name"),
            email: shares ? row["email"].text : nil, phone: shares ? row["phone"].text : nil,
            credits: Int(row["credits"].integer ?? 0), bookings: Int(row["bookings"].integer ?? 0), attended: Int(row["attended"].integer ?? 0),
            noShows: Int(row["no_shows"].integer ?? 0), lastVisit: row["last_visit"].integer,
            blocked: row["block_reason"].text.map { Block(reason: $0, by: row["blocked_by"].text ?? "", at: row["blocked_at"].integer ?? 0) }
        )
    }

    static func notes(_ user: String, tenant: String, on db: any SQLConnection) throws -> [MemberNote] {
        try db.query(
            "SELECT id, author_id, body, created_at FROM member_notes WHERE tenant_id = $1 AND user_id = $2 ORDER BY created_at DESC, id",
            .text(tenant), .text(user)
        ).map { try MemberNote(id: $0.text("id"), authorId: $0.text("author_id"), text: $0.text("body"), at: $0.int64("created_at")) }
    }

    static func requireMember(_ user: String, of tenant: String, on db: any SQLConnection) throws {
        guard try !db.query("SELECT u.id FROM users u WHERE \(isMember) AND u.id = $2", .text(tenant), .text(user)).isEmpty
        else { throw StoreError.notFound("member") }
    }
}
