import Storage
import Synchronization

/// Which gyms wait to be reloaded into the index, as a state machine with no I/O: the index's
/// sync feeds it requests and spot changes and runs the reloads it asks for. Requests that
/// arrive while a batch waits or runs join the next batch, so a burst of changes (a gym editing
/// its timetable, every gym's hourly roll) rebuilds once; one batch is read at a time.
struct GymReloads {
    private var pending: Set<String> = []
    /// Gyms being read from the store now, and the spot changes to them seen meanwhile.
    private var inFlight: Set<String> = []
    private var missed: [SessionChange] = []
    private var running = false

    enum Action: Equatable {
        case none
        /// Wait a moment for more requests, then `take()` a batch and reload it.
        case startBatch
    }

    mutating func request(_ gym: String) -> Action {
        pending.insert(gym)
        guard !running else { return .none }
        running = true
        return .startBatch
    }

    /// A spot change applied to the index: re-applied after a reload that may have read the
    /// gym just before it.
    mutating func note(_ change: SessionChange) {
        if inFlight.contains(change.tenantId) { missed.append(change) }
    }

    /// No gym waits or is being read.
    var isIdle: Bool { pending.isEmpty && inFlight.isEmpty && !running }

    /// The gyms to reload now.
    mutating func take() -> Set<String> {
        (inFlight, pending) = (pending, [])
        return inFlight
    }

    /// Ends a batch: the spot changes to re-apply now that its gyms are in the index, and
    /// whether another batch is due (gyms were requested meanwhile).
    mutating func finished() -> (reapply: [SessionChange], next: Action) {
        let changes = missed
        (missed, inFlight) = ([], [])
        running = !pending.isEmpty
        return (changes, running ? .startBatch : .none)
    }
}

extension GymReloads {
    /// The state machine behind a lock, shared by the sync's loops.
    final class Shared: Sendable {
        private let state = Mutex(GymReloads())

        func withLock<T>(_ body: (inout GymReloads) -> T) -> T {
            state.withLock { body(&$0) }
        }
    }
}
