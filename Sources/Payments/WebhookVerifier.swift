import Crypto
import Domain
public import Foundation

/// A webhook request as it arrived: headers (any case) and the raw body bytes, which must be
/// verified before anything parses them.
public struct WebhookRequest: Sendable {
    public var headers: [String: String]
    public var body: Data

    public init(headers: [String: String], body: Data) {
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.body = body
    }

    func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// Why a webhook was refused. Each leaves every balance as it was.
public enum WebhookRejection: Error, Equatable, Sendable {
    case missingHeaders
    case badSignature
    case stale(ageSeconds: Int64)
}

/// A verified webhook: the provider's event id (to accept each event once) and its body.
public struct VerifiedWebhook: Equatable, Sendable {
    public var eventId: String
    public var body: Data

    public init(eventId: String, body: Data) {
        self.eventId = eventId
        self.body = body
    }
}

/// How a provider signs its webhooks.
public protocol WebhookVerifier: Sendable {
    func verify(_ request: WebhookRequest, now: Int64) throws(WebhookRejection) -> VerifiedWebhook
}

/// Standard Webhooks, as Yoco (and the offline sandbox) sign: `webhook-id`,
/// `webhook-timestamp` and `webhook-signature`, the last a space-separated list of `v1,<base64>`
/// where each is HMAC-SHA256 over `id.timestamp.body` with the secret (`whsec_<base64>`, the
/// base64 decoded being the key). Accepted within `tolerance` of the clock, either way.
public struct StandardWebhookVerifier: WebhookVerifier {
    private let key: SymmetricKey
    public let tolerance: Int64

    /// - Parameter secret: `whsec_…` as the provider's dashboard shows it, from configuration.
    public init?(secret: String, tolerance: Int64 = 180) {
        let encoded = secret.hasPrefix("whsec_") ? String(secret.dropFirst(6)) : secret
        guard let bytes = Data(base64Encoded: encoded), !bytes.isEmpty else { return nil }
        key = SymmetricKey(data: bytes)
        self.tolerance = tolerance
    }

    public func verify(_ request: WebhookRequest, now: Int64) throws(WebhookRejection) -> VerifiedWebhook {
        guard let id = request.header("webhook-id"), let timestampText = request.header("webhook-timestamp"),
            let signatures = request.header("webhook-signature"), let timestamp = Int64(timestampText)
        else { throw .missingHeaders }
        var signed = Data("\(id).\(timestampText).".utf8)
        signed.append(request.body)
        // Any one of the listed signatures may match (providers list several while rotating keys).
        let valid = signatures.split(separator: " ").contains { entry in
            let parts = entry.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1", let mac = Data(base64Encoded: String(parts[1])) else { return false }
            return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: signed, using: key)
        }
        guard valid else { throw .badSignature }
        guard abs(now - timestamp) <= tolerance else { throw .stale(ageSeconds: now - timestamp) }
        return VerifiedWebhook(eventId: id, body: request.body)
    }

    /// Signs as the provider would, for the sandbox provider and for tests.
    public func sign(id: String, timestamp: Int64, body: Data) -> [String: String] {
        var signed = Data("\(id).\(timestamp).".utf8)
        signed.append(body)
        let mac = Data(HMAC<SHA256>.authenticationCode(for: signed, using: key)).base64EncodedString()
        return ["webhook-id": id, "webhook-timestamp": String(timestamp), "webhook-signature": "v1,\(mac)"]
    }
}

/// Stripe: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=…]`, each v1 a hex HMAC-SHA256 over
/// `t.body` with the endpoint secret (`whsec_…`, used as it is). The event id is in the body.
public struct StripeWebhookVerifier: WebhookVerifier {
    private let key: SymmetricKey
    public let tolerance: Int64

    public init(secret: String, tolerance: Int64 = 300) {
        key = SymmetricKey(data: Data(secret.utf8))
        self.tolerance = tolerance
    }

    public func verify(_ request: WebhookRequest, now: Int64) throws(WebhookRejection) -> VerifiedWebhook {
        guard let header = request.header("stripe-signature") else { throw .missingHeaders }
        var timestampText: Substring?
        var candidates: [Data] = []
        for item in header.split(separator: ",") {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { continue }
            if pair[0] == "t" { timestampText = pair[1] }
            if pair[0] == "v1", let mac = Self.hex(pair[1]) { candidates.append(mac) }
        }
        guard let timestampText, let timestamp = Int64(timestampText), !candidates.isEmpty else { throw .missingHeaders }
        var signed = Data("\(timestampText).".utf8)
        signed.append(request.body)
        guard candidates.contains(where: { HMAC<SHA256>.isValidAuthenticationCode($0, authenticating: signed, using: key) }) else {
            throw .badSignature
        }
        guard abs(now - timestamp) <= tolerance else { throw .stale(ageSeconds: now - timestamp) }
        struct Event: Decodable { var id: String }
        guard let event = try? JSONDecoder().decode(Event.self, from: request.body) else { throw .badSignature }
        return VerifiedWebhook(eventId: event.id, body: request.body)
    }

    /// Signs as Stripe would, for tests.
    public func sign(timestamp: Int64, body: Data) -> [String: String] {
        var signed = Data("\(timestamp).".utf8)
        signed.append(body)
        let mac = HMAC<SHA256>.authenticationCode(for: signed, using: key).map { String(format: "%02x", $0) }.joined()
        return ["Stripe-Signature": "t=\(timestamp),v1=\(mac)"]
    }

    static func hex(_ text: Substring) -> Data? {
        Hex.bytes(text).map { Data($0) }
    }
}
