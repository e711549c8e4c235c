import Logging
public import Marketplace
public import ServiceLifecycle
public import Storage

/// Keeps the index in step with the store: every committed spot change made through this
/// process's store, and on PostgreSQL every change other processes announce. A session the
/// index does not know (new) or one the gym cancelled reloads that gym from the store.
public struct IndexSync: Service {
    let loader: CatalogLoader
    let index: MarketplaceIndex
    let clock: ServerClock
    /// For PostgreSQL: where to LISTEN for other servers' changes.
    let listenURL: String?
    let logger = Logger(label: "studioloop.index-sync")

    public init(loader: CatalogLoader, index: MarketplaceIndex, clock: ServerClock, listenURL: String?) {
        self.loader = loader
        self.index = index
        self.clock = clock
        self.listenURL = listenURL
    }

    public func run() async throws {
        let listener = try listenURL.map(SessionChangeListener.init(url:))
        defer { listener?.stop() }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await change in loader.store.changes.cancelOnGracefulShutdown() { await apply(change) }
            }
            if let listener {
                group.addTask {
                    var caughtUpTo = clock.now()
                    for await event in listener.events.cancelOnGracefulShutdown() {
                        switch event {
                        case .change(let change):
                            await apply(change)
                        case .reconnected:
                            // Announcements made while disconnected were missed: read them back.
                            let since = caughtUpTo - 5
                            caughtUpTo = clock.now()
                            for change in (try? await loader.store.sessionChanges(since: since)) ?? [] { await apply(change) }
                        }
                    }
                }
            }
        }
    }

    /// Applies one change; gyms are reloaded whole when a spot update alone cannot express it.
    func apply(_ change: SessionChange) async {
        if !change.isGymChange, !change.isCancelled,
            index.setSpots(gymId: change.tenantId, classId: change.classId, start: change.start, spotsLeft: change.spotsLeft)
        {
            return
        }
        await reload(gym: change.tenantId)
    }

    func reload(gym tenantId: String) async {
        do {
            if let records = try await loader.gym(tenantId, now: clock.now()) {
                index.upsert(records)
            } else {
                index.removeGym(id: tenantId)
            }
        } catch {
            logger.error("could not reload gym \(tenantId) into the index: \(error)")
        }
    }
}
