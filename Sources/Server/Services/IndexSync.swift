import Logging
public import Marketplace
public import ServiceLifecycle
public import Storage
import Synchronization

/// Keeps the index in step with the store: every committed spot change made through this
/// process's store, and on PostgreSQL every change other processes announce. A session the
/// index does not know (new) or one the gym cancelled reloads that gym from the store. All its
/// work runs in `run()`'s task group, so graceful shutdown waits for it.
public struct IndexSync: Service {
    let loader: CatalogLoader
    let index: MarketplaceIndex
    let clock: ServerClock
    /// For PostgreSQL: where to LISTEN for other servers' changes.
    let listenURL: String?
    /// Already listening, from before the index was read (so nothing between is missed), as the
    /// server makes it; else one is made from `listenURL` when the service runs (the tests'
    /// fixtures, which hold a connection only while they run), and the start-up catch-up
    /// covers the gap.
    let listener: ChangeListener?
    /// Where the index came from, and so what is caught up at start.
    let origin: IndexOrigin
    let metrics: ServerMetrics?
    /// Marked behind while the listener is not hearing other servers.
    let freshness: IndexFreshness?
    let logger = Logger(label: "studioloop.index-sync")
    private let reloads = GymReloads.Shared()
    private let wake: AsyncStream<Void>
    private let wakeSink: AsyncStream<Void>.Continuation
    /// Requests within this of the first are reloaded together.
    static let batchDelay: Duration = .milliseconds(20)
    /// How far before a snapshot's watermark changes are read back: a change committed just
    /// before it may not yet have reached the index when the snapshot was taken.
    static let snapshotSlack: Int64 = 60

    /// Whether the index holds every change it has been told of: what a snapshot loaded at
    /// start missed has been read back, no gym waits to be reloaded, and the listener (if any)
    /// is hearing other servers. A snapshot is only taken then.
    public var isInStep: Bool {
        freshness?.isRestoring != true && freshness?.isBehind != true && reloads.withLock { $0.isIdle }
    }

