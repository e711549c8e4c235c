import HummingbirdTesting
import Logging
@testable import Server
import ServiceLifecycle
import Testing
import TestSupport

/// A graceful stop begins with the drain: `/ready` says not-ready while the server still
/// serves, and only then is the application told to stop.
@Suite("Draining on SIGTERM")
struct DrainTests {
    /// Stands for the application: notes, when told to stop, whether the drain had begun and
    /// how long after the stop was asked.
    struct Application: Service {
        let draining: Draining
        let asked: Locked<ContinuousClock.Instant?>
        let seen: Locked<(draining: Bool, after: Duration)?>

        func run() async throws {
            try? await gracefulShutdown()
            let after = asked.value.map { ContinuousClock.now - $0 } ?? .zero
            seen.withLock { $0 = (draining.isDraining, after) }
        }
    }

    @Test("the drain runs first, for its whole period, and the application stops after it")
    func drainFirst() async throws {
        let draining = Draining()
        let asked = Locked<ContinuousClock.Instant?>(nil)
        let seen = Locked<(draining: Bool, after: Duration)?>(nil)
        let group = ServiceGroup(
            configuration: .init(
                services: [Application(draining: draining, asked: asked, seen: seen), Drain(period: .milliseconds(400), state: draining)],
                logger: Logger(label: "drain-test")
            )
        )
        let running = Task { try await group.run() }
        try await Task.sleep(for: .milliseconds(50))
        #expect(!draining.isDraining)
        asked.withLock { $0 = .now }
        await group.triggerGracefulShutdown()
        try await running.value
        let stopped = try #require(seen.value)
        #expect(stopped.draining, "the application was told to stop before the drain began")
        #expect(stopped.after >= .milliseconds(400), "the application was told to stop \(stopped.after) after the stop was asked")
    }

    @Test("while draining, /ready is a 503 and everything else is served")
    func notReadyWhileDraining() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            #expect(try await client.json("/ready").status == .ok)
            fixture.services.draining.begin()
            let ready = try await client.json("/ready")
            #expect(ready.status == .serviceUnavailable && ready.text.contains("shutting down"))
            #expect(try await client.json("/api/v1/marketplace/search?lat=-26.2041&lng=28.0473&radius_km=5").status == .ok)
        }
    }
}
