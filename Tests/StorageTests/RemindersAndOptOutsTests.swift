import Booking
import Notifications
@testable import Storage
import Testing
import TestSupport

@Suite struct RemindersAndOptOutsTests {
    @Test(arguments: StoreKind.allCases)
    func remindersGoOutTwoHoursBeforeAndNotAfterACancellation(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let staying = try await f.member("staying", credits: 2), leaving = try await f.member("leaving", credits: 2)
        let kept = try await f.store.bookings.book(member: staying, sessionId: f.sessions[2], marketplace: false, now: f.now)
        let dropped = try await f.store.bookings.book(member: leaving, sessionId: f.sessions[2], marketplace: false, now: f.now)
        _ = try await f.store.bookings.cancel(bookingId: dropped.bookingId, member: leaving, reason: nil, now: f.now)
        let start = try await f.store.database.transaction { db in
            try db.query("SELECT start_time FROM class_schedules WHERE id = $1", .text(f.sessions[2]))[0]["start_time"].integer!
        }
        let channel = RecordingChannel()
        let dispatcher = OutboxDispatcher(database: f.store.database, channel: channel)
        try await dispatcher.dispatchDue(now: f.now)
        #expect(channel.memberKinds.sorted() == ["booking_cancelled", "booking_confirmed", "booking_confirmed"])
        #expect(try await dispatcher.dispatchDue(now: start - 2 * 3600 - 1) == OutboxDispatcher.Report())
        #expect(try await dispatcher.dispatchDue(now: start - 2 * 3600).delivered == 1)
        let reminder = channel.delivered.withLock { $0.last }
        #expect(reminder?.kind == "class_reminder" && reminder?.userId == staying && reminder?.payload.contains(kept.bookingId) == true)
    }

    @Test(arguments: StoreKind.allCases)
    func optedOutKindsAreSkipped(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let quiet = try await f.member("quiet", credits: 4), all = try await f.member("all", credits: 4)
        try await f.quietStaff()
        try await f.store.accounts.setNotificationOptOut(member: quiet, kind: "booking_confirmed", optedOut: true)
        _ = try await f.store.bookings.book(member: quiet, sessionId: f.sessions[0], marketplace: false, now: f.now)
        _ = try await f.store.bookings.book(member: all, sessionId: f.sessions[0], marketplace: false, now: f.now)
        let channel = RecordingChannel()
        let report = try await OutboxDispatcher(database: f.store.database, channel: channel).dispatchDue(now: f.now)
        let toStaff = try await f.skippedGymMessages()
        #expect(report.delivered == 1 && report.skipped == 1 + toStaff)
        #expect(channel.delivered.withLock { $0.map(\.userId) } == [all])
        // Opting back in applies to what comes next.
        try await f.store.accounts.setNotificationOptOut(member: quiet, kind: "booking_confirmed", optedOut: false)
        _ = try await f.store.bookings.book(member: quiet, sessionId: f.sessions[1], marketplace: false, now: f.now)
        #expect(try await OutboxDispatcher(database: f.store.database, channel: channel).dispatchDue(now: f.now).delivered == 1)
    }
}
