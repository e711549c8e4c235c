import Crypto
import Domain
import Foundation

/// The check-in code a booking carries in its QR code: signed with Ed25519 by the server with a
/// key of the booking's gym, bound to one booking, session and gym, and expiring when the session
/// ends. A staff device holding the gym's public keys (`GET /tenants/{slug}/checkin-key`) verifies
/// it with no network: the check-in then syncs later.
///
/// Form, base64url without padding, of these bytes:
///
///     0        format, 1
///     1…4      key id (the JWK's `kid` is these four bytes in hex)
///     …        booking, session, gym: each an id (see `appendId`)
///     8 bytes  expiry, Unix seconds, big-endian
///     64 bytes Ed25519 signature of everything before it
///
/// Keys are never stored: each is derived with HKDF-SHA256 from the configured secret, the gym
/// and the key id. A key signs the codes that expire in its 30-day period, so keys rotate every
/// period and a key stays good exactly until its last code has expired.
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
        /// Not signed by a key of ours, or not a code at all.
        case forged
        case expired
    }

    /// A gym's public check-in key, as published.
    public struct PublicKey: Hashable, Sendable {
        public var keyId: String
        /// The raw 32-byte Ed25519 public key.
        public var bytes: [UInt8]
        /// The period whose codes it signs: [validFrom, validUntil).
        public var validFrom: Int64
        public var validUntil: Int64

        public init(keyId: String, bytes: [UInt8], validFrom: Int64, validUntil: Int64) {
            self.keyId = keyId
            self.bytes = bytes
            self.validFrom = validFrom
            self.validUntil = validUntil
        }
    }

    /// A code's parts, before its signature is checked.
    public struct Decoded: Sendable {
        public var keyId: String
        public var claims: Claims
        public var signed: [UInt8]
        public var signature: [UInt8]
    }

    /// Each key's period: a key signs the codes expiring in it.
    public static let periodSeconds: Int64 = 30 * 86_400
    static let format: UInt8 = 1

    private let secret: SymmetricKey
    /// Two bytes naming the secret, so a code made under another secret is told apart at once.
    private let fingerprint: [UInt8]

    /// - Parameter secret: at least 32 bytes, from configuration; never from code.
    public init(secret: [UInt8]) {
        precondition(secret.count >= 32, "a check-in secret needs at least 32 bytes")
        self.secret = SymmetricKey(data: secret)
        fingerprint = Array(HMAC<SHA256>.authenticationCode(for: Data("studioloop check-in key id".utf8), using: self.secret).prefix(2))
    }

    /// The code for a booking, or nil when its expiry lies outside the keys' range.
    public func issue(_ claims: Claims) -> String? {
        guard let keyId = keyId(period: Self.period(of: claims.expiresAt)) else { return nil }
        var bytes: [UInt8] = [Self.format]
        bytes += keyId
        for id in [claims.bookingId, claims.sessionId, claims.tenantId] { Self.appendId(id, to: &bytes) }
        withUnsafeBytes(of: claims.expiresAt.bigEndian) { bytes += $0 }
        guard let signature = try? signingKey(tenant: claims.tenantId, keyId: keyId).signature(for: bytes) else { return nil }
        return Self.base64url(bytes + Array(signature))
    }

    /// Checks a code with our own keys.
    public func verify(_ code: String, now: Int64) -> Verdict {
        verify(code, now: now) { tenant, keyId in publicKey(tenant: tenant, keyId: keyId) }
    }

    /// Checks a code with the public key `publicKey` finds for its gym and key id (a key of an
    /// earlier secret, say, as published).
    public func verify(_ code: String, now: Int64, publicKey: (_ tenant: String, _ keyId: String) -> [UInt8]?) -> Verdict {
        guard let decoded = Self.decode(code), let key = publicKey(decoded.claims.tenantId, decoded.keyId),
            let verifier = try? Curve25519.Signing.PublicKey(rawRepresentation: key),
            verifier.isValidSignature(decoded.signature, for: decoded.signed)
        else { return .forged }
        return now > decoded.claims.expiresAt ? .expired : .valid(decoded.claims)
    }

    /// A gym's public key of one key id, if the id is one of this secret's.
    public func publicKey(tenant: String, keyId: String) -> [UInt8]? {
        guard let bytes = Hex.bytes(keyId), bytes.count == 4, Array(bytes[2...]) == fingerprint,
            let key = try? signingKey(tenant: tenant, keyId: bytes)
        else { return nil }
        return Array(key.publicKey.rawRepresentation)
    }

    /// How far ahead codes are handed out: the longest booking window (90 days) and the class.
    public static let aheadSeconds: Int64 = 92 * 86_400

    /// The keys a staff device needs at `now`: the period before (for a device whose clock is
    /// behind), this one, and those of every code handed out ahead.
    public func publishedKeys(tenant: String, now: Int64) -> [PublicKey] {
        (Self.period(of: now - Self.periodSeconds)...Self.period(of: now + Self.aheadSeconds)).compactMap { period in
            guard let id = keyId(period: period), let key = try? signingKey(tenant: tenant, keyId: id) else { return nil }
            return PublicKey(
                keyId: Hex.string(id), bytes: Array(key.publicKey.rawRepresentation),
                validFrom: period * Self.periodSeconds, validUntil: (period + 1) * Self.periodSeconds
            )
        }
    }

    /// Reads a code's fields without checking its signature.
    public static func decode(_ code: String) -> Decoded? {
        guard code.count <= 512, let data = data(base64url: code) else { return nil }
        let bytes = Array(data)
        guard bytes.count > 5 + 64, bytes[0] == format else { return nil }
        var at = 5
        var ids: [String] = []
        for _ in 0..<3 {
            guard let id = readId(bytes, at: &at) else { return nil }
            ids.append(id)
        }
        guard bytes.count == at + 8 + 64 else { return nil }
        let expires = bytes[at..<at + 8].reduce(Int64(0)) { $0 << 8 | Int64($1) }
        return Decoded(
            keyId: Hex.string(bytes[1..<5]), claims: Claims(bookingId: ids[0], sessionId: ids[1], tenantId: ids[2], expiresAt: expires),
            signed: Array(bytes[..<(at + 8)]), signature: Array(bytes[(at + 8)...])
        )
    }

    // MARK: Keys

    static func period(of time: Int64) -> Int64 {
        time >= 0 ? time / periodSeconds : (time - periodSeconds + 1) / periodSeconds
    }

    /// Period (two bytes, big-endian) and the secret's fingerprint.
    private func keyId(period: Int64) -> [UInt8]? {
        guard (0...Int64(UInt16.max)).contains(period) else { return nil }
        return [UInt8(period >> 8), UInt8(period & 0xFF)] + fingerprint
    }

    private func signingKey(tenant: String, keyId: [UInt8]) throws -> Curve25519.Signing.PrivateKey {
        let seed = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: secret, salt: Data("studioloop check-in ed25519".utf8), info: Data("\(tenant)|\(Hex.string(keyId))".utf8),
            outputByteCount: 32
        )
        return try seed.withUnsafeBytes { try Curve25519.Signing.PrivateKey(rawRepresentation: Data($0)) }
    }

    // MARK: Encoding

    /// An id as one length byte and its bytes; a lowercase UUID, the usual id, as 16 raw bytes
    /// with the length byte's top bit set (0x90).
    static func appendId(_ id: String, to bytes: inout [UInt8]) {
        if let uuid = UUID(uuidString: id), uuid.uuidString.lowercased() == id {
            bytes.append(0x80 | 16)
            withUnsafeBytes(of: uuid.uuid) { bytes += $0 }
        } else {
            let utf8 = Array(id.utf8.prefix(127))
            bytes.append(UInt8(utf8.count))
            bytes += utf8
        }
    }

    static func readId(_ bytes: [UInt8], at: inout Int) -> String? {
        guard at < bytes.count else { return nil }
        let head = bytes[at]
        let length = Int(head & 0x7F)
        guard at + 1 + length <= bytes.count else { return nil }
        let body = Array(bytes[(at + 1)..<(at + 1 + length)])
        at += 1 + length
        guard head & 0x80 != 0 else { return String(validating: body, as: UTF8.self) }
        guard length == 16 else { return nil }
        let uuid = body.withUnsafeBytes { $0.loadUnaligned(as: uuid_t.self) }
        return UUID(uuid: uuid).uuidString.lowercased()
    }

    /// Base64url without padding (RFC 4648 §5), as codes and JWKs spell bytes.
    public static func base64url(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    public static func bytes(base64url text: String) -> [UInt8]? {
        data(base64url: text).map(Array.init)
    }

    static func data<S: StringProtocol>(base64url text: S) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
