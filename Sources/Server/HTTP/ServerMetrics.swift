import Prometheus
import Synchronization

/// What `/metrics` shows, in the Prometheus text format: requests and their latency per route,
/// search latency, the index's size, and bookings by outcome. The registry is the server's own,
/// not a process-wide one, so every server (and every test) counts for itself.
public final class ServerMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    static let latencyBuckets: [Duration] = [
        .microseconds(100), .microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5), .milliseconds(5),
        .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .seconds(2.5),
    ]

    /// Made once: every search records into it.
    private let searchDuration: DurationHistogram
    /// Each route's counter and histogram, made on its first request: the registry makes one by
    /// building its name and sorting its labels under its own lock, which every request paid.
    private let routeMetrics = Mutex<[RouteKey: (requests: Counter, latency: DurationHistogram)]>([:])

    private struct RouteKey: Hashable {
        var route: String
        var method: String
        var status: Int
    }

    public init() {
        searchDuration = registry.makeDurationHistogram(
            descriptor: .init(namespace: "studioloop", metricName: "search_duration", unitName: "seconds", helpText: "Time spent in the index per search"),
            labels: [], buckets: Self.latencyBuckets
        )
    }

    func requestFinished(route: String, method: String, status: Int, duration: Duration) {
        let key = RouteKey(route: route, method: method, status: status)
        let metrics = routeMetrics.withLock { known in
            if let made = known[key] { return made }
            let made = (
                requests: registry.makeCounter(
                    descriptor: .init(namespace: "studioloop", metricName: "http_requests", unitName: "total", helpText: "HTTP requests answered"),
                    labels: [("route", route), ("method", method), ("status", String(status))]
                ),
                latency: registry.makeDurationHistogram(
                    descriptor: .init(
                        namespace: "studioloop", metricName: "http_request_duration", unitName: "seconds", helpText: "HTTP request latency"
                    ),
                    labels: [("route", route), ("method", method)], buckets: Self.latencyBuckets
                )
            )
            known[key] = made
            return made
        }
        metrics.requests.increment()
        metrics.latency.record(duration)
    }

    func searched(indexMilliseconds: Double) {
        searchDuration.record(.nanoseconds(Int64(indexMilliseconds * 1_000_000)))
    }

    func booking(outcome: String) {
        registry.makeCounter(
            descriptor: .init(namespace: "studioloop", metricName: "bookings", unitName: "total", helpText: "Booking requests by outcome"),
            labels: [("outcome", outcome)]
        ).increment()
    }

    /// The index could not read what changed from the store (it retries until it can).
    func indexCatchUpFailed() { failure("catch_up") }

    /// Gyms could not be reloaded into the index (they are asked for again).
    func indexReloadFailed() { failure("reload") }

    private func failure(_ what: String) {
        registry.makeCounter(
            descriptor: .init(
                namespace: "studioloop", metricName: "index_sync_failures", unitName: "total",
                helpText: "Reads of the store the index's sync had to retry"
            ),
            labels: [("kind", what)]
        ).increment()
    }

    func indexSize(gyms: Int, classes: Int, sessions: Int) {
        for (what, count) in [("gyms", gyms), ("classes", classes), ("sessions", sessions)] {
            registry.makeGauge(
                descriptor: .init(namespace: "studioloop", metricName: "index_entries", unitName: "", helpText: "What the search index holds"),
                labels: [("kind", what)]
            ).set(Double(count))
        }
    }
}
