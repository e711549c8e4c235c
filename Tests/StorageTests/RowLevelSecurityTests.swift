import Booking
import Datasets
import Domain
import Foundation
import Storage
import Testing
import TestSupport

/// On PostgreSQL, row-level security alone keeps tenants and members apart: queries below carry
/// no tenant or user filter at all, as if the application had forgotten them.
@Suite struct RowLevelSecurityTests {
    /// Two gyms in one database, each with a booked session.
    static func twoGyms() async throws -> (StoreFixture, gymB: String, memberA: String, memberB: String) {
        let f = try await StoreFixture.make(.postgres)
        var second = f.dataset
        second.tenants[0].id = UUID().uuidString.lowercased()
        second.tenants[0].slug += "-b"
        second.classes[0].id = UUID().uuidString.lowercased()
        second.classes[0].tenantId = second.tenants[0].id
        second.users[0].id = UUID().uuidString.lowercased()
        second.users[0].tenantId = second.tenants[0].id
        second.users[0].email = "b-" + second.users[0].email
        second.classes[0].instructorId = second.users[0].id
        try await f.store.catalog.importDataset(second, from: f.now, to: f.now + 7 * 86_400, now: f.now)
        let gymB = second.tenants[0].id
        let sessionB = try await f.store.database.transaction { db in
            try db.setContext(.system)
            try db.query("UPDATE class_schedules SET available_spots = capacity, status = 'scheduled' WHERE tenant_id = $1", .text(gymB))
            return try db.query("SELECT id FROM class_schedules WHERE tenant_id = $1 ORDER BY start_time", .text(gymB))[2]["id"].text!
        }
        let memberA = try await f.member("a", credits: 4)
        let memberB = try await f.member("b", credits: 0)
        try await f.store.ledger.grantCredits(member: memberB, tenant: gymB, credits: 4, now: f.now)
        _ = try await f.store.bookings.book(member: memberA, sessionId: f.sessions[2], marketplace: false, now: f.now)
        _ = try await f.store.bookings.book(member: memberB, sessionId: sessionB, marketplace: false, now: f.now)
        return (f, gymB, memberA, memberB)
    }

