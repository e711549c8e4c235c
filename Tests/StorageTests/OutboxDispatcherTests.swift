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
}

@Suite struct OutboxDispatcherTests {
    @Test(arguments: StoreKind.allCases)
    func bookingNotificationsAreDeliveredOnce(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let member = try await f.member("notify", credits: 2)
        _ = try await f.store.bookings.book(member: member, sessionId: f.sessions[2], marketplace: false, now: f.now)
        let channel = RecordingChannel()
        let dispatcher = OutboxDispatcher(database: f.store.database, channel: channel)
        #expect(try await dispatcher.dispatchDue(now: f.now).delivered == 1)
        #expect(channel.kinds == ["booking_confirmed"])
        #expect(channel.delivered.withLock { $0.first?.userId } == member)
        #expect(try await dispatcher.dispatchDue(now: f.now + 3600) == OutboxDispatcher.Report())
    }

    @Test(arguments: StoreKind.allCases)
    func failuresBackOffThenFail(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let member = try await f.member("retry", credits: 2)
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
        _ = try await f.store.bookings.book(member: member, sessionId: f.sessions[2], marketplace: false, now: f.now)
        let channel = RecordingChannel()
        let dispatcher = OutboxDispatcher(database: f.store.database, channel: channel)
        let leased = try await dispatcher.lease(now: f.now)  // …and then the process dies.
        #expect(leased.count == 1)
        #expect(try await dispatcher.dispatchDue(now: f.now + 30) == OutboxDispatcher.Report(), "still leased")
        #expect(try await dispatcher.dispatchDue(now: f.now + 60).delivered == 1)
        #expect(channel.kinds == ["booking_confirmed"])
    }
}
