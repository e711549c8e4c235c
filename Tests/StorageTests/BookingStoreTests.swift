import Booking
import Datasets
import Domain
import Storage
import Testing
import TestSupport

/// The store suite: the booking rules applied in real transactions, on every store kind.
@Suite struct BookingStoreTests {
    @Test(arguments: StoreKind.allCases)
    func migrationsRunOnceAndImportsAreIdempotent(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        #expect(try await f.store.migrate(now: f.now) == [])
        #expect(f.sessions.count == 7)
    }

    @Test(arguments: StoreKind.allCases)
    func directBookingSpendsGymCredits(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let member = try await f.member("naledi", credits: 5)
        let outcome = try await f.store.bookings.book(member: member, sessionId: f.sessions[0], marketplace: false, now: f.now)
        #expect(outcome.status == .confirmed && outcome.creditsCharged == 2 && outcome.spotsLeft == 9)
        #expect(try await f.store.ledger.credits(member: member, tenant: f.tenant.id, now: f.now) == 3)
        #expect(try await f.store.bookings.spotsLeft(sessionId: f.sessions[0]) == 9)
        #expect(try await f.store.ledger.auditLedger().isClean)
    }

    @Test(arguments: StoreKind.allCases)
    func refusalsChangeNothing(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let poor = try await f.member("poor", credits: 1)
        await #expect(throws: StoreError.refused(.insufficientCredits)) {
            try await f.store.bookings.book(member: poor, sessionId: f.sessions[0], marketplace: false, now: f.now)
        }
        let member = try await f.member("sipho", credits: 10)
        _ = try await f.store.bookings.book(member: member, sessionId: f.sessions[0], marketplace: false, now: f.now)
        await #expect(throws: StoreError.refused(.bookingConflict)) {
            try await f.store.bookings.book(member: member, sessionId: f.sessions[0], marketplace: false, now: f.now)
        }
        await #expect(throws: StoreError.refused(.bookingWindowClosed)) {
            try await f.store.bookings.book(member: member, sessionId: f.sessions[1], marketplace: false, now: f.now + 30 * 86_400)
        }
        await #expect(throws: StoreError.notFound("session")) {
            try await f.store.bookings.book(member: member, sessionId: "no-such-session", marketplace: false, now: f.now)
        }
        #expect(try await f.store.ledger.credits(member: poor, tenant: f.tenant.id, now: f.now) == 1)
        #expect(try await f.store.ledger.credits(member: member, tenant: f.tenant.id, now: f.now) == 8)
        #expect(try await f.store.bookings.spotsLeft(sessionId: f.sessions[0]) == 9)
        #expect(try await f.store.ledger.auditLedger().isClean)
    }

    /// 100 members book a 10-spot session at once: exactly 10 confirmed, 90 waitlisted in
    /// positions 1 to 90, and the books balance.
    @Test(arguments: StoreKind.allCases)
    func hundredMembersTenSpots(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        var members: [String] = []
        for i in 0..<100 { members.append(try await f.member("m\(i)", credits: 4)) }
        let session = f.sessions[2]
        let outcomes = try await withThrowingTaskGroup(of: BookingOutcome.self) { group in
            for member in members {
                group.addTask { try await f.store.bookings.book(member: member, sessionId: session, marketplace: false, now: f.now) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(outcomes.filter { $0.status == .confirmed }.count == 10)
        #expect(outcomes.filter { $0.status == .waitlisted }.compactMap(\.waitlistPosition).sorted() == Array(1...90))
        #expect(try await f.store.bookings.spotsLeft(sessionId: session) == 0)
        let audit = try await f.store.ledger.auditLedger()
        #expect(audit.isClean, "\(audit)")
    }

    @Test(arguments: StoreKind.allCases)
    func cancellationRefundsAndPromotes(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let session = f.sessions[3]
        var confirmed: [(member: String, booking: String)] = []
        for i in 0..<10 {
            let m = try await f.member("c\(i)", credits: 2)
            confirmed.append((m, try await f.store.bookings.book(member: m, sessionId: session, marketplace: false, now: f.now).bookingId))
        }
        let broke = try await f.member("broke", credits: 0)
        let waiting = try await f.member("waiting", credits: 2)
        let brokeBooking = try await f.store.bookings.book(member: broke, sessionId: session, marketplace: false, now: f.now)
        let waitingBooking = try await f.store.bookings.book(member: waiting, sessionId: session, marketplace: false, now: f.now)
        #expect(brokeBooking.waitlistPosition == 1 && waitingBooking.waitlistPosition == 2)

        // In time: full refund; the spot skips the member without credits and goes to the next.
        let first = try await f.store.bookings.cancel(bookingId: confirmed[0].booking, member: confirmed[0].member, reason: "sick", now: f.now)
        #expect(first.decision == .refund && first.creditsRefunded == 2)
        #expect(first.promoted == waitingBooking.bookingId && first.skipped == [brokeBooking.bookingId])
        #expect(first.spotsLeft == 0)
        #expect(try await f.store.ledger.credits(member: confirmed[0].member, tenant: f.tenant.id, now: f.now) == 2)
        #expect(try await f.store.ledger.credits(member: waiting, tenant: f.tenant.id, now: f.now) == 0)
        #expect(try await f.store.bookings.booking(id: waitingBooking.bookingId).status == .confirmed)

        // Someone else's booking cannot be cancelled, nor can it be found.
        await #expect(throws: StoreError.notFound("booking")) {
            try await f.store.bookings.cancel(bookingId: confirmed[1].booking, member: waiting, reason: nil, now: f.now)
        }
        // Inside the 24-hour window: no refund, and after the 2-hour cut-off the waitlist closes.
        let start = try await f.store.database.transaction { db in
            try db.query("SELECT start_time FROM class_schedules WHERE id = $1", .text(session))[0]["start_time"].integer!
        }
        let late = try await f.store.bookings.cancel(bookingId: confirmed[1].booking, member: confirmed[1].member, reason: nil, now: start - 3600)
        #expect(late.decision == .lateCancel && late.creditsRefunded == 0)
        #expect(late.closed == [brokeBooking.bookingId] && late.promoted == nil)
        #expect(try await f.store.bookings.booking(id: brokeBooking.bookingId).status == .cancelled)
        #expect(try await f.store.ledger.credits(member: confirmed[1].member, tenant: f.tenant.id, now: f.now) == 0)
        #expect(try await f.store.ledger.auditLedger().isClean)
    }

    @Test(arguments: StoreKind.allCases)
    func marketplaceBookingSplitsThePrice(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind, tier: .growth)
        let member = try await f.member("amara", credits: 0, universal: 3)
        let outcome = try await f.store.bookings.book(member: member, sessionId: f.sessions[3], marketplace: true, now: f.now)
        // 2 credits × R50.00 at 15 %: R15.00 to the platform, R85.00 owed to the gym.
        #expect(outcome.marketplaceFee == Money(cents: 1_500, currency: "ZAR"))
        #expect(try await f.store.ledger.credits(member: member, tenant: nil, now: f.now) == 1)
        let payable = try await f.store.database.transaction { db in
            try db.setContext(.system)
            return try db.query("SELECT SUM(amount) AS total FROM ledger_postings WHERE account = $1", .text(LedgerAccount.gymPayable(f.tenant.id).name))[0]["total"].integer
        }
        #expect(payable == -8_500)
        // Cancelled days ahead, a refund reverses it all.
        _ = try await f.store.bookings.cancel(bookingId: outcome.bookingId, member: member, reason: nil, now: f.now)
        #expect(try await f.store.ledger.credits(member: member, tenant: nil, now: f.now) == 3)
        #expect(try await f.store.ledger.auditLedger().isClean)

        let direct = try await StoreFixture.make(kind, marketplace: false)
        let other = try await direct.member("kwame", credits: 0, universal: 3)
        await #expect(throws: StoreError.invalid("this gym does not take marketplace bookings")) {
            try await direct.store.bookings.book(member: other, sessionId: direct.sessions[0], marketplace: true, now: direct.now)
        }
    }

    /// 50 cancellations racing 50 bookings: capacity holds, every promotion is paid for, and
    /// the books balance.
    @Test(arguments: StoreKind.allCases)
    func cancellationsRacingBookings(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let session = f.sessions[4]
        var holders: [(String, String)] = []
        for i in 0..<10 {
            let m = try await f.member("h\(i)", credits: 2)
            holders.append((m, try await f.store.bookings.book(member: m, sessionId: session, marketplace: false, now: f.now).bookingId))
        }
        var newcomers: [String] = []
        for i in 0..<50 { newcomers.append(try await f.member("n\(i)", credits: 2)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (i, member) in newcomers.enumerated() {
                group.addTask { _ = try await f.store.bookings.book(member: member, sessionId: session, marketplace: false, now: f.now) }
                if i < holders.count {
                    let (holder, booking) = holders[i]
                    group.addTask { _ = try await f.store.bookings.cancel(bookingId: booking, member: holder, reason: nil, now: f.now) }
                }
            }
            try await group.waitForAll()
        }
        let counts = try await f.store.database.transaction { db in
            try db.setContext(.system)
            return try db.query("SELECT status, COUNT(*) AS n FROM bookings WHERE session_id = $1 GROUP BY status", .text(session))
                .reduce(into: [String: Int64]()) { $0[$1["status"].text!] = $1["n"].integer! }
        }
        #expect(counts["confirmed"] == 10)
        #expect(counts["cancelled"] == 10)
        #expect(counts["waitlisted"] == 40)
        #expect(try await f.store.bookings.spotsLeft(sessionId: session) == 0)
        #expect(try await f.store.ledger.auditLedger().isClean)
    }
}
