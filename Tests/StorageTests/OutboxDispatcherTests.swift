import Booking
import Foundation
import Notifications
@testable import Storage
import Synchronization
import Testing
import TestSupport

/// A channel that records what it is given and fails while told to.
final class RecordingChannel: NotificationChannel {
    let delivered = Mutex<[OutboxMessage]>([])
    let failing = Atomic<Bool>(false)

    struct Down: Error {}

    func deliver(_ message: OutboxMessage) async throws {
        if failing.load(ordering: .relaxed) { throw Down() }
        delivered.withLock { $0.append(message) }
    }

    var kinds: [String] { delivered.withLock { $0.map(\.kind) } }
    /// What went to members, leaving out the messages to the gym's staff.
    var memberKinds: [String] { kinds.filter { !$0.hasPrefix("gym_") } }
}

extension StoreFixture {
    /// The gym's staff turn every message off, so a test sees only its members' messages.
    func quietStaff() async throws {
        for user in dataset.users { try await store.accounts.setNotificationOptOut(member: user.id, kind: "*", optedOut: true) }
    }

    /// How many messages to the gym's staff were skipped.
    func skippedGymMessages() async throws -> Int {
        try await store.database.transaction { db in
            try db.setContext(.system)
            return Int(try db.query("SELECT COUNT(*) AS n FROM outbox WHERE kind LIKE 'gym_%' AND status = 'skipped'")[0]["n"].integer ?? 0)
        }
    }
}

@Suite struct OutboxDispatcherTests {
    @Test(arguments: StoreKind.allCases)
    func bookingNotificationsAreDeliveredOnce(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let member = try await f.member("notify", credits: 2)
        _ = try await f.store.bookings.book(member: member, sessionId: f.sessions[2], marketplace: false, now: f.now)
        let channel = RecordingChannel()
        let dispatcher = OutboxDispatcher(database: f.store.database, channel: channel)
        let report = try await dispatcher.dispatchDue(now: f.now)
        #expect(channel.memberKinds == ["booking_confirmed"])
        #expect(channel.delivered.withLock { $0.first { $0.kind == "booking_confirmed" }?.userId } == member)
        let staff = Set(f.dataset.users.map(\.id))
        let toGym = channel.delivered.withLock { $0.filter { $0.kind == "gym_new_booking" } }
        #expect(!toGym.isEmpty && toGym.allSatisfy { staff.contains($0.userId ?? "") }, "the gym's staff hear of it, each once")
        #expect(Set(toGym.map(\.userId)).count == toGym.count)
        #expect(report.delivered == channel.kinds.count)
        #expect(try await dispatcher.dispatchDue(now: f.now + 3600) == OutboxDispatcher.Report())
    }

    @Test(arguments: StoreKind.allCases)
    func failuresBackOffThenFail(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let member = try await f.member("retry", credits: 2)
        try await f.quietStaff()
        _ = try await f.store.bookings.book(member: member, sessionId: f.sessions[2], marketplace: false, now: f.now)
        let channel = RecordingChannel()
        channel.failing.store(true, ordering: .relaxed)
        var dispatcher = OutboxDispatcher(database: f.store.database, channel: channel)
        dispatcher.maxAttempts = 3
        #expect(try await dispatcher.dispatchDue(now: f.now).retried == 1)
        // Not due again until the backoff has passed: 30 s, then 60 s.
        #expect(try await dispatcher.dispatchDue(now: f.now + 29) == OutboxDispatcher.Report())
        #expect(try await dispatcher.dispatchDue(now: f.now + 30).retried == 1)
        #expect(try await dispatcher.dispatchDue(now: f.now + 89) == OutboxDispatcher.Report())
        #expect(try await dispatcher.dispatchDue(now: f.now + 90).failed == 1)
        channel.failing.store(false, ordering: .relaxed)
        #expect(try await dispatcher.dispatchDue(now: f.now + 10_000) == OutboxDispatcher.Report())
        #expect(channel.kinds.isEmpty)
    }

    /// A dispatcher that dies after leasing a message: the lease runs out and the message is
    /// delivered by the next one, not lost.
    @Test(arguments: StoreKind.allCases)
    func aCrashAfterLeasingLosesNothing(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let member = try await f.member("crash", credits: 2)
        try await f.quietStaff()
        _ = try await f.store.bookings.book(member: member, sessionId: f.sessions[2], marketplace: false, now: f.now)
        let channel = RecordingChannel()
        let dispatcher = OutboxDispatcher(database: f.store.database, channel: channel)
        let leased = try await dispatcher.lease(now: f.now)  // …and then the process dies.
        #expect(leased.map(\.kind) == ["booking_confirmed"], "the gym's row waits to be handed to its staff")
        #expect(try await dispatcher.dispatchDue(now: f.now + 30).delivered == 0, "still leased")
        #expect(try await dispatcher.dispatchDue(now: f.now + 60).delivered == 1)
        #expect(channel.kinds == ["booking_confirmed"])
    }
}
