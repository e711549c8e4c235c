import Booking
import Testing

@Suite struct CheckInTokenTests {
    let tokens = CheckInToken(secret: Array("a-check-in-secret-of-32-bytes-at-least".utf8))
    let claims = CheckInToken.Claims(bookingId: "b-1", sessionId: "s-1", tenantId: "gym-a", expiresAt: 2_000)

    @Test func roundTripAndExpiry() {
        let token = tokens.issue(claims)
        #expect(tokens.verify(token, now: 1_000) == .valid(claims))
        #expect(tokens.verify(token, now: 2_000) == .valid(claims))
        #expect(tokens.verify(token, now: 2_001) == .expired)
    }

    @Test func forgeriesAreRefused() {
        let token = tokens.issue(claims)
        let other = CheckInToken(secret: Array("another-secret-of-at-least-32-bytes!".utf8))
        #expect(other.verify(token, now: 1_000) == .forged)
        // Change the booking in the payload and keep the signature.
        let parts = token.split(separator: ".")
        let tampered = tokens.issue(CheckInToken.Claims(bookingId: "b-2", sessionId: "s-1", tenantId: "gym-a", expiresAt: 2_000))
            .split(separator: ".")[0] + "." + parts[1]
        #expect(tokens.verify(String(tampered), now: 1_000) == .forged)
        for junk in ["", ".", "abc", "abc.def", token + "x", String(token.dropLast())] {
            #expect(tokens.verify(junk, now: 1_000) == .forged, "\(junk)")
        }
    }
}