    public init(
        loader: CatalogLoader, index: MarketplaceIndex, clock: ServerClock, listenURL: String?, listener: ChangeListener? = nil,
        origin: IndexOrigin? = nil, metrics: ServerMetrics? = nil, freshness: IndexFreshness? = nil
    ) {
        self.listener = listener
        self.freshness = freshness
        self.origin = origin ?? .store(readAt: clock.now())
        self.loader = loader
        self.index = index
        self.clock = clock
        self.listenURL = listenURL
        self.metrics = metrics
        (wake, wakeSink) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func run() async throws {
        let listener = try self.listener ?? listenURL.map(ChangeListener.init(url:))
        if case .snapshot(let watermark) = origin {
            // Everything the store changed since the snapshot, from this process or any other:
            // spots applied, gyms queued for reloading. What arrives meanwhile waits in the
            // streams below. /ready waits for the gyms too: the reloads say when they are done.
            await catchUp(since: watermark - Self.snapshotSlack)
            if reloads.withLock({ $0.isIdle }) { freshness?.restored() }
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask(operation: followOwnChanges)
            group.addTask(operation: runReloads)
            if let listener {
                group.addTask(operation: listener.run)
                group.addTask(operation: { await followOtherServers(listener) })
            }
            // When one loop ends (shutdown), the others are told to end too.
            try await group.next()
            group.cancelAll()
        }
    }

    /// The changes committed through this process's store. On PostgreSQL every spot count also
    /// comes back through LISTEN, in commit order; applied from here too, this server's count
    /// could land after a later one from another server and undo it, so there the listener's
    /// alone are applied (reloads are asked for from both: a reload reads the store as it is).
    private func followOwnChanges() async {
        for await change in loader.store.changes.cancelOnGracefulShutdown() {
            if listenURL != nil, let spots = change.session, !spots.isCancelled { continue }
            apply(change)
        }
    }

    /// The batches of gym reloads the state machine asks for, one at a time.
    private func runReloads() async {
        for await _ in wake.cancelOnGracefulShutdown() { await reloadBatch() }
    }

    /// What other servers announce, and what they changed while this one was not listening.
    private func followOtherServers(_ listener: ChangeListener) async {
        // Spots other servers changed between the index's build and the LISTEN (none when the
        // listener was made first). Gyms are not read back here: a store filled moments ago
        // would reload every gym.
        var caughtUpTo = clock.now()
        if case .store(let readAt) = origin { await catchUp(since: readAt - 5, gyms: false) }
        for await event in listener.events.cancelOnGracefulShutdown() {
            switch event {
            case .change(let change):
                apply(change)
            case .lost:
                freshness?.lost()
            case .reconnected:
                // Announcements made while disconnected were missed: read them back.
                let since = caughtUpTo - 5
                caughtUpTo = clock.now()
                await catchUp(since: since)
                freshness?.caughtUp()
            }
        }
    }

    /// Applies one change: a spot update at once; a gym whose details, timetable or sessions
    /// changed is queued for a reload.
    func apply(_ change: CatalogChange) {
        if let spots = change.session, !spots.isCancelled,
            index.setSpots(gymId: spots.tenantId, classId: spots.classId, start: spots.start, spotsLeft: spots.spotsLeft)
        {
            reloads.withLock { $0.note(spots) }
            return
        }
        if reloads.withLock({ $0.request(change.tenantId) }) == .startBatch { wakeSink.yield() }
    }

    /// Reads every change since `since` back from the store, retrying until it can: an index
    /// left behind would answer with stale spots. Sessions' spots are applied; gyms whose
    /// details or classes changed are reloaded.
    func catchUp(since: Int64, gyms: Bool = true) async {
        var wait: Duration = .milliseconds(100)
        while !Task.isCancelled {
            do {
                let started = ContinuousClock.now
                let catalog = loader.store.catalog
                let sessions = try await catalog.sessionChanges(since: since)
                for change in sessions { apply(.session(change)) }
                let changed = gyms ? try await catalog.gymChanges(since: since) : []
                for gym in changed { apply(.gym(tenantId: gym)) }
                logger.info("read back \(sessions.count) sessions and \(changed.count) gyms changed since \(since) in \(ContinuousClock.now - started)")
                return
            } catch {
                metrics?.indexCatchUpFailed()
                logger.error("could not catch up on changes since \(since) (retrying in \(wait)): \(error)")
                try? await Task.sleep(for: wait)
                wait = min(wait * 2, .seconds(10))
            }
        }
    }

    /// One batch: waits a moment for more requests, reads the gyms from the store as they are
    /// now and swaps them into the index in one segment.
    func reloadBatch() async {
        try? await Task.sleep(for: Self.batchDelay)
        let gyms = reloads.withLock { $0.take() }
        let started = ContinuousClock.now
        do {
            let now = clock.now()
            // Many gyms at once (the hourly roll of timetables): one read of the whole catalog.
            let records: [GymRecords] =
                gyms.count > 64
                ? try await loader.catalog(now: now).filter { gyms.contains($0.tenant.id) }.map(loader.records)
                : try await gyms.sorted().asyncCompactMap { try await loader.gym($0, now: now) }
            index.upsert(records)
            for missing in gyms.subtracting(records.map(\.tenant.id)) { index.removeGym(id: missing) }
            logger.info("reloaded \(gyms.count) gyms into the index in \(ContinuousClock.now - started)")
        } catch {
            metrics?.indexReloadFailed()
            logger.error("could not reload \(gyms.count) gyms into the index (asked again): \(error)")
            // Asked again after a pause, so the gyms are not left stale.
            reloads.withLock { state in for gym in gyms { _ = state.request(gym) } }
            try? await Task.sleep(for: .seconds(1))
        }
        let (reapply, next) = reloads.withLock { $0.finished() }
        for change in reapply {
            index.setSpots(gymId: change.tenantId, classId: change.classId, start: change.start, spotsLeft: change.spotsLeft)
        }
        if next == .startBatch {
            wakeSink.yield()
        } else if freshness?.isRestoring == true {
            // The gyms a snapshot's catch-up queued are in (it ran before any batch could).
            freshness?.restored()
        }
    }
}

/// Where a server's index came from.
public enum IndexOrigin: Sendable {
    /// Read from the store at this second: on PostgreSQL, spots other servers changed since are
    /// caught up at start.
    case store(readAt: Int64)
    /// Loaded from an index snapshot holding every change committed before `watermark`.
    case snapshot(watermark: Int64)

    var isSnapshot: Bool { if case .snapshot = self { true } else { false } }
}

extension Sequence {
    func asyncCompactMap<T>(_ transform: (Element) async throws -> T?) async rethrows -> [T] {
        var result: [T] = []
        for element in self { if let value = try await transform(element) { result.append(value) } }
        return result
    }
}
