import Crypto
import Foundation
import HummingbirdBcrypt
import JWTKit
import NIOPosix

/// Passwords and access tokens. Passwords are bcrypt-hashed on NIO's thread pool (a hash takes
/// a quarter of a second at cost 12, too long for the event loops); access tokens are HS256
/// JWTs with the user's id as subject, checked against the server's clock.
public struct Authenticator: Sendable {
    private let keys: JWTKeyCollection
    public let accessTokenLifetime: Int64
    public let refreshTokenLifetime: Int64
    let bcryptCost: UInt8
    /// Checked when no account has the email, so a wrong email costs what a wrong password does.
    let decoyHash: String

    public init(secret: [UInt8], accessTokenLifetime: Int64 = 15 * 60, refreshTokenLifetime: Int64 = 30 * 86_400, bcryptCost: UInt8 = 12) async {
        keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(key: SymmetricKey(data: secret)), digestAlgorithm: .sha256)
        self.accessTokenLifetime = accessTokenLifetime
        self.refreshTokenLifetime = refreshTokenLifetime
        self.bcryptCost = bcryptCost
        decoyHash = Bcrypt.hash("not-a-password-0", cost: bcryptCost)
    }

    /// At least 8 characters, with letters and digits; nil when good enough, else why not.
    public static func weakness(of password: String) -> String? {
        if password.count < 8 { return "password must be at least 8 characters" }
        if password.count > 72 { return "password must be at most 72 characters" }
        if !password.contains(where: \.isLetter) || !password.contains(where: \.isNumber) {
            return "password must contain letters and digits"
        }
        return nil
    }

    public func hash(password: String) async throws -> String {
        let cost = bcryptCost
        return try await NIOThreadPool.singleton.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    public func verify(password: String, hash: String) async throws -> Bool {
        try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A signed access token for `user`, valid for `accessTokenLifetime` from `now`.
    public func accessToken(for user: String, now: Int64) async throws -> String {
        try await keys.sign(AccessClaims(
            sub: SubjectClaim(value: user), exp: ExpirationClaim(value: Date(timeIntervalSince1970: TimeInterval(now + accessTokenLifetime))),
            iat: IssuedAtClaim(value: Date(timeIntervalSince1970: TimeInterval(now)))
        ))
    }

    /// The user an access token was signed for, or nil when it is forged, malformed or expired.
    public func user(fromAccessToken token: String, now: Int64) async -> String? {
        guard let claims = try? await keys.verify(token, as: AccessClaims.self),
            claims.exp.value.timeIntervalSince1970 > TimeInterval(now)
        else { return nil }
        return claims.sub.value
    }

    struct AccessClaims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var iat: IssuedAtClaim

        /// The signature is checked by the key collection; expiry against the server's clock by
        /// `user(fromAccessToken:now:)`, so tests can move time.
        func verify(using algorithm: some JWTAlgorithm) throws {
            guard !sub.value.isEmpty else { throw JWTError.claimVerificationFailure(failedClaim: sub, reason: "empty subject") }
        }
    }
}
