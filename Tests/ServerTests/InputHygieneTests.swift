import Foundation
import HTTPTypes
import HummingbirdTesting
import Server
import Testing
import TestSupport

/// Names and free text as people type them, and as attackers do: kept in NFC, and refused with
/// a 422 when they carry control characters, bidirectional overrides, byte-order marks or
/// non-characters. A refusal stores nothing.
@Suite("Input hygiene")
struct InputHygieneTests {
    @Test("names with NUL, ANSI escapes, a right-to-left override, a BOM or a non-character are refused; NFC is kept")
    func names() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            for bad in ["Zo\u{0}e", "\u{1B}[31mRed", "Abdul\u{202E}gpj.exe", "\u{FEFF}Thandi", "Naledi\u{FFFF}", "Two\nLines"] {
                let response = try await client.json("/api/v1/auth/register", method: .post, body: [
                    "email": "hygiene-\(UUID().uuidString.prefix(6))@example.com", "password": "clean text 4", "first_name": bad, "last_name": "Dube",
                ])
                #expect(response.status == .unprocessableContent && response.error?.code == "INVALID_TEXT", "\(bad.debugDescription): \(response.text)")
            }
            // Arabic with its right-to-left mark is a name like any other; a decomposed é becomes one character.
            let member = try await fixture.member("hygiene", client: client)
            let renamed = try await client.json("/api/v1/users/profile", method: .put, token: member.token, body: [
                "first_name": "Zoe\u{0301}", "last_name": "\u{200F}عبد الله",
            ])
            #expect(renamed.status == .ok, "\(renamed.text)")
            #expect(renamed.object["first_name"] as? String == "Zo\u{E9}" && (renamed.object["first_name"] as? String)?.unicodeScalars.count == 3)
            let spoofed = try await client.json("/api/v1/users/profile", method: .put, token: member.token, body: ["last_name": "Evil\u{2066}"])
            #expect(spoofed.status == .unprocessableContent)
            #expect(try await client.json("/api/v1/users/profile", token: member.token).object["last_name"] as? String == "\u{200F}عبد الله")
            let email = try await client.json("/api/v1/auth/register", method: .post, body: [
                "email": "a\u{202E}b@example.com", "password": "clean text 4", "first_name": "A", "last_name": "B",
            ])
            #expect(email.status.code / 100 == 4)
        }
    }
}
