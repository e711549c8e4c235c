import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Storage
import Testing
import TestSupport

/// Bad input on every route that reads one: a 4xx in the error envelope, and nothing stored.
@Suite("Bad input")
struct BadInputTests {
    /// Rows in every table a request could write to.
    func counts(_ store: Store) async throws -> [String: Int64] {
        try await store.database.transaction { db in
            try db.setContext(.system)
            var counts: [String: Int64] = [:]
            for table in ["tenants", "users", "user_tenant_roles", "classes", "class_schedules", "bookings", "member_credits", "payments",
                          "ledger_transactions", "subscriptions", "account_tokens"] {
                counts[table] = try db.query("SELECT COUNT(*) AS n FROM \(table)").first?["n"].integer ?? -1
            }
            return counts
        }
    }

    @Test("malformed, mistyped, invalid UTF-8 and oversized bodies on every JSON route", arguments: StoreKind.allCases)
    func bodies(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        let (session, gym, _) = fixture.openSession()
        try await fixture.test { client in
            let member = try await fixture.member("careful", universalCredits: 5, client: client)
            try await fixture.store.staff.grantRole(user: member.id, tenant: gym.tenant.id, role: .owner)
            let booked = try await client.json("/api/v1/marketplace/bookings", method: .post, token: member.token, body: ["class_schedule_id": session])
            let booking = try #require(booked.object["id"] as? String)
            let slug = gym.tenant.slug
            let routes: [(HTTPRequest.Method, String)] = [
                (.post, "/api/v1/auth/register"), (.post, "/api/v1/auth/login"), (.post, "/api/v1/auth/refresh"),
                (.post, "/api/v1/auth/password-reset"), (.post, "/api/v1/auth/password-reset/confirm"), (.post, "/api/v1/auth/verify-email"),
                (.post, "/api/v1/auth/verify"), (.post, "/api/v1/auth/verify/resend"),
                (.put, "/api/v1/users/profile"), (.post, "/api/v1/marketplace/search"), (.post, "/api/v1/bookings"),
                (.post, "/api/v1/marketplace/bookings"), (.delete, "/api/v1/bookings/\(booking)"), (.post, "/api/v1/bookings/\(booking)/checkin"),
                (.post, "/api/v1/bookings/\(booking)/self-checkin"), (.post, "/api/v1/tenants"), (.post, "/api/v1/tenants/\(slug)/classes"),
                (.post, "/api/v1/tenants/\(slug)/schedules"), (.put, "/api/v1/tenants/\(slug)/geofence"),
                (.post, "/api/v1/payments/credits/purchase"), (.post, "/api/v1/payments/subscriptions"),
            ]
            let bodies: [(String, [UInt8])] = [
                ("malformed JSON", Array("{nope".utf8)),
                ("invalid UTF-8", [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]),
                ("an array", Array("[1, 2, 3]".utf8)),
                ("wrong types", Array(#"{"email": 5, "phone": 27820000000, "code": 123456, "class_schedule_id": 7, "credits_to_use": "one", "password": [], "session_id": 7, "lat": "north", "lng": true, "name": {}, "token": 1, "package_id": 2, "plan": 3, "radius_m": "far", "limit": "all", "class_id": 1, "start_time": 5, "refresh_token": false}"#.utf8)),
                ("out-of-range numbers", Array(#"{"lat": 1e999, "lng": -1e999, "limit": 99999999999999999999, "radius_m": 1e308, "max_capacity": -1}"#.utf8)),
                ("unknown enums", Array(#"{"class_type": "zumba", "sort": "cheapest", "plan": "platinum", "tier": "gold", "difficulty_level": "expert", "package_id": "credits-7"}"#.utf8)),
                ("oversized", Array(repeating: UInt8(ascii: " "), count: (1 << 20) + 16)),
            ]
            let before = try await counts(fixture.store)
            for (method, path) in routes {
                for (what, bytes) in bodies {
                    var headers: HTTPFields = [.contentType: "application/json", .authorization: "Bearer \(member.token)"]
                    headers[HTTPField.Name("Idempotency-Key")!] = "bad-input"
                    let response = try await client.execute(uri: path, method: method, headers: headers, body: ByteBuffer(bytes: bytes)) {
                        JSONResponse(status: $0.status, headers: $0.headers, text: String(buffer: $0.body))
                    }
                    #expect((400..<500).contains(Int(response.status.code)), "\(method) \(path) with \(what): \(response.status) \(response.text.prefix(200))")
                    #expect(response.error?.code.isEmpty == false, "\(method) \(path) with \(what): no envelope: \(response.text.prefix(200))")
                }
            }
            #expect(try await counts(fixture.store) == before, "bad input changed the store")
        }
    }

    @Test("bad query strings: NaN and infinite coordinates, huge limits, unknown enums, invalid UTF-8")
    func queries() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            for query in [
                "/api/v1/marketplace/search?lat=NaN&lng=28", "/api/v1/marketplace/search?lat=-26&lng=inf",
                "/api/v1/marketplace/search?lat=-26&lng=28&limit=99999999999999999999", "/api/v1/marketplace/search?lat=-26&lng=28&radius_km=NaN",
                "/api/v1/marketplace/search?lat=-26&lng=28&type=%FF%FE", "/api/v1/marketplace/search?lat=-26&lng=28&difficulty=expert",
                "/api/v1/marketplace/search?lat=-26&lng=28&from=%E0%80", "/api/v1/marketplace/search?bbox=NaN,1,2,3",
                "/api/v1/tenants?near=NaN,28", "/api/v1/tenants?near=-26,28&radius_km=1e999", "/api/v1/tenants?near=-26,28&limit=-1",
                "/api/v1/areas?near=91,0", "/api/v1/areas?near=-26,28&limit=1000", "/api/v1/users/me/bookings?updated_since=yesterday",
            ] {
                let response = try await client.json(query, token: try await fixture.member("q", client: client).token)
                #expect((400..<500).contains(Int(response.status.code)), "\(query): \(response.status) \(response.text.prefix(200))")
                #expect(response.error?.code.isEmpty == false, "\(query): \(response.text.prefix(200))")
            }
        }
    }
}
