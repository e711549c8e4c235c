public import ServiceLifecycle
import Synchronization

/// Whether this server is on its way out: set on SIGTERM, before it stops accepting.
public final class Draining: Sendable {
    private let flag = Atomic(false)

    public init() {}

    public var isDraining: Bool { flag.load(ordering: .relaxed) }

    func begin() {
        flag.store(true, ordering: .relaxed)
    }
}

/// The first step of a graceful shutdown: for `period`, `/ready` says not-ready while every
/// request is still served, so a load balancer's health checks take this server out of its
/// pool before its port closes. Then the HTTP server stops accepting, finishes what is in
/// flight, and the other services stop. Listed after the application in the service group,
/// which shuts services down last-first.
public struct Drain: Service {
    let period: Duration
    let state: Draining

    public init(period: Duration, state: Draining) {
        self.period = period
        self.state = state
    }

    public func run() async throws {
        // Returns (throwing) when the group shuts down gracefully, or is cancelled.
        try? await gracefulShutdown()
        guard !Task.isCancelled else { return }
        state.begin()
        if period > .zero { try? await Task.sleep(for: period) }
    }
}
