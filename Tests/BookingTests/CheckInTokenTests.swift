import Booking
import Crypto
import Foundation
import Testing

@Suite struct CheckInTokenTests {
    let tokens = CheckInToken(secret: Array("a-check-in-secret-of-32-bytes-at-least".utf8))
    let claims = CheckInToken.Claims(bookingId: "b-1", sessionId: "s-1", tenantId: "gym-a", expiresAt: 2_000_000_000)

    @Test func roundTripAndExpiry() throws {
        let token = try #require(tokens.issue(claims))
        #expect(tokens.verify(token, now: 1_000) == .valid(claims))
        #expect(tokens.verify(token, now: claims.expiresAt) == .valid(claims))
        #expect(tokens.verify(token, now: claims.expiresAt + 1) == .expired)
    }

    @Test func forgeriesAreRefused() throws {
        let token = try #require(tokens.issue(claims))
        let other = CheckInToken(secret: Array("another-secret-of-at-least-32-bytes!".utf8))
        #expect(other.verify(token, now: 1_000) == .forged)
        // Every single changed byte of the code breaks it: the claims, the key id, the signature.
        var bytes = try #require(Data(base64Encoded: Self.base64(token)))
        for index in bytes.indices {
            bytes[index] ^= 0x01
            #expect(tokens.verify(CheckInToken.base64url(Array(bytes)), now: 1_000) == .forged, "byte \(index)")
            bytes[index] ^= 0x01
        }
        // Another gym's key does not sign this gym's codes.
        let decoded = try #require(CheckInToken.decode(token))
        #expect(tokens.verify(token, now: 1_000) { _, keyId in tokens.publicKey(tenant: "gym-b", keyId: keyId) } == .forged)
        #expect(decoded.claims == claims)
        for junk in ["", ".", "abc", "abc.def", token + "x", String(token.dropLast()), String(token.dropFirst()), "é" + token] {
            #expect(tokens.verify(junk, now: 1_000) == .forged, "\(junk)")
        }
    }

    /// A staff device holds only the published keys: they verify the code with a plain Ed25519
    /// check over the bytes before the signature.
    @Test func thePublishedKeyVerifiesTheCode() throws {
        let now: Int64 = 1_800_000_000
        let uuids = (0..<3).map { _ in UUID().uuidString.lowercased() }
        let claims = CheckInToken.Claims(bookingId: uuids[0], sessionId: uuids[1], tenantId: uuids[2], expiresAt: now + 7 * 86_400)
        let token = try #require(tokens.issue(claims))
        #expect(token.count <= 172, "a QR code of version 8 holds it: \(token.count) characters")
        let decoded = try #require(CheckInToken.decode(token))
        #expect(decoded.claims == claims)
        let published = tokens.publishedKeys(tenant: claims.tenantId, now: now)
        let key = try #require(published.first { $0.keyId == decoded.keyId })
        #expect((key.validFrom..<key.validUntil).contains(claims.expiresAt))
        let verifier = try Curve25519.Signing.PublicKey(rawRepresentation: key.bytes)
        #expect(verifier.isValidSignature(decoded.signature, for: decoded.signed))
    }

    /// Keys rotate every period; a key is published from the period before until every code it
    /// signed (the longest booking window ahead) can have expired.
    @Test func keysRotateAndOldOnesStayUntilTheirCodesExpire() throws {
        let period = CheckInToken.periodSeconds
        let start: Int64 = 700 * period
        let early = try #require(tokens.issue(CheckInToken.Claims(bookingId: "b", sessionId: "s", tenantId: "gym", expiresAt: start + 10)))
        let later = try #require(tokens.issue(CheckInToken.Claims(bookingId: "b", sessionId: "s", tenantId: "gym", expiresAt: start + period + 10)))
        let first = try #require(CheckInToken.decode(early)).keyId, second = try #require(CheckInToken.decode(later)).keyId
        #expect(first != second)
        let now = start - 60 * 86_400
        let published = Set(tokens.publishedKeys(tenant: "gym", now: now).map(\.keyId))
        #expect(published.isSuperset(of: [first, second]), "both codes, handed out two months ahead, verify offline")
        #expect(tokens.publishedKeys(tenant: "gym", now: start + 5).contains { $0.keyId == first })
        #expect(!tokens.publishedKeys(tenant: "gym", now: start + 2 * period).contains { $0.keyId == first })
        #expect(tokens.publishedKeys(tenant: "gym", now: now).allSatisfy { $0.bytes.count == 32 })
        #expect(tokens.publishedKeys(tenant: "gym", now: now) != tokens.publishedKeys(tenant: "other-gym", now: now))
    }

    static func base64(_ url: String) -> String {
        let base = url.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        return base + String(repeating: "=", count: (4 - base.count % 4) % 4)
    }
}
