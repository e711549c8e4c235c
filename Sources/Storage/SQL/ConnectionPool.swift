import DequeModule
import NIOPosix
import SQL
import SQL
import Synchronization

/// A fixed set of connections, each used by one transaction at a time on a thread of the pool's
/// own `NIOThreadPool` (database calls block; they never run on the caller's executor). There
/// are as many threads as connections, so a job always finds one free. A connection found
/// broken (a server restart, a network cut) is replaced before the next job uses it, and a
/// store that cannot be reached is retried at most every `reconnectInterval`, failing fast in
/// between.
final class ConnectionPool: Sendable {
    typealias Opener = @Sendable () throws(SQLError) -> any SQLConnection

    private let threads: NIOThreadPool
    private let idle: Mutex<Deque<Slot>>
    private let open: Opener
    let reconnectInterval: Duration

    /// One connection's place in the pool. Only the thread that took it from `idle` touches it.
    private final class Slot: @unchecked Sendable {
        var connection: (any SQLConnection)?
        var lastFailure: ContinuousClock.Instant?
    }

    /// Opens every connection now, so a wrong address or password fails at start-up.
    init(size: Int, reconnectInterval: Duration = .milliseconds(500), open: @escaping Opener) throws(SQLError) {
        precondition(size >= 1)
        var slots = Deque<Slot>()
        for _ in 0..<size {
            let slot = Slot()
            slot.connection = try open()
            slots.append(slot)
        }
        idle = Mutex(slots)
        self.open = open
        self.reconnectInterval = reconnectInterval
        threads = NIOThreadPool(numberOfThreads: size)
        threads.start()
    }

    deinit {
        threads.shutdownGracefully(queue: .global()) { _ in }
    }

    /// Runs `job` on a free connection, on one of the pool's threads.
    func withConnection<T: Sendable>(_ job: @escaping @Sendable (any SQLConnection) throws -> T) async throws -> T {
        try await threads.runIfActive { [self] in
            guard let slot = idle.withLock({ $0.popFirst() }) else { preconditionFailure("more jobs than threads in the pool") }
            defer { idle.withLock { $0.append(slot) } }
            return try job(try connection(in: slot))
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
