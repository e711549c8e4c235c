import Synchronization

/// At most `limit` requests per key in any `window`, counted as a sliding window: the current
/// fixed window's count plus the previous window's, weighted by how much of it the sliding
/// window still covers (the approximation Cloudflare and nginx's limiters use: two counters a
/// key, no log of timestamps). A key over its limit learns how many seconds until its next
/// request would pass.
///
/// Counts live in this process: several servers behind one load balancer each allow the limit,
/// which is what a limit against abuse (not a quota) needs.
final class RateLimiter: Sendable {
    let limit: Int
    let window: Duration
    private let counters = Mutex<[String: Counter]>([:])

    struct Counter {
        /// Which fixed window `current` counts: its start, in whole windows since the clock's epoch.
        var windowIndex: Int64
        var current: Int
        var previous: Int
    }

    /// Keys kept before idle ones (whose windows have passed) are dropped.
    static let maxKeys = 200_000

    /// - Parameter origin: where the fixed windows start (every key's windows line up).
    init(limit: Int, per window: Duration, origin: ContinuousClock.Instant = .now) {
        precondition(limit >= 1 && window > .zero)
        self.limit = limit
        self.window = window
        self.origin = origin
        length = Self.seconds(window)
    }

    private let origin: ContinuousClock.Instant
    /// The window in seconds.
    private let length: Double

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Counts a request for `key`; nil when it is allowed, else the seconds to wait.
    func take(_ key: String, at now: ContinuousClock.Instant = .now) -> Int? {
        let (index, elapsed) = position(of: now)
        return counters.withLock { counters in
            var counter = counters[key] ?? Counter(windowIndex: index, current: 0, previous: 0)
            if counter.windowIndex != index {
                counter.previous = counter.windowIndex == index - 1 ? counter.current : 0
                counter.current = 0
                counter.windowIndex = index
            }
            let weight = 1 - elapsed
            let estimate = Double(counter.previous) * weight + Double(counter.current)
            guard estimate + 1 <= Double(limit) else {
                counters[key] = counter
                return wait(previous: counter.previous, current: counter.current, elapsed: elapsed)
            }
            counter.current += 1
            counters[key] = counter
            if counters.count > Self.maxKeys { counters = counters.filter { $0.value.windowIndex >= index - 1 } }
            return nil
        }
    }

    /// The fixed window `now` falls in, and how far into it (0..<1).
    private func position(of now: ContinuousClock.Instant) -> (Int64, Double) {
        let seconds = Self.seconds(now - origin)
        let index = (seconds / length).rounded(.down)
        return (Int64(index), seconds / length - index)
    }

    /// Seconds until `previous·(1 − elapsed') + current + 1 ≤ limit`, rolling into the next
    /// window (where `current` becomes the previous count) when this one cannot get there.
    private func wait(previous: Int, current: Int, elapsed: Double) -> Int {
        let room = Double(limit - 1 - current)
        var fraction: Double
        if room >= 0, previous > 0 {
            fraction = (1 - room / Double(previous)) - elapsed  // later in this window
        } else {
            // Past the end of this window, then until its count has slid far enough out.
            fraction = (1 - elapsed) + max(0, 1 - Double(limit - 1) / Double(max(current, 1)))
        }
        // Rounded up to whole seconds, ignoring the floating-point dust of the arithmetic.
        return max(1, Int((max(fraction, 0) * length - 1e-6).rounded(.up)))
    }
}

/// Who may call how often. By default the seed's limits: 1,000 requests an hour for a
/// signed-in user and 100 an hour for an anonymous client (by address); sign-in attempts are
/// limited per account and per address, so guessing one account's password is slow and one
/// noisy address cannot lock anyone else out.
public struct RateLimits: Sendable {
    /// API requests an hour per signed-in user; nil for no limit.
    public var perUserPerHour: Int? = 1_000
    /// API requests an hour per address, before signing in; nil for no limit.
    public var anonymousPerHour: Int? = 100
    /// Sign-in, sign-up, verification and password-reset requests per address per 15 minutes.
    public var authPerAddress: Int? = 30
    /// Sign-in attempts per account (email or phone) per 15 minutes, from any address.
    public var signInPerAccount: Int? = 10
    /// Proxies (their IP addresses) whose `X-Forwarded-For` is believed: behind them the client
    /// is the last address in it that is not one of them.
    public var trustedProxies: Set<String> = []

    public init() {}

    /// No limits at all (benchmarks, fuzzing).
    public static let off: RateLimits = {
        var limits = RateLimits()
        limits.perUserPerHour = nil
        limits.anonymousPerHour = nil
        limits.authPerAddress = nil
        limits.signInPerAccount = nil
        return limits
    }()
}

/// The limiters a server runs, made from its `RateLimits`.
struct RateLimiters: Sendable {
    let user: RateLimiter?
    let anonymous: RateLimiter?
    let auth: RateLimiter?
    let signIn: RateLimiter?
    let trustedProxies: Set<String>

    init(_ limits: RateLimits) {
        user = limits.perUserPerHour.map { RateLimiter(limit: $0, per: .seconds(3_600)) }
        anonymous = limits.anonymousPerHour.map { RateLimiter(limit: $0, per: .seconds(3_600)) }
        auth = limits.authPerAddress.map { RateLimiter(limit: $0, per: .seconds(900)) }
        signIn = limits.signInPerAccount.map { RateLimiter(limit: $0, per: .seconds(900)) }
        trustedProxies = limits.trustedProxies
    }

    /// The client's address: the peer, or behind a trusted proxy the last address in
    /// `X-Forwarded-For` that is not a trusted proxy.
    func clientAddress(peer: String, forwardedFor: String?) -> String {
        guard trustedProxies.contains(peer), let forwardedFor else { return peer }
        let hops = forwardedFor.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return hops.last { !trustedProxies.contains($0) } ?? peer
    }
}
