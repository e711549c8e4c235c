import Logging
public import ServiceLifecycle
public import Storage

/// The store's periodic work, every `interval`: deliver due notifications, settle ended
/// sessions (no-shows and completions), expire credits, end cancelled subscriptions and retry
/// refunds a provider could not take; hourly, fail purchases whose checkout was never made and
/// purge spent idempotency keys. Each job is idempotent, so several servers may run it at once.
public struct Maintenance: Service {
    let store: Store
    let dispatcher: OutboxDispatcher
    let clock: ServerClock
    let interval: Duration
    /// Timetables are materialized this many days ahead, once an hour.
    let horizonDays: Int
    /// Asks providers again for the refunds they could not take; returns how many.
    let retryRefunds: @Sendable (Int64) async throws -> Int
    let logger = Logger(label: "studioloop.maintenance")

    public init(
        store: Store, dispatcher: OutboxDispatcher, clock: ServerClock, interval: Duration = .seconds(30), horizonDays: Int = 14,
        retryRefunds: @escaping @Sendable (Int64) async throws -> Int = { _ in 0 }
    ) {
        self.retryRefunds = retryRefunds
        self.store = store
        self.dispatcher = dispatcher
        self.clock = clock
        self.interval = interval
        self.horizonDays = horizonDays
    }

    public func run() async throws {
        var extended: Int64 = 0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let now = clock.now()
            await runOnce(extendSchedules: extended <= now - 3_600)
            if extended <= now - 3_600 { extended = now }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        // Flush what is due before the process ends.
        await runOnce(extendSchedules: false)
    }

    func runOnce(extendSchedules: Bool) async {
        let now = clock.now()
        do {
            try await dispatcher.queueRosterDigests(now: now)
            _ = try await dispatcher.dispatchDue(now: now)
            let settled = try await store.bookings.settleEndedSessions(now: now)
            let expired = try await store.ledger.expireCredits(now: now)
            let ended = try await store.payments.endCancelledSubscriptions(now: now)
            let refunds = try await retryRefunds(now)
            if refunds > 0 { logger.info("asked providers again for \(refunds) refunds") }
            if extendSchedules {
                try await store.payments.purgeIdempotencyKeys(now: now)
                try await store.payments.expireUnstartedPayments(now: now)
                let gyms = try await store.catalog.extendSchedules(until: now + Int64(horizonDays) * 86_400, now: now)
                if gyms > 0 { logger.info("materialized new sessions for \(gyms) gyms") }
            }
            if settled.noShows + settled.completed + expired + ended > 0 {
                logger.info("settled \(settled.completed) completed and \(settled.noShows) no-shows, expired \(expired) lots, ended \(ended) subscriptions")
            }
        } catch {
            logger.error("maintenance run failed (retried next round): \(error)")
        }
    }
}
