public import Marketplace
public import Storage

/// Everything the routes share: the store, the index kept in step with it, sign-in, metrics and
/// the clock.
public struct ServerServices: Sendable {
    public let store: BookingStore
    public let index: MarketplaceIndex
    public let authenticator: Authenticator
    public let metrics: ServerMetrics
    public let clock: ServerClock

    public init(store: BookingStore, index: MarketplaceIndex, authenticator: Authenticator, metrics: ServerMetrics = ServerMetrics(), clock: ServerClock = .system) {
        self.store = store
        self.index = index
        self.authenticator = authenticator
        self.metrics = metrics
        self.clock = clock
    }
}
