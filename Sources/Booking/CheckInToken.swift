import Crypto
import Foundation

/// The QR code a booking carries: opaque to the member, signed with HMAC-SHA256 by the server,
/// bound to one booking at one gym, and expiring when the session ends.
///
/// Form: `base64url(payload).base64url(mac)`, payload `v1|booking|session|tenant|expires`.
public struct CheckInToken: Sendable {
    public struct Claims: Hashable, Sendable {
        public var bookingId: String
        public var sessionId: String
        public var tenantId: String
        /// UTC seconds: the session's end.
        public var expiresAt: Int64

        public init(bookingId: String, sessionId: String, tenantId: String, expiresAt: Int64) {
            self.bookingId = bookingId
            self.sessionId = sessionId
            self.tenantId = tenantId
            self.expiresAt = expiresAt
        }
    }

    public enum Verdict: Hashable, Sendable {
        case valid(Claims)
        /// Not made with our key, or not a token at all.
        case forged
        case expired
    }

    private let key: SymmetricKey

    /// - Parameter secret: at least 32 bytes, from configuration; never from code.
    public init(secret: [UInt8]) {
        precondition(secret.count >= 32, "a check-in secret needs at least 32 bytes")
        key = SymmetricKey(data: secret)
    }

    public func issue(_ claims: Claims) -> String {
        let payload = Data(["v1", claims.bookingId, claims.sessionId, claims.tenantId, String(claims.expiresAt)].joined(separator: "|").utf8)
        let mac = Data(HMAC<SHA256>.authenticationCode(for: payload, using: key))
        return Self.base64url(payload) + "." + Self.base64url(mac)
    }

    public func verify(_ token: String, now: Int64) -> Verdict {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Self.data(base64url: parts[0]), let mac = Self.data(base64url: parts[1]) else {
            return .forged
        }
        // Constant-time comparison, inside swift-crypto.
        guard HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key) else { return .forged }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "|", omittingEmptySubsequences: false)
        guard fields.count == 5, fields[0] == "v1", let expires = Int64(fields[4]) else { return .forged }
        let claims = Claims(bookingId: String(fields[1]), sessionId: String(fields[2]), tenantId: String(fields[3]), expiresAt: expires)
        return now > expires ? .expired : .valid(claims)
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data<S: StringProtocol>(base64url text: S) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
