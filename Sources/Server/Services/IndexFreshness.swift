import Synchronization

/// Whether the index may be missing changes other servers made: from the moment this server
/// stops hearing them (its listener's connection lost, as when PostgreSQL is cut off) until it
/// has read back everything it missed. Search keeps answering from the index meanwhile; once
/// that has lasted `threshold`, its answers (`X-Index-Stale-Seconds`) and `/ready` say so.
public final class IndexFreshness: Sendable {
    public let threshold: Duration
    private let behindSince = Mutex<ContinuousClock.Instant?>(nil)

    public init(threshold: Duration = .seconds(5)) {
        self.threshold = threshold
    }

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
