public import Foundation
import Logging
public import Marketplace
public import ServiceLifecycle

/// The index's upkeep over a long run: it is compacted into one segment when edits and hourly
/// timetable rolls have scattered it (`MarketplaceIndex.compactionDue`), so a server that has
/// run for a week searches as fast as a fresh one; and, with a snapshot file, it is written to
/// disk every `snapshotInterval` and once more at shutdown, so a restart (after a power cut too)
/// serves search from it within seconds and reads back from the store only what changed since.
///
/// A snapshot is only taken while the index is in step with the store (no gym waiting to be
/// reloaded, the listener hearing other servers) and when something changed since the last one.
/// The file is replaced whole (written beside it, then renamed); one cut short by a power cut
/// fails its checksum and the next start reads the store instead.
public struct IndexUpkeep: Service {
    let index: MarketplaceIndex
    let snapshot: Snapshot?
    let clock: ServerClock
    let logger = Logger(label: "studioloop.index-upkeep")
    /// How often compaction and the snapshot are considered: a snapshot skipped while the
    /// index was not in step (a start from a snapshot still reading back) is taken soon after.
    let tick: Duration

    /// Where and how often the live index is written.
    public struct Snapshot: Sendable {
        public var file: URL
        /// The store's identity (`Store.identity()`): the snapshot is for it alone.
        public var store: String
        public var interval: Duration
        /// Whether the index holds every change it has been told of (`IndexSync.isInStep`).
        public var inStep: @Sendable () -> Bool

        public init(file: URL, store: String, interval: Duration, inStep: @escaping @Sendable () -> Bool) {
            self.file = file
            self.store = store
            self.interval = interval
            self.inStep = inStep
        }
    }

    public init(index: MarketplaceIndex, snapshot: Snapshot?, clock: ServerClock, tick: Duration = .seconds(1)) {
        self.index = index
        self.snapshot = snapshot
        self.clock = clock
        self.tick = tick
    }

    public func run() async {
        // A snapshot at once when the index was just read from the store (nothing on disk yet,
        // or an unusable file): the next restart is fast even if this run is short.
        var written: UInt64? = nil
        var lastWrite = ContinuousClock.now - (snapshot?.interval ?? .zero)
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            if index.compactionDue {
                let started = ContinuousClock.now
                if index.compact() { logger.info("compacted the index into one segment in \(ContinuousClock.now - started)") }
            }
            if let snapshot, ContinuousClock.now - lastWrite >= snapshot.interval, let done = write(snapshot, unless: written) {
                written = done
                lastWrite = .now
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: tick) }
        }
        if let snapshot { _ = write(snapshot, unless: written) }
    }

    /// Writes the snapshot if the index is in step and changed since `previous` (its change
    /// count then); returns the change count written, or nil if nothing was.
    func write(_ snapshot: Snapshot, unless previous: UInt64?) -> UInt64? {
        let changes = index.changes
        guard changes != previous, snapshot.inStep() else { return nil }
        // Before the index is read: every change committed earlier is in it (the reader reads
        // back from a margin before this, for changes still on their way).
        let watermark = clock.now()
        let started = ContinuousClock.now
        do {
            try IndexSnapshot.write(index, store: snapshot.store, watermark: watermark, to: snapshot.file)
            logger.debug("wrote the index snapshot \(snapshot.file.path) in \(ContinuousClock.now - started)")
            return changes
        } catch {
            logger.error("could not write the index snapshot (the next start reads the store instead): \(error)")
            return nil
        }
    }
}
