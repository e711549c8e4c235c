import Crypto
public import Foundation
import HummingbirdBcrypt
import JWTKit
import NIOPosix

/// Passwords and access tokens. Passwords are bcrypt-hashed on NIO's thread pool (a hash takes
/// a quarter of a second at cost 12, too long for the event loops); access tokens are HS256
/// JWTs with the user's id as subject and their session version, checked against the server's
/// clock. The header is pinned: HS256 and this server's key id, nothing else.
public struct Authenticator: Sendable {
    private let keys: JWTKeyCollection
    /// Words nobody should sign up with (`Data/common-passwords.txt`), lower-cased.
    let commonPasswords: Set<String>
    /// The key id new access tokens carry (`kid`).
    public let keyId: String
    /// Every key id a token may carry: the current one, and earlier ones kept while a rotation's
    /// last tokens expire.
    let acceptedKeyIds: Set<String>
    public static let defaultKeyId = "v1"
    public let accessTokenLifetime: Int64
    public let refreshTokenLifetime: Int64
    let bcryptCost: UInt8
    /// Checked when no account has the email, so a wrong email costs what a wrong password does.
    let decoyHash: String

    /// - Parameters:
    ///   - keyId: the current key's id, which new tokens carry.
    ///   - previousKeys: earlier keys by id, still accepted (never used to sign), so rotating the
    ///     secret signs nobody out: tokens signed before keep working until they expire.
    public init(
        secret: [UInt8], keyId: String = defaultKeyId, previousKeys: [String: [UInt8]] = [:], accessTokenLifetime: Int64 = 15 * 60,
        refreshTokenLifetime: Int64 = 30 * 86_400, bcryptCost: UInt8 = 12, commonPasswords: Set<String> = []
    ) async {
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(key: SymmetricKey(data: secret)), digestAlgorithm: .sha256, kid: JWKIdentifier(string: keyId))
        for (id, previous) in previousKeys.sorted(by: { $0.key < $1.key }) where id != keyId {
            await keys.add(hmac: HMACKey(key: SymmetricKey(data: previous)), digestAlgorithm: .sha256, kid: JWKIdentifier(string: id))
        }
        self.keyId = keyId
        acceptedKeyIds = Set(previousKeys.keys).union([keyId])
        self.commonPasswords = commonPasswords
        self.accessTokenLifetime = accessTokenLifetime
        self.refreshTokenLifetime = refreshTokenLifetime
        self.bcryptCost = bcryptCost
        decoyHash = Bcrypt.hash("not-a-password-0", cost: bcryptCost)
    }

    /// What is wrong with a new password, if anything.
    public enum PasswordProblem: Equatable, Sendable, CustomStringConvertible {
        case tooShort, noLettersAndDigits, common
        /// bcrypt reads only the first 72 bytes: more would let another password sharing them in.
        case tooLong(bytes: Int)

        public var description: String {
            switch self {
            case .tooShort: "password must be at least 8 characters"
            case .noLettersAndDigits: "password must contain letters and digits"
            case .common: "this password is one of the most common and is guessed first; choose another"
            case .tooLong(let bytes):
                "password must be at most \(Authenticator.maxPasswordBytes) bytes (this one is \(bytes)); letters outside the Latin alphabet take 2 to 4 bytes each"
            }
        }
    }

    /// bcrypt's own limit, counted in UTF-8 bytes.
    public static let maxPasswordBytes = 72

    /// At least 8 characters, at most 72 bytes, with letters and digits, and not a common
    /// password; nil when good enough.
    public func problem(with password: String) -> PasswordProblem? {
        if password.utf8.count > Self.maxPasswordBytes { return .tooLong(bytes: password.utf8.count) }
        if password.count < 8 { return .tooShort }
        if !password.contains(where: \.isLetter) || !password.contains(where: \.isNumber) { return .noLettersAndDigits }
        if commonPasswords.contains(password.lowercased()) { return .common }
        return nil
    }

    /// `Data/common-passwords.txt`: one per line, `#` lines are comments.
    public static func commonPasswords(in file: URL) -> Set<String> {
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
        return Set(text.split(whereSeparator: \.isNewline).filter { !$0.hasPrefix("#") }.map { $0.lowercased() })
    }

    public func hash(password: String) async throws -> String {
        let cost = bcryptCost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` is the one `hash` was made from. A password past bcrypt's 72 bytes
    /// never is: bcrypt would compare only its first 72 bytes, and let in any password sharing them.
    public func verify(password: String, hash: String) async throws -> Bool {
        let tooLong = password.utf8.count > Self.maxPasswordBytes
        let matches = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
        return matches && !tooLong
    }

    /// A signed access token for `user` at session version `version`, valid for
    /// `accessTokenLifetime` from `now`.
    /// `tenants` names the user's gym roles (tenant id → role), as the seed's tokens carry them
    /// for the app; the server decides with the database, so a role removed takes effect at once.
    public func accessToken(for user: String, version: Int = 0, tenants: [String: String] = [:], now: Int64) async throws -> String {
        try await keys.sign(
            AccessClaims(
                sub: SubjectClaim(value: user), exp: ExpirationClaim(value: Date(timeIntervalSince1970: TimeInterval(now + accessTokenLifetime))),
                iat: IssuedAtClaim(value: Date(timeIntervalSince1970: TimeInterval(now))), ver: version, tenants: tenants.isEmpty ? nil : tenants
            ),
            kid: JWKIdentifier(string: keyId)
        )
    }

    /// The user an access token was signed for and its session version, or nil when it is
    /// forged, malformed, expired, or its header names another algorithm or key.
    public func claims(fromAccessToken token: String, now: Int64) async -> (user: String, version: Int)? {
        guard headerIsPinned(token), let claims = try? await keys.verify(token, as: AccessClaims.self),
            claims.exp.value.timeIntervalSince1970 > TimeInterval(now)
        else { return nil }
        return (claims.sub.value, claims.ver ?? 0)
    }

    /// Whether a token's header says exactly what this server signs: `alg` HS256, `kid` one of ours, a
    /// `typ` of JWT if any, and nothing that points elsewhere for a key (`jku`, `jwk`, `x5u`,
    /// `x5c`) or demands extensions (`crit`).
    func headerIsPinned(_ token: String) -> Bool {
        guard let end = token.firstIndex(of: "."), let data = Data(base64URL: String(token[..<end])),
            let header = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        else { return false }
        guard header["alg"] as? String == "HS256", let kid = header["kid"] as? String, acceptedKeyIds.contains(kid) else { return false }
        if let typ = header["typ"] { guard (typ as? String)?.uppercased() == "JWT" else { return false } }
        return ["jku", "jwk", "x5u", "x5c", "crit"].allSatisfy { header[$0] == nil }
    }

    struct AccessClaims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var iat: IssuedAtClaim
        /// The user's session version when it was issued: a password change or a stolen refresh
        /// token moves it on, and older tokens stop working at once.
        var ver: Int?
        /// The gyms where the user is staff, and as what: for the app to show, never for the
        /// server to decide by.
        var tenants: [String: String]?

        /// The signature is checked by the key collection; expiry against the server's clock by
        /// `user(fromAccessToken:now:)`, so tests can move time.
        func verify(using algorithm: some JWTAlgorithm) throws {
            guard !sub.value.isEmpty else { throw JWTError.claimVerificationFailure(failedClaim: sub, reason: "empty subject") }
        }
    }
}

extension Data {
    /// Base64url without padding, as JOSE writes it.
    init?(base64URL text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        self.init(base64Encoded: base64)
    }
}
