import Logging
public import ServiceLifecycle
public import Storage

/// The store's periodic work, every `interval`: deliver due notifications, settle ended
/// sessions (no-shows and completions), expire credits, end cancelled subscriptions and purge
/// spent idempotency keys. Each job is idempotent, so several servers may run it at once.
public struct Maintenance: Service {
    let store: BookingStore
    let dispatcher: OutboxDispatcher
    let clock: ServerClock
    let interval: Duration
    let logger = Logger(label: "studioloop.maintenance")

    public init(store: BookingStore, dispatcher: OutboxDispatcher, clock: ServerClock, interval: Duration = .seconds(30)) {
        self.store = store
        self.dispatcher = dispatcher
        self.clock = clock
        self.interval = interval
    }

    public func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await runOnce()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
        }
        // Flush what is due before the process ends.
        await runOnce()
    }

    func runOnce() async {
        let now = clock.now()
        do {
            _ = try await dispatcher.dispatchDue(now: now)
            let settled = try await store.settleEndedSessions(now: now)
            let expired = try await store.expireCredits(now: now)
            let ended = try await store.endCancelledSubscriptions(now: now)
            if settled.noShows + settled.completed + expired + ended > 0 {
                logger.info("settled \(settled.completed) completed and \(settled.noShows) no-shows, expired \(expired) lots, ended \(ended) subscriptions")
            }
        } catch {
            logger.error("maintenance run failed (retried next round): \(error)")
        }
    }
}
