import Booking
import Storage
import Testing
import TestSupport

@Suite struct CheckInAndSettlementTests {
    static let secret = Array("test-check-in-secret-of-32-bytes!!".utf8)

    @Test(arguments: StoreKind.allCases)
    func staffCheckMembersInByToken(kind: StoreKind) async throws {
        let base = try await StoreFixture.make(kind)
        let store = Store(database: base.store.database, checkInSecret: Self.secret)
        let member = try await base.member("ama", credits: 4)
        let booking = try await store.bookings.book(member: member, sessionId: base.sessions[1], marketplace: false, now: base.now)
        let token = try await store.bookings.checkInToken(bookingId: booking.bookingId, member: member)
        let (start, instructor) = try await store.database.transaction { db in
            try db.setContext(.system)
            return (try db.query("SELECT start_time FROM class_schedules WHERE id = $1", .text(base.sessions[1]))[0]["start_time"].integer!,
             try db.query("SELECT user_id FROM user_tenant_roles WHERE role = 'instructor'")[0]["user_id"].text!)
        }
        await #expect(throws: StoreError.notFound("booking")) { try await store.bookings.checkInToken(bookingId: booking.bookingId, member: "someone-else") }
        await #expect(throws: StoreError.refused(.forbidden)) {
            try await store.bookings.checkIn(bookingId: booking.bookingId, token: token, staff: member, now: start)
        }
        await #expect(throws: StoreError.refused(.checkInNotOpen)) {
            try await store.bookings.checkIn(bookingId: booking.bookingId, token: token, staff: instructor, now: start - 3600)
        }
        await #expect(throws: StoreError.refused(.invalidToken)) {
            try await store.bookings.checkIn(bookingId: booking.bookingId, token: token + "x", staff: instructor, now: start)
        }
        try await store.bookings.checkIn(bookingId: booking.bookingId, token: token, staff: instructor, now: start - 600)
        await #expect(throws: StoreError.refused(.alreadyCheckedIn)) {
            try await store.bookings.checkIn(bookingId: booking.bookingId, token: token, staff: instructor, now: start)
        }
        // A second member who never shows up.
        let absent = try await base.member("absent", credits: 4)
        let missed = try await store.bookings.book(member: absent, sessionId: base.sessions[1], marketplace: false, now: base.now)
        let settled = try await store.bookings.settleEndedSessions(now: start + 2 * 3600)
        #expect(settled.noShows == 1 && settled.completed == 1)
        #expect(try await store.bookings.booking(id: booking.bookingId).status == .completed)
        #expect(try await store.bookings.booking(id: missed.bookingId).status == .noShow)
        #expect(try await store.ledger.auditLedger().isClean)
    }

    @Test(arguments: StoreKind.allCases)
    func expiredCreditsAreRemovedAndPosted(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let member = try await f.member("imani", credits: 0)
        try await f.store.ledger.grantCredits(member: member, tenant: f.tenant.id, credits: 3, expiresAt: f.now + 3600, now: f.now)
        try await f.store.ledger.grantCredits(member: member, tenant: f.tenant.id, credits: 2, now: f.now)
        #expect(try await f.store.ledger.credits(member: member, tenant: f.tenant.id, now: f.now) == 5)
        #expect(try await f.store.ledger.credits(member: member, tenant: f.tenant.id, now: f.now + 3600) == 2, "expired credits cannot be spent")
        #expect(try await f.store.ledger.expireCredits(now: f.now + 3600) == 3)
        #expect(try await f.store.ledger.expireCredits(now: f.now + 7200) == 0)
        #expect(try await f.store.ledger.auditLedger().isClean)
    }
}
