import Foundation
import Geo
import GeoAreas
import Hummingbird
import Storage

/// Geofenced self check-in: a member at the gym checks in from the app by sending where they
/// stand; the gym's owner sets the fence (a radius, 150 m unless set, or a drawn polygon).
struct GeofenceRoutes {
    let services: ServerServices

    struct Position: Decodable {
        var lat: Double
        var lng: Double
    }

    /// A radius, a drawn polygon (`area`; null for none), or both.
    struct FenceUpdate: Decodable {
        var radiusM: Int?
        var area: JSONValue?
    }

    struct FenceView: Encodable, Sendable {
        var radiusM: Int
        /// The drawn polygon, when there is one; it replaces the radius.
        var area: JSONValue?
    }

    struct CheckedIn: Encodable, Sendable {
        var id: String
        var status = "checked_in"
        var distanceM: Int
    }

    func register(on api: RouterGroup<AppContext>) {
        api.get("tenants/{slug}/geofence") { _, context in
            let fence = try await services.store.bookings.geofence(tenant: try await services.tenantId(context))
            return Reply(FenceView(
                radiusM: fence.radiusMeters,
                area: try fence.polygonGeoJSON.map { try JSONDecoder().decode(JSONValue.self, from: Data($0.utf8)) }
            ))
        }
        api.put("tenants/{slug}/geofence") { request, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let body = try await request.json(FenceUpdate.self, context: context)
            guard body.radiusM != nil || body.area != nil else { throw APIError.validation("give radius_m, area, or both") }
            let radius = body.radiusM ?? Geofence.defaultRadiusMeters
            guard (25...2_000).contains(radius) else { throw APIError.validation("radius_m must be between 25 and 2000 metres") }
            var polygon: String?
            if let area = body.area {
                guard case .object = area else { throw APIError.validation("area must be a GeoJSON Polygon or MultiPolygon, or null for the radius") }
                let data = try JSONEncoder().encode(area)
                do { _ = try Area(geoJSON: data) } catch { throw APIError.validation("area: \(error)") }
                polygon = String(decoding: data, as: UTF8.self)
            }
            try await services.store.bookings.setGeofence(tenant: tenant, staff: user, radiusMeters: radius, polygonGeoJSON: polygon)
            return Reply(FenceView(radiusM: radius, area: body.area))
        }
        api.post("bookings/{id}/self-checkin") { request, context in
            let user = try context.requireUser()
            let body = try await request.json(Position.self, context: context)
            let position = Coordinate(latitude: body.lat, longitude: body.lng)
            guard position.isValid else { throw APIError.validation("lat must be within [-90, 90] and lng within [-180, 180]") }
            let id = try context.parameters.require("id")
            let outcome = try await services.store.bookings.selfCheckIn(bookingId: id, member: user, now: services.clock.now()) { fence in
                Self.locate(position, in: fence)
            }
            switch outcome {
            case .checkedIn(let distance):
                return Reply(CheckedIn(id: id, distanceM: distance))
            case .outside(let distance, let fence):
                let limit = fence.polygonGeoJSON == nil ? "within \(fence.radiusMeters) m of it" : "inside the area it marked"
                throw APIError(.refused(.outsideGeofence), "you are \(distance) m from the gym; check in \(limit)")
            }
        }
    }

    /// Whether `position` is inside the fence, and how far it is from the gym, in metres.
    static func locate(_ position: Coordinate, in fence: Geofence) -> (inside: Bool, distanceMeters: Int) {
        let gym = Coordinate(latitude: fence.latitude, longitude: fence.longitude)
        let meters = Int((GreatCircle.distanceKm(position, gym) * 1000).rounded())
        if let json = fence.polygonGeoJSON, let area = try? Area(geoJSON: Data(json.utf8)) {
            return (area.contains(position), meters)
        }
        return (meters <= fence.radiusMeters, meters)
    }

}
