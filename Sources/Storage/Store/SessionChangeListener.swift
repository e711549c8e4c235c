import Foundation
import Synchronization

/// Hears the session changes every process sharing a PostgreSQL database announces, on a
/// connection and thread of its own. When the connection drops it reconnects (backing off up to
/// 5 s) and says so with `.reconnected`: announcements made meanwhile were missed, and the
/// consumer catches up from the store (`BookingStore.sessionChanges(since:)`).
public final class SessionChangeListener: Sendable {
    public enum Event: Hashable, Sendable {
        case change(SessionChange)
        case reconnected
    }

    public let events: AsyncStream<Event>
    private let stopped = Atomic<Bool>(false)

    public init(url: String) throws {
        let (events, sink) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(100_000))
        self.events = events
        let first = try Self.listen(url: url)
        let thread = Thread { [self] in
            var connection: PostgresConnection? = first
            var backoff: UInt32 = 100_000
            let decoder = JSONDecoder()
            while !stopped.load(ordering: .relaxed) {
                guard let current = connection else {
                    usleep(backoff)
                    backoff = min(backoff * 2, 5_000_000)
                    if let fresh = try? Self.listen(url: url) {
                        connection = fresh
                        backoff = 100_000
                        sink.yield(.reconnected)
                    }
                    continue
                }
                do {
                    for payload in try current.notifications(timeoutMilliseconds: 200) {
                        if let change = try? decoder.decode(SessionChange.self, from: Data(payload.utf8)) { sink.yield(.change(change)) }
                    }
                } catch {
                    connection = nil
                }
            }
            sink.finish()
        }
        thread.name = "studioloop-listen"
        thread.start()
    }

    /// Stops listening; the events stream finishes within a fraction of a second.
    public func stop() {
        stopped.store(true, ordering: .relaxed)
    }

    private static func listen(url: String) throws -> PostgresConnection {
        let connection = try PostgresConnection(url: url)
        try connection.query("LISTEN \(SessionChange.channel)")
        return connection
    }
}
