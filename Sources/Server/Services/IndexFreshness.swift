import Synchronization

/// Whether the index may be missing changes other servers made: from the moment this server
/// stops hearing them (its listener's connection lost, as when PostgreSQL is cut off) until it
/// has read back everything it missed. Search keeps answering from the index meanwhile; once
/// that has lasted `threshold`, its answers (`X-Index-Stale-Seconds`) and `/ready` say so.
public final class IndexFreshness: Sendable {
    public let threshold: Duration
    private let behindSince = Mutex<ContinuousClock.Instant?>(nil)
    /// Loaded from a snapshot and still reading back what the store changed since.
    private let restoring: Atomic<Bool>

    /// - Parameter restoring: the index was loaded from a snapshot: not in step until `restored()`.
    public init(threshold: Duration = .seconds(5), restoring: Bool = false) {
        self.threshold = threshold
        self.restoring = Atomic(restoring)
    }

    /// The store's changes since the snapshot have been read back.
    func restored() {
        restoring.store(false, ordering: .relaxed)
    }

    /// Still reading back the store's changes since the snapshot the index was loaded from.
    public var isRestoring: Bool { restoring.load(ordering: .relaxed) }

    /// Changes are being missed now, however briefly.
    var isBehind: Bool { behindSince.withLock { $0 != nil } }

    /// Changes may be being missed from now (kept as it was if already so).
    func lost() {
        behindSince.withLock { if $0 == nil { $0 = .now } }
    }

    /// Everything missed has been read back.
    func caughtUp() {
        behindSince.withLock { $0 = nil }
    }

    /// Whole seconds the index has been behind, once that has lasted the threshold; nil before.
    public var staleSeconds: Int? {
        guard let since = behindSince.withLock({ $0 }) else { return nil }
        let behind = ContinuousClock.now - since
        return behind >= threshold ? Int(behind.components.seconds) : nil
    }
}
