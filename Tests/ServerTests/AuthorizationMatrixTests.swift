import Datasets
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import Server
import Storage
import Testing
import TestSupport

/// Who may do what: every mutating route tried by an anonymous caller, a plain member, the
/// gym's instructor, admin and owner, and the owner of another gym. A refused call says so with
/// 401 (not signed in), 403 (signed in, not allowed) or 404 (another member's thing, whose very
/// existence is not told); an allowed one gets past authorization (2xx, or a rule's own 4xx such
/// as a check-in window).
@Suite("Authorization matrix")
struct AuthorizationMatrixTests {
    enum Role: String, CaseIterable {
        case anonymous, member, instructor, admin, owner, otherGymOwner
    }

    enum Verdict: Equatable {
        case allowed
        case refused(Int)
    }

    @Test("every mutating route against every role", arguments: StoreKind.allCases)
    func matrix(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            // Gym X and its staff; gym Y and its owner; a member who books at X.
            var tokens: [Role: String] = [:]
            var ids: [Role: String] = [:]
            for role in Role.allCases where role != .anonymous {
                let user = try await fixture.member(role.rawValue, universalCredits: 50, client: client)
                tokens[role] = user.token
                ids[role] = user.id
            }
            let slug = "matrix-\(UUID().uuidString.prefix(6).lowercased())"
            func gymBody(_ slug: String) -> [String: Any] {
                [
                    "name": "Matrix Gym", "slug": slug, "email": "m@example.com", "phone": "+27 11 555 2222",
                    "address": ["street": "2 Main", "suburb": "", "city": "Johannesburg", "province": "", "postal_code": "", "country": "South Africa"],
                    "location": ["lat": -26.19, "lng": 28.03], "timezone": "Africa/Johannesburg",
                ]
            }
            let created = try await client.json("/api/v1/tenants", method: .post, token: tokens[.owner], body: gymBody(slug))
            let gym = try #require(created.object["id"] as? String, "\(created.text)")
            _ = try await client.json("/api/v1/tenants", method: .post, token: tokens[.otherGymOwner], body: gymBody(slug + "-y"))
            try await fixture.store.staff.grantRole(user: ids[.admin]!, tenant: gym, role: .admin)
            try await fixture.store.staff.grantRole(user: ids[.instructor]!, tenant: gym, role: .instructor)
            try await fixture.store.ledger.grantCredits(member: ids[.member]!, tenant: gym, credits: 50, now: fixture.clock.now)
            let classId = try await client.json("/api/v1/tenants/\(slug)/classes", method: .post, token: tokens[.owner], body: [
                "name": "Matrix Flow", "class_type": "yoga", "duration_minutes": 60, "max_capacity": 20, "credits_required": 1,
            ]).object["id"] as! String
            // Every session made gets its own start, two hours after the last.
            var starts: Int64 = fixture.clock.now + 86_400
            func nextStart() -> String {
                starts += 2 * 3_600
                return ISO8601.format(starts)
            }
            func newSession() async throws -> String {
                let made = try await client.json("/api/v1/tenants/\(slug)/schedules", method: .post, token: tokens[.owner], body: [
                    "class_id": classId, "start_time": nextStart(),
                ])
                return try #require(made.object["id"] as? String, "\(made.text)")
            }

            // Each route: what to send, and who may.
            let staff: [Role: Verdict] = [
                .anonymous: .refused(401), .member: .refused(403), .instructor: .refused(403), .admin: .allowed, .owner: .allowed,
                .otherGymOwner: .refused(403),
            ]
            let anyoneSignedIn: [Role: Verdict] = [
                .anonymous: .refused(401), .member: .allowed, .instructor: .allowed, .admin: .allowed, .owner: .allowed, .otherGymOwner: .allowed,
            ]
            var attempt = 0
            func check(_ name: String, _ expected: [Role: Verdict], _ call: (Role, String?) async throws -> JSONResponse) async throws {
                // Refusals first: an allowed call may use the thing up (a cancelled session).
                let order = Role.allCases.sorted { (expected[$0] == .allowed ? 1 : 0) < (expected[$1] == .allowed ? 1 : 0) }
                for role in order {
                    attempt += 1
                    let response = try await call(role, tokens[role])
                    switch expected[role]! {
                    case .refused(let status):
                        #expect(Int(response.status.code) == status, "\(name) as \(role): \(response.status) \(response.text)")
                    case .allowed:
                        #expect(![401, 403, 404].contains(Int(response.status.code)), "\(name) as \(role): \(response.status) \(response.text)")
                        #expect(response.status.code < 500, "\(name) as \(role): \(response.text)")
                    }
                }
            }

            try await check("POST /tenants", anyoneSignedIn) { role, token in
                try await client.json("/api/v1/tenants", method: .post, token: token, body: gymBody("new-\(role.rawValue)-\(UUID().uuidString.prefix(4).lowercased())"))
            }
            try await check("POST classes", staff) { _, token in
                try await client.json("/api/v1/tenants/\(slug)/classes", method: .post, token: token, body: [
                    "name": "Extra", "class_type": "hiit", "duration_minutes": 30, "max_capacity": 5, "credits_required": 1,
                ])
            }
            try await check("PATCH class", staff) { _, token in
                try await client.json("/api/v1/tenants/\(slug)/classes/\(classId)", method: .patch, token: token, body: ["description": "calm"])
            }
            try await check("POST schedules", staff) { _, token in
                try await client.json("/api/v1/tenants/\(slug)/schedules", method: .post, token: token, body: [
                    "class_id": classId, "start_time": nextStart(),
                ])
            }
            try await check("DELETE schedule", staff) { role, token in
                let session = try await newSession()
                return try await client.json("/api/v1/tenants/\(slug)/schedules/\(session)", method: .delete, token: token)
            }
            try await check("PUT geofence", staff) { _, token in
                try await client.json("/api/v1/tenants/\(slug)/geofence", method: .put, token: token, body: ["radius_m": 200])
            }
            try await check("GET analytics", staff) { _, token in
                try await client.json("/api/v1/tenants/\(slug)/analytics", token: token)
            }
            try await check("DELETE class", staff) { _, token in
                let doomed = try await client.json("/api/v1/tenants/\(slug)/classes", method: .post, token: tokens[.owner], body: [
                    "name": "Doomed", "class_type": "dance", "duration_minutes": 30, "max_capacity": 5, "credits_required": 1,
                ]).object["id"] as! String
                return try await client.json("/api/v1/tenants/\(slug)/classes/\(doomed)", method: .delete, token: token)
            }
            try await check("POST bookings", anyoneSignedIn) { _, token in
                try await client.json("/api/v1/marketplace/bookings", method: .post, token: token, body: ["class_schedule_id": try await newSession()])
            }
            try await check("PUT profile", anyoneSignedIn) { _, token in
                try await client.json("/api/v1/users/profile", method: .put, token: token, body: ["phone": "+27 82 555 0101"])
            }
            try await check("purchase credits", anyoneSignedIn) { role, token in
                try await client.json(
                    "/api/v1/payments/credits/purchase", method: .post, token: token, body: ["package_id": "credits-5"],
                    headers: [HTTPField.Name("Idempotency-Key")!: "matrix-\(role)"]
                )
            }
            try await check("subscribe to a gym tier", [
                .anonymous: .refused(401), .member: .refused(403), .instructor: .refused(403), .admin: .refused(403), .owner: .allowed,
                .otherGymOwner: .refused(403),
            ]) { _, token in
                try await client.json("/api/v1/payments/subscriptions", method: .post, token: token, body: ["plan": "gym_tier", "tenant_id": gym, "tier": "pro"])
            }

            // The member's own booking: only the member may read, cancel or self-check it in;
            // staff of the gym may read it and check it in with the QR code.
            let session = try await newSession()
            let booking = try await client.json("/api/v1/bookings", method: .post, token: tokens[.member], body: ["class_schedule_id": session])
            let bookingId = try #require(booking.object["id"] as? String, "\(booking.text)")
            let qr = try #require(try await client.json("/api/v1/bookings/\(bookingId)", token: tokens[.member]).object["qr_code"] as? String)
            let ownOnly: [Role: Verdict] = [
                .anonymous: .refused(401), .member: .allowed, .instructor: .refused(404), .admin: .refused(404), .owner: .refused(404),
                .otherGymOwner: .refused(404),
            ]
            try await check("GET booking", [
                .anonymous: .refused(401), .member: .allowed, .instructor: .allowed, .admin: .allowed, .owner: .allowed, .otherGymOwner: .refused(404),
            ]) { _, token in
                try await client.json("/api/v1/bookings/\(bookingId)", token: token)
            }
            try await check("POST checkin", [
                .anonymous: .refused(401), .member: .refused(403), .instructor: .allowed, .admin: .allowed, .owner: .allowed,
                .otherGymOwner: .refused(403),
            ]) { _, token in
                try await client.json("/api/v1/bookings/\(bookingId)/checkin", method: .post, token: token, body: ["token": qr])
            }
            try await check("POST self-checkin", ownOnly) { _, token in
                try await client.json("/api/v1/bookings/\(bookingId)/self-checkin", method: .post, token: token, body: ["lat": -26.19, "lng": 28.03])
            }
            try await check("DELETE booking", ownOnly) { _, token in
                try await client.json("/api/v1/bookings/\(bookingId)", method: .delete, token: token)
            }
            try await check("GET another user's credits", ownOnly.merging([.member: .allowed]) { $1 }) { _, token in
                try await client.json("/api/v1/users/\(ids[.member]!)/credits", token: token)
            }
            #expect(attempt == 17 * Role.allCases.count)
        }
    }
}
