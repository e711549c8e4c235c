import NIOCore
import NIOHTTPTypes

/// How long a request may take to arrive: its head within `header` of its first byte, its body
/// within `body` of its head. The idle timeout closes a connection that sends nothing; these
/// close one that trickles (a byte every few seconds keeps a connection from ever being idle).
public struct RequestDeadlines: Sendable {
    public var header: Duration
    public var body: Duration

    public static let standard = RequestDeadlines(header: .seconds(20), body: .seconds(60))

    public init(header: Duration, body: Duration) {
        self.header = header
        self.body = body
    }
}

/// One per connection, after the HTTP decoder, with a watcher of raw bytes before it (which
/// starts the header's clock when a request's first byte arrives). One clock runs at a time; a
/// timer, scheduled only when none is pending, closes the connection when the running clock is
/// past its limit, so a request that arrives in time costs a clock read and no timer.
final class RequestDeadlineHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart

    private let header: TimeAmount
    private let body: TimeAmount
    private var context: ChannelHandlerContext?
    /// When the part being read began, and how long it may take; nil between requests.
    private var started: NIODeadline?
    private var limit: TimeAmount = .zero
    private var readingBody = false
    private var check: Scheduled<Void>?

    init(_ deadlines: RequestDeadlines) {
        header = TimeAmount(deadlines.header)
        body = TimeAmount(deadlines.body)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        try? context.pipeline.syncOperations.addHandler(RequestStartWatcher(self), position: .first)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        check?.cancel()
        check = nil
        self.context = nil
    }

    /// Bytes came in: if no request is being read, one begins, and its head is on the clock.
    fileprivate func bytesArrived() {
        guard started == nil, !readingBody else { return }
        begin(header)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            readingBody = true
            begin(body)
        case .body:
            break
        case .end:
            readingBody = false
            started = nil
        }
        context.fireChannelRead(data)
    }

    private func begin(_ limit: TimeAmount) {
        let now = NIODeadline.now()
        started = now
        self.limit = limit
        if check == nil { schedule(at: now + limit) }
    }

    private func schedule(at deadline: NIODeadline) {
        guard let context else { return }
        check = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) { [self] in
            check = nil
            guard let started else { return }
            let due = started + limit
            if NIODeadline.now() >= due {
                context.close(promise: nil)
            } else {
                schedule(at: due)
            }
        }
    }
}

/// Sees the connection's raw bytes before the HTTP decoder does, and tells the deadline handler.
private final class RequestStartWatcher: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    private let owner: RequestDeadlineHandler

    init(_ owner: RequestDeadlineHandler) {
        self.owner = owner
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        owner.bytesArrived()
        context.fireChannelRead(data)
    }
}
