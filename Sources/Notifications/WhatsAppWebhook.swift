import Crypto
import Domain
import Foundation

/// Meta's WhatsApp webhook: calls signed with the app's secret (`X-Hub-Signature-256`,
/// `sha256=` and the hex HMAC-SHA256 of the body), telling us, among other things, who wrote
/// to us and when. A member who wrote opens WhatsApp's 24-hour customer window.
public struct WhatsAppWebhook: Sendable {
    let appSecret: SymmetricKey
    /// The token Meta sends back when the webhook is subscribed.
    public let verifyToken: String?

    public init(appSecret: String, verifyToken: String?) {
        self.appSecret = SymmetricKey(data: Array(appSecret.utf8))
        self.verifyToken = verifyToken
    }

    /// One member's message: their number in E.164 and when they sent it.
    public struct Inbound: Equatable, Sendable {
        public var phone: String
        public var at: Int64
    }

    /// Whether `signature` (the header's value) signs `body` with our app secret.
    public func isSigned(_ body: [UInt8], signature: String?) -> Bool {
        guard let signature, signature.hasPrefix("sha256="), let mac = Hex.bytes(signature.dropFirst(7)), mac.count == 32 else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: body, using: appSecret)
    }

    /// The members' messages a notification carries (statuses and the rest are left alone).
    public static func inbound(in body: [UInt8]) -> [Inbound] {
        guard let root = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return [] }
        let changes = (root["entry"] as? [[String: Any]] ?? []).flatMap { $0["changes"] as? [[String: Any]] ?? [] }
        return changes.flatMap { change -> [Inbound] in
            let messages = (change["value"] as? [String: Any])?["messages"] as? [[String: Any]] ?? []
            return messages.compactMap { message in
                guard let from = message["from"] as? String, !from.isEmpty, from.allSatisfy(\.isNumber),
                    let at = (message["timestamp"] as? String).flatMap(Int64.init)
                else { return nil }
                return Inbound(phone: "+" + from, at: at)
            }
        }
    }
}
