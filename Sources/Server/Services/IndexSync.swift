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
    /// When the index was read from the store: on PostgreSQL, changes since are caught up at start.
    let builtAt: Int64
    let logger = Logger(label: "studioloop.index-sync")
    let reloads = GymReloads()

    public init(loader: CatalogLoader, index: MarketplaceIndex, clock: ServerClock, listenURL: String?, builtAt: Int64? = nil) {
        self.builtAt = builtAt ?? clock.now()
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
                    // Changes other servers made between the index's build and this LISTEN.
                    var caughtUpTo = clock.now()
                    for change in (try? await loader.store.sessionChanges(since: builtAt - 5)) ?? [] { await apply(change) }
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

    /// Applies one change: a spot update at once; a gym whose details, timetable or sessions
    /// changed is queued for a reload.
    func apply(_ change: SessionChange) async {
        if !change.isGymChange, !change.isCancelled,
            index.setSpots(gymId: change.tenantId, classId: change.classId, start: change.start, spotsLeft: change.spotsLeft)
        {
            // A reload of this gym may have read the store just before this change: it is
            // applied again once the reloaded gym is in.
            await reloads.note(change)
            return
        }
        await reloads.request(change.tenantId, sync: self)
    }

    /// Reads `gyms` from the store as they are now and swaps them into the index in one segment.
    func reload(_ gyms: Set<String>) async {
        do {
            let now = clock.now()
            // Many gyms at once (the hourly roll of timetables): one read of the whole catalog.
            let records: [GymRecords] =
                gyms.count > 64
                ? try await loader.catalog(now: now).filter { gyms.contains($0.tenant.id) }.map(loader.records)
                : try await gyms.sorted().asyncCompactMap { try await loader.gym($0, now: now) }
            index.upsert(records)
            for missing in gyms.subtracting(records.map(\.tenant.id)) { index.removeGym(id: missing) }
            for change in await reloads.finished(sync: self) {
                index.setSpots(gymId: change.tenantId, classId: change.classId, start: change.start, spotsLeft: change.spotsLeft)
            }
        } catch {
            logger.error("could not reload \(gyms.count) gyms into the index: \(error)")
            _ = await reloads.finished(sync: self)
        }
    }
}

/// Gyms waiting to be reloaded. Requests within `delay` of the first are reloaded together, so
/// a burst of changes (a gym editing its timetable, every gym's hourly roll) rebuilds once; one
/// batch is read at a time.
actor GymReloads {
    private var pending: Set<String> = []
    private var running = false
    /// Gyms being read from the store now, and the spot changes to them seen meanwhile.
    private var inFlight: Set<String> = []
    private var missed: [SessionChange] = []
    static let delay: Duration = .milliseconds(20)

    func request(_ gym: String, sync: IndexSync) {
        pending.insert(gym)
        if !running { start(sync) }
    }

    func note(_ change: SessionChange) {
        if inFlight.contains(change.tenantId) { missed.append(change) }
    }

    /// Ends a batch: the spot changes to re-apply now that its gyms are in the index. Starts
    /// the next batch if gyms were requested meanwhile.
    func finished(sync: IndexSync) -> [SessionChange] {
        let changes = missed
        (missed, inFlight, running) = ([], [], false)
        if !pending.isEmpty { start(sync) }
        return changes
    }

    private func start(_ sync: IndexSync) {
        running = true
        Task {
            try? await Task.sleep(for: Self.delay)
            await sync.reload(take())
        }
    }

    private func take() -> Set<String> {
        (inFlight, pending) = (pending, [])
        return inFlight
    }
}

extension Sequence {
    func asyncCompactMap<T>(_ transform: (Element) async throws -> T?) async rethrows -> [T] {
        var result: [T] = []
        for element in self { if let value = try await transform(element) { result.append(value) } }
        return result
    }
}
