import Foundation
import HTTPTypes
import HummingbirdTesting
import Server
import Testing
import TestSupport

/// The seed's "JWT tokens with tenant context": the access token names the user's gym roles
/// for the app, and `X-Tenant-ID` is accepted only where the database says the user belongs.
@Suite("Tenant context")
struct TenantContextTests {
    /// The claims of an access token, read as the app would (no verification).
    static func claims(_ token: String) throws -> [String: Any] {
        let part = String(token.split(separator: ".")[1])
        var base64 = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let data = try #require(Data(base64Encoded: base64))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test("tokens name the user's gym roles; X-Tenant-ID is accepted for a gym of theirs and refused for another", arguments: StoreKind.allCases)
    func tenantContext(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let gym = fixture.gyms[0].tenant, other = fixture.gyms[1].tenant
            let coach = try await fixture.member("coach", client: client)
            try await fixture.store.staff.grantRole(user: coach.id, tenant: gym.id, role: .instructor)
            let member = try await fixture.member("member", gymCredits: [(gym.id, 3)], client: client)
            let stranger = try await fixture.member("stranger", client: client)

            // A token issued after the role was granted names it.
            let email = try #require(try await fixture.store.accounts.account(id: coach.id).email)
            let refreshed = try await client.json("/api/v1/auth/login", method: .post, body: ["email": email, "password": "correct horse 9"])
            let token = try #require(refreshed.object["access_token"] as? String)
            #expect(try Self.claims(token)["tenants"] as? [String: String] == [gym.id: "instructor"])
            #expect(try Self.claims(member.token)["tenants"] == nil)

            let header = TenantHeaderFields.self
            #expect(try await client.json("/api/v1/users/profile", token: token, headers: header.fields(gym.id)).status == .ok)
            #expect(try await client.json("/api/v1/users/profile", token: member.token, headers: header.fields(gym.id)).status == .ok, "a member there")
            let refused = try await client.json("/api/v1/users/profile", token: token, headers: header.fields(other.id))
            #expect(refused.status == .forbidden && refused.error?.code == "FORBIDDEN")
            #expect(try await client.json("/api/v1/users/profile", token: stranger.token, headers: header.fields(gym.id)).status == .forbidden)
            #expect(try await client.json("/api/v1/marketplace/search?location=-26.2,28.0", headers: header.fields(gym.id)).status == .unauthorized)
            // The database decides: a role taken away is gone at once, whatever the token says.
            try await fixture.store.database.transaction { db in
                try db.setContext(.system)
                try db.query("DELETE FROM user_tenant_roles WHERE user_id = $1", .text(coach.id))
            }
            #expect(try await client.json("/api/v1/users/profile", token: token, headers: header.fields(gym.id)).status == .forbidden)
        }
    }
}

enum TenantHeaderFields {
    static func fields(_ tenant: String) -> HTTPFields { [HTTPField.Name("X-Tenant-ID")!: tenant] }
}
