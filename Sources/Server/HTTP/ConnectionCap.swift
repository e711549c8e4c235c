import NIOCore
import NIOHTTPTypes
import Synchronization

/// At most `limit` open connections from one address, so one client cannot take every
/// connection the server has. Generous by default: mobile networks put many phones behind one
/// carrier-grade NAT address. A trusted proxy's connections are not capped (its clients are
/// told apart by their forwarded address, and rate-limited by it).
public final class ConnectionCounts: Sendable {
    public let limit: Int
    let exempt: Set<String>
    private let open = Mutex<[String: Int]>([:])

    public init(limit: Int, exempt: Set<String> = []) {
        self.limit = limit
        self.exempt = exempt
    }

    /// Counts a new connection from `address`; false when it would be one too many.
    func acquire(_ address: String) -> Bool {
        guard !exempt.contains(address) else { return true }
        return open.withLock { counts in
            guard counts[address, default: 0] < limit else { return false }
            counts[address, default: 0] += 1
            return true
        }
    }

    func release(_ address: String) {
        guard !exempt.contains(address) else { return }
        open.withLock { counts in
            let left = counts[address, default: 1] - 1
            counts[address] = left > 0 ? left : nil
        }
    }

    /// Open connections from `address` now (for tests and metrics).
    public func count(_ address: String) -> Int { open.withLock { $0[address, default: 0] } }
}

/// One per connection: counts it in on arrival, out when it closes, and closes it at once
/// when its address already has `limit` open.
final class ConnectionCapHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    private let counts: ConnectionCounts
    private var counted: String?

    init(_ counts: ConnectionCounts) {
        self.counts = counts
    }

    func handlerAdded(context: ChannelHandlerContext) {
        guard let address = context.channel.remoteAddress?.ipAddress else { return }
        if counts.acquire(address) {
            counted = address
        } else {
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        releaseOnce()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        releaseOnce()
    }

    private func releaseOnce() {
        if let address = counted { counts.release(address) }
        counted = nil
    }
}
