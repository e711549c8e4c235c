public import Foundation
public import Hummingbird
import NIOCore
import Synchronization

/// A payment provider's HTTP API on loopback, for adapter tests: it records every request and
/// answers each with the next of `answers` (the last one repeats): a status and a JSON body,
/// or a stall longer than any client's timeout.
public final class ProviderStandIn: Sendable {
    public struct Received: Sendable {
        public var path: String
        /// Header names lower-cased.
        public var headers: [String: String]
        public var body: String

        public var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
        public var form: [String: String] {
            Dictionary(URLComponents(string: "?" + body)?.queryItems?.map { ($0.name, $0.value ?? "") } ?? [], uniquingKeysWith: { a, _ in a })
        }
    }

    public enum Answer: Sendable {
        case json(Int, String)
        case stall
    }

    private let log = Mutex<[Received]>([])
    private let answers: Mutex<[Answer]>

    public init(_ answers: [Answer]) { self.answers = Mutex(answers) }

    public var received: [Received] { log.withLock { $0 } }

    public var application: Application<RouterResponder<BasicRequestContext>> {
        let router = Router()
        router.post("**") { request, _ -> Response in
            let body = String(buffer: try await request.body.collect(upTo: 1 << 20))
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            self.log.withLock { $0.append(Received(path: request.uri.path, headers: headers, body: body)) }
            switch self.answers.withLock({ $0.count > 1 ? $0.removeFirst() : $0[0] }) {
            case .stall:
                try await Task.sleep(for: .seconds(20))
                return Response(status: .ok)
            case .json(let status, let text):
                return Response(status: .init(code: status), headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: text)))
            }
        }
        return Application(router: router)
    }
}

/// Stripe's own example objects (`Tests/PaymentsTests/Fixtures`, from stripe/openapi's
/// fixtures3.json), so bodies in tests are what Stripe sends rather than what we imagine.
public enum StripeFixtures {
    public static func object(_ name: String) throws -> [String: Any] {
        let url = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "PaymentsTests/Fixtures/stripe-fixtures3-subset.json")
        let all = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        guard let object = all?[name] as? [String: Any] else { throw CocoaError(.fileReadCorruptFile) }
        return object
    }

    /// An event of `type` around `object`, in Stripe's own event envelope.
    public static func event(_ type: String, id: String, object: [String: Any]) throws -> Data {
        var envelope = try Self.object("event")
        envelope["id"] = id
        envelope["type"] = type
        envelope["data"] = ["object": object]
        return try JSONSerialization.data(withJSONObject: envelope)
    }
}
