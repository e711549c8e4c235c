import Booking
import Storage
import Testing
import TestSupport

@Suite struct SessionCancellationTests {
    @Test(arguments: StoreKind.allCases)
    func aGymCancellingASessionRefundsEveryone(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let session = f.sessions[0]  // today: inside every member's own cancellation window
        var members: [String] = []
        for i in 0..<10 {
            let m = try await f.member("full\(i)", credits: 2)
            _ = try await f.store.bookings.book(member: m, sessionId: session, marketplace: false, now: f.now)
            members.append(m)
        }
        let waiting = try await f.member("waiting", credits: 2)
        _ = try await f.store.bookings.book(member: waiting, sessionId: session, marketplace: false, now: f.now)
        let owner = try await f.member("owner", credits: 0), instructor = try await f.member("coach", credits: 0)
        try await f.store.staff.grantRole(user: owner, tenant: f.tenant.id, role: .owner)
        try await f.store.staff.grantRole(user: instructor, tenant: f.tenant.id, role: .instructor)
        var changes = f.store.changes.makeAsyncIterator()

        await #expect(throws: StoreError.refused(.forbidden)) {
            try await f.store.catalog.cancelSession(sessionId: session, staff: instructor, reason: "rain", now: f.now)
        }
        #expect(try await f.store.catalog.cancelSession(sessionId: session, staff: owner, reason: "rain", now: f.now) == 11)
        for m in members { #expect(try await f.store.ledger.credits(member: m, tenant: f.tenant.id, now: f.now) == 2) }
        #expect(try await f.store.ledger.credits(member: waiting, tenant: f.tenant.id, now: f.now) == 2)
        // Ten confirmations were announced before; the eleventh change is the cancellation.
        var last: SessionChange?
        for _ in 0..<11 { last = await changes.next()?.session }
        #expect(last?.isCancelled == true && last?.sessionId == session)
        await #expect(throws: StoreError.refused(.sessionCancelled)) {
            try await f.store.bookings.book(member: waiting, sessionId: session, marketplace: false, now: f.now)
        }
        await #expect(throws: StoreError.refused(.sessionCancelled)) {
            try await f.store.catalog.cancelSession(sessionId: session, staff: owner, reason: "again", now: f.now)
        }
        #expect(try await f.store.ledger.auditLedger().isClean)
    }
}
