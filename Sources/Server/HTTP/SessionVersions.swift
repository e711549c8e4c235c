import Storage
import Synchronization

/// Each account's current session version, read from the store and kept for a moment: every
/// signed-in request checks its token's version against it (one indexed read, at most every
/// `freshness` per account per server), so a password reset or a stolen refresh token ends the
/// sessions before it at once here and within `freshness` on other servers. An account that no
/// longer exists has no version, and its tokens are refused.
final class SessionVersions: Sendable {
    private let accounts: AccountStore
    let freshness: Duration
    private let known = Mutex<[String: (version: Int?, read: ContinuousClock.Instant)]>([:])

    static let maxAccounts = 100_000

    init(accounts: AccountStore, freshness: Duration = .seconds(2)) {
        self.accounts = accounts
        self.freshness = freshness
    }

    /// The account's session version; nil when there is no such account. While the store
    /// cannot be reached, the version last read is used however old (what the index serves,
    /// search, goes on for a member signed in before the cut; everything else needs the store
    /// and answers 503 anyway); an account never read here waits for the store.
    func current(_ user: String) async throws -> Int? {
        let now = ContinuousClock.now
        let entry = known.withLock { $0[user] }
        if let entry, now - entry.read < freshness { return entry.version }
        let version: Int?
        do {
            version = try await accounts.sessionVersion(user: user)
        } catch StoreError.unavailable(let why) {
            guard let entry else { throw StoreError.unavailable(why) }
            return entry.version
        }
        known.withLock { known in
            if known.count >= Self.maxAccounts { known.removeAll(keepingCapacity: true) }
            known[user] = (version, now)
        }
        return version
    }

    /// Forgets what was read for `user`, after this server moved its version on.
    func forget(_ user: String) {
        _ = known.withLock { $0.removeValue(forKey: user) }
    }
}
