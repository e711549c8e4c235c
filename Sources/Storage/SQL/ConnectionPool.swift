import DequeModule
import NIOPosix
import SQL
import Synchronization

/// A fixed set of connections, each used by one transaction at a time on a thread of the pool's
/// own `NIOThreadPool` (database calls block; they never run on the caller's executor). There
/// are as many threads as connections, so a job always finds one free. A connection found
/// broken (a server restart, a network cut) is replaced before the next job uses it, and a
/// store that cannot be reached is retried at most every `reconnectInterval`, failing fast in
/// between. A store across a network that stops answering without closing anything (a pooler
/// waiting for a server that is gone, packets dropped) would hold every connection and queue
/// every request behind them: with a `stallLimit`, once every connection has been held that
/// long, new jobs fail at once as unavailable instead of waiting.
final class ConnectionPool: Sendable {
    typealias Opener = @Sendable () throws(SQLError) -> any SQLConnection

    private let threads: NIOThreadPool
    private let state: Mutex<State>
    private let open: Opener
    let reconnectInterval: Duration
    let stallLimit: Duration?

    private struct State {
        var idle: Deque<Slot>
        /// When a connection was last taken. While none is idle, that one is still held, and
        /// it is the newest held.
        var lastTaken = ContinuousClock.now
    }

    /// One connection's place in the pool. Only the thread that took it from the idle ones
    /// touches it.
    private final class Slot: @unchecked Sendable {
        var connection: (any SQLConnection)?
        var lastFailure: ContinuousClock.Instant?
    }

    /// Opens every connection now, so a wrong address or password fails at start-up.
    init(
        size: Int, reconnectInterval: Duration = .milliseconds(500), stallLimit: Duration? = nil, open: @escaping Opener
    ) throws(SQLError) {
        precondition(size >= 1)
        var slots = Deque<Slot>()
        for _ in 0..<size {
            let slot = Slot()
            slot.connection = try open()
            slots.append(slot)
        }
        state = Mutex(State(idle: slots))
        self.open = open
        self.reconnectInterval = reconnectInterval
        self.stallLimit = stallLimit
        threads = NIOThreadPool(numberOfThreads: size)
        threads.start()
    }

    deinit {
        threads.shutdownGracefully(queue: .global()) { _ in }
    }

    /// Runs `job` on a free connection, on one of the pool's threads.
    func withConnection<T: Sendable>(_ job: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        if let stalled = stalledFor() {
            throw SQLError.unavailable("the store has not answered for \(stalled.components.seconds) s on any connection")
        }
        return try await threads.runIfActive { [self] in
            let slot = state.withLock { state in
                state.lastTaken = .now
                return state.idle.popFirst()
            }
            guard let slot else { preconditionFailure("more jobs than threads in the pool") }
            defer { state.withLock { $0.idle.append(slot) } }
            return try job(try connection(in: slot))
        }
    }

    /// How long the most recently taken connection has been held, when every one is held and
    /// that is past `stallLimit`; nil otherwise.
    private func stalledFor() -> Duration? {
        guard let stallLimit else { return nil }
        return state.withLock { state in
            guard state.idle.isEmpty else { return nil }
            let held = ContinuousClock.now - state.lastTaken
            return held >= stallLimit ? held : nil
        }
    }

    /// The slot's connection, replaced first if it broke.
    private func connection(in slot: Slot) throws(SQLError) -> any SQLConnection {
        if let connection = slot.connection, !connection.isBroken { return connection }
        slot.connection = nil
        let now = ContinuousClock.now
        if let last = slot.lastFailure, now - last < reconnectInterval {
            throw .unavailable("the store cannot be reached; retrying the connection shortly")
        }
        do {
            let fresh = try open()
            slot.connection = fresh
            slot.lastFailure = nil
            return fresh
        } catch {
            slot.lastFailure = now
            throw error
        }
    }
}
