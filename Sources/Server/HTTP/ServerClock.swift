import Foundation

/// "Now" for the server in UTC seconds: the wall clock, or a fixed or moving instant in tests.
public struct ServerClock: Sendable {
    public let now: @Sendable () -> Int64

    public init(now: @escaping @Sendable () -> Int64) {
        self.now = now
    }

    public static let system = ServerClock { Int64(Date().timeIntervalSince1970.rounded(.down)) }
}