    @Test func aTenantSeesAndChangesOnlyItsOwnRows() async throws {
        let (f, gymB, _, _) = try await Self.twoGyms()
        let gymA = f.tenant.id
        let seen = try await f.store.database.transaction { db in
            try db.setContext(.tenant(gymA, user: nil))
            let bookings = try db.query("SELECT tenant_id FROM bookings").map { $0["tenant_id"].text! }
            // An update with no WHERE at all touches this gym's sessions only.
            try db.query("UPDATE class_schedules SET available_spots = 0")
            return (bookings, db.changes)
        }
        #expect(!seen.0.isEmpty && seen.0.allSatisfy { $0 == gymA })
        #expect(seen.1 == 7)
        let spotsB = try await f.store.database.transaction { db in
            try db.setContext(.system)
            return try db.query("SELECT MIN(available_spots) AS m FROM class_schedules WHERE tenant_id = $1", .text(gymB))[0]["m"].integer
        }
        #expect(spotsB != 0, "tenant B's sessions were not touched")
        // Writing a class into another gym is refused outright.
        await #expect(throws: StoreError.self) {
            try await f.store.database.transaction { db in
                try db.setContext(.tenant(gymA, user: nil))
                try db.query(
                    """
                    INSERT INTO classes (id, tenant_id, name, description, class_type, duration_minutes, max_capacity, difficulty_level,
                        credits_required, equipment_needed, is_active, weekly_slots)
                    VALUES ('x', $1, 'Intruder', '', 'yoga', 60, 10, 'beginner', 1, '[]', 1, '[]')
                    """, .text(gymB)
                )
            }
        }
    }

    @Test("in one gym's context, the other gyms' members, bookings and credits read as zero rows")
    func aGymSeesOnlyItsOwnMembers() async throws {
        let (f, gymB, memberA, memberB) = try await Self.twoGyms()
        try await f.store.ledger.grantCredits(member: memberA, tenant: f.tenant.id, credits: 3, now: f.now)
        for (gym, own, other) in [(f.tenant.id, memberA, memberB), (gymB, memberB, memberA)] {
            let (users, bookings, credits, notes) = try await f.store.database.transaction { db in
                try db.setContext(.tenant(gym, user: nil))
                try db.query(
                    "INSERT INTO member_notes (id, tenant_id, user_id, author_id, body, created_at) VALUES ($1, $2, $3, $3, 'likes the front row', 0)",
                    .text(UUID().uuidString), .text(gym), .text(own)
                )
                return (
                    try db.query("SELECT id FROM users WHERE id = $1", .text(other)).count,
                    try db.query("SELECT id FROM bookings WHERE user_id = $1", .text(other)).count,
                    try db.query("SELECT id FROM member_credits WHERE user_id = $1", .text(other)).count,
                    try db.query("SELECT id FROM member_notes WHERE tenant_id <> $1", .text(gym)).count
                )
            }
            #expect(users == 0 && bookings == 0 && credits == 0 && notes == 0, "gym \(gym) saw another gym's member")
            let mine = try await f.store.database.transaction { db in
                try db.setContext(.tenant(gym, user: nil))
                return (
                    try db.query("SELECT id FROM users WHERE id = $1", .text(own)).count,
                    try db.query("SELECT tenant_id FROM member_credits WHERE user_id = $1", .text(own)).map { $0["tenant_id"].text }
                )
            }
            #expect(mine.0 == 1, "a gym reads its own member's account")
            #expect(!mine.1.isEmpty && mine.1.allSatisfy { $0 == gym }, "and only their credits at this gym")
        }
    }

    @Test func aMemberSeesOnlyTheirOwnAndNoContextSeesNothingPrivate() async throws {
        let (f, _, memberA, _) = try await Self.twoGyms()
        let (credits, bookings) = try await f.store.database.transaction { db in
            try db.setContext(.member(memberA))
            return (try db.query("SELECT user_id FROM member_credits").map { $0["user_id"].text! },
                    try db.query("SELECT user_id FROM bookings").map { $0["user_id"].text! })
        }
        #expect(!credits.isEmpty && credits.allSatisfy { $0 == memberA })
        #expect(bookings == [memberA])
        let (privateRows, catalog) = try await f.store.database.transaction { db in
            (try db.query(
                """
                SELECT (SELECT COUNT(*) FROM bookings) + (SELECT COUNT(*) FROM member_credits) + (SELECT COUNT(*) FROM ledger_postings)
                     + (SELECT COUNT(*) FROM users) AS n
                """)[0]["n"].integer!,
             try db.query("SELECT COUNT(*) AS n FROM tenants")[0]["n"].integer!)
        }
        #expect(privateRows == 0)
        #expect(catalog == 2, "the catalog stays public")
    }

    @Test func theLedgerCannotBeRewritten() async throws {
        let (f, _, _, _) = try await Self.twoGyms()
        let (updated, deleted, postings) = try await f.store.database.transaction { db in
            try db.setContext(.system)
            try db.query("UPDATE ledger_postings SET amount = amount * 2")
            let updated = db.changes
            try db.query("DELETE FROM ledger_postings")
            return (updated, db.changes, try db.query("SELECT COUNT(*) AS n FROM ledger_postings")[0]["n"].integer!)
        }
        #expect(updated == 0 && deleted == 0 && postings > 0)
        #expect(try await f.store.ledger.auditLedger().isClean)
    }

    /// What a member's or a gym's transaction writes is checked too, as the server's own role:
    /// nobody makes themselves another gym's owner, and no gym posts to another gym's accounts.
    @Test func writesAreCheckedNotOnlyReads() async throws {
        let (f, gymB, memberA, _) = try await Self.twoGyms()
        let gymA = f.tenant.id
        // A member's transaction granting itself a role, anywhere.
        for (context, gym) in [(AccessContext.member(memberA), gymB), (.tenant(gymA, user: memberA), gymA), (.tenant(gymB, user: memberA), gymB)] {
            await #expect(throws: StoreError.self, "\(context)") {
                try await f.store.database.transaction { db in
                    try db.setContext(context)
                    try db.query("INSERT INTO user_tenant_roles (user_id, tenant_id, role) VALUES ($1, $2, 'owner')", .text(memberA), .text(gym))
                }
            }
        }
        // A role can no more be raised than granted.
        let raised = try await f.store.database.transaction { db in
            try db.setContext(.tenant(gymA, user: memberA))
            try db.query("UPDATE user_tenant_roles SET role = 'owner'")
            return db.changes
        }
        #expect(raised == 0)
        // Postings to another gym's payable, from a member's or another gym's context.
        for context in [AccessContext.member(memberA), .tenant(gymA, user: memberA)] {
            await #expect(throws: StoreError.self, "\(context)") {
                try await f.store.database.transaction { db in
                    try db.setContext(context)
                    try db.query("INSERT INTO ledger_transactions (id, kind, created_at) VALUES ('forged', 'marketplace_booking', 1)")
                    try db.query(
                        "INSERT INTO ledger_postings (transaction_id, seq, account, unit, amount) VALUES ('forged', 0, $1, 'ZAR cents', -100000)",
                        .text("gym:\(gymB):payable")
                    )
                }
            }
        }
        // A gym's own payable still takes its bookings' postings (the booking path, unchanged).
        #expect(try await f.store.ledger.auditLedger().isClean)
    }
}
