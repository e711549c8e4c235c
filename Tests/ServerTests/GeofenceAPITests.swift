import Datasets
import Domain
import Foundation
import Geo
import HTTPTypes
import HummingbirdTesting
import Server
import Storage
import Testing
import TestSupport

@Suite("Geofenced self check-in")
struct GeofenceAPITests {
    @Test("a member checks in from the gym, not from down the road; an owner may draw the fence", arguments: StoreKind.allCases)
    func selfCheckIn(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        let (session, gym, start) = fixture.openSession()
        try await fixture.test { client in
            let member = try await fixture.member("amani", gymCredits: [(gym.tenant.id, 20)], client: client)
            let booked = try await client.json("/api/v1/bookings", method: .post, token: member.token, body: ["class_schedule_id": session])
            let id = booked.object["id"] as! String
            let here = Coordinate(latitude: gym.tenant.location.lat, longitude: gym.tenant.location.lng)
            let across = GreatCircle.destination(from: here, km: 0.1, bearingDegrees: 30)
            let downTheRoad = GreatCircle.destination(from: here, km: 0.42, bearingDegrees: 30)

            let early = try await client.json(
                "/api/v1/bookings/\(id)/self-checkin", method: .post, token: member.token, body: ["lat": here.latitude, "lng": here.longitude]
            )
            #expect(early.error?.code == "CHECKIN_NOT_OPEN")
            fixture.clock.set(start - 15 * 60)
            let token = try await fixture.services.authenticator.accessToken(for: member.id, now: fixture.clock.now)
            let far = try await client.json(
                "/api/v1/bookings/\(id)/self-checkin", method: .post, token: token, body: ["lat": downTheRoad.latitude, "lng": downTheRoad.longitude]
            )
            #expect(far.status == .unprocessableContent)
            #expect(far.error?.code == "OUTSIDE_GEOFENCE")
            #expect(far.error?.message.contains("420 m") == true, "\(far.text)")
            #expect(try await fixture.store.bookings.booking(id: id).status == .confirmed, "a refusal changes nothing")

            let other = try await fixture.member("thief", client: client)
            let notYours = try await client.json(
                "/api/v1/bookings/\(id)/self-checkin", method: .post, token: other.token, body: ["lat": here.latitude, "lng": here.longitude]
            )
            #expect(notYours.status == .notFound)

            let done = try await client.json(
                "/api/v1/bookings/\(id)/self-checkin", method: .post, token: token, body: ["lat": across.latitude, "lng": across.longitude]
            )
            #expect(done.status == .ok, "\(done.text)")
            #expect(done.object["distance_m"] as? Int == 100)
            #expect(try await fixture.store.bookings.booking(id: id).status == .checkedIn)
            let twice = try await client.json(
                "/api/v1/bookings/\(id)/self-checkin", method: .post, token: token, body: ["lat": across.latitude, "lng": across.longitude]
            )
            #expect(twice.error?.code == "ALREADY_CHECKED_IN")
        }
    }

    @Test("an owner draws the fence as a polygon; a bad one gets GEOS's reason")
    func drawnFence() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            let slug = "fence-\(UUID().uuidString.prefix(6).lowercased())"
            _ = try await client.json("/api/v1/tenants", method: .post, token: owner.token, body: [
                "name": "Fenced Gym", "slug": slug, "email": "f@example.com", "phone": "+27 11 555 1111",
                "address": ["street": "1 Main", "suburb": "", "city": "Johannesburg", "province": "", "postal_code": "", "country": "South Africa"],
                "location": ["lat": -26.2, "lng": 28.04], "timezone": "Africa/Johannesburg",
            ])
            #expect(try await client.json("/api/v1/tenants/\(slug)/geofence").object["radius_m"] as? Int == 150)
            let square: [[Double]] = [[28.039, -26.201], [28.041, -26.201], [28.041, -26.199], [28.039, -26.199], [28.039, -26.201]]
            let set = try await client.json(
                "/api/v1/tenants/\(slug)/geofence", method: .put, token: owner.token, body: ["area": ["type": "Polygon", "coordinates": [square]]]
            )
            #expect(set.status == .ok, "\(set.text)")
            let fence = try await fixture.store.bookings.geofence(tenant: try #require(try await fixture.store.catalog.tenant(slug: slug)).tenant.id)
            #expect(fence.polygonGeoJSON != nil)
            let bowTie: [[Double]] = [[28.039, -26.201], [28.041, -26.199], [28.041, -26.201], [28.039, -26.199], [28.039, -26.201]]
            let bad = try await client.json(
                "/api/v1/tenants/\(slug)/geofence", method: .put, token: owner.token, body: ["area": ["type": "Polygon", "coordinates": [bowTie]]]
            )
            #expect(bad.status == .badRequest)
            #expect(bad.error?.message.contains("area") == true)
            let stranger = try await fixture.member("stranger", client: client)
            #expect(try await client.json("/api/v1/tenants/\(slug)/geofence", method: .put, token: stranger.token, body: ["radius_m": 500]).status == .forbidden)
            #expect(try await client.json("/api/v1/tenants/\(slug)/geofence", method: .put, token: owner.token, body: ["radius_m": 5]).status == .badRequest)
        }
    }
}
