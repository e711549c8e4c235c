import Synchronization

/// Token buckets, one per client: `burst` requests at once, refilled at `perMinute`. A client
/// over its limit learns how many seconds until its next request is allowed.
final class RateLimiter: Sendable {
    let burst: Double
    let perSecond: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    /// Buckets kept before idle ones (full again) are dropped.
    static let maxClients = 100_000

    init(perMinute: Int, burst: Int? = nil) {
        perSecond = Double(perMinute) / 60
        self.burst = Double(burst ?? perMinute)
    }

    /// Takes a token for `client`; nil when allowed, else the seconds to wait.
    func take(_ client: String, at now: ContinuousClock.Instant = .now) -> Int? {
        buckets.withLock { buckets in
            var bucket = buckets[client] ?? Bucket(tokens: burst, updated: now)
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + seconds * perSecond)
            bucket.updated = now
            defer { buckets[client] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                if buckets.count >= Self.maxClients { prune(&buckets, now: now) }
                return nil
            }
            return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
        }
    }

    /// Drops the buckets that have refilled: their clients are as new.
    private func prune(_ buckets: inout [String: Bucket], now: ContinuousClock.Instant) {
        let refill = Duration.seconds(burst / perSecond)
        buckets = buckets.filter { now - $0.value.updated < refill }
    }
}
