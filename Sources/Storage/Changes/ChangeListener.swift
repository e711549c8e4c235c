import Foundation
import Logging
import NIOPosix
import SQL
public import ServiceLifecycle

/// Hears the changes every process sharing a PostgreSQL database announces, as a service: it
/// LISTENs from the moment it is made (so nothing committed after that is missed), and its
/// `run()` hands each announcement to `events` until graceful shutdown. When the connection
/// drops it says so (`.lost`), reconnects, trying at most once a second, and says so with
/// `.reconnected`: announcements made meanwhile were missed, and the consumer catches up from
/// the store (`CatalogStore.sessionChanges(since:)`, `gymChanges(since:)`).
public struct ChangeListener: Service {
    public enum Event: Hashable, Sendable {
        case change(CatalogChange)
        case lost
        case reconnected
    }

    public let events: AsyncStream<Event>
    private let sink: AsyncStream<Event>.Continuation
    private let url: String
    private let first: PostgresConnection
    private let logger = Logger(label: "studioloop.change-listener")

    public init(url: String) throws {
        (events, sink) = AsyncStream.makeStream(of: Event.self, bufferingPolicy: .bufferingNewest(100_000))
        self.url = url
        first = try Self.listen(url: url)
    }

    public func run() async throws {
        // libpq's wait for a notification blocks: it runs on a thread of its own, 200 ms at a time.
        let thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        defer { sink.finish() }
        var connection: PostgresConnection? = first
        var backoff: Duration = .milliseconds(100)
        let decoder = JSONDecoder()
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            guard let current = connection else {
                try? await cancelWhenGracefulShutdown { [backoff] in try await Task.sleep(for: backoff) }
                backoff = min(backoff * 2, .seconds(1))
                do {
                    connection = try await thread.runIfActive { [url] in try Self.listen(url: url) }
                    backoff = .milliseconds(100)
                    logger.info("listening for other servers' changes again")
                    sink.yield(.reconnected)
                } catch {
                    logger.debug("still cannot listen (retrying in \(backoff)): \(error)")
                }
                continue
            }
            do {
                for payload in try await thread.runIfActive({ try current.notifications(timeoutMilliseconds: 200) }) {
                    if let change = try? decoder.decode(CatalogChange.self, from: Data(payload.utf8)) { sink.yield(.change(change)) }
                }
            } catch {
                if !Task.isCancelled { logger.warning("lost the connection that hears other servers' changes; reconnecting: \(error)") }
                connection = nil
                sink.yield(.lost)
            }
        }
        try await thread.shutdownGracefully()
    }

    private static func listen(url: String) throws -> PostgresConnection {
        let connection = try PostgresConnection(url: url)
        try connection.query("LISTEN \(CatalogChange.channel)")
        return connection
    }
}
