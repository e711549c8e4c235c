import Booking
import Foundation
import SQL

/// Where a member must stand to check themselves in: within `radiusMeters` of the gym, or
/// inside the polygon its owner drew.
public struct Geofence: Sendable, Equatable {
    public var latitude: Double
    public var longitude: Double
    public var radiusMeters: Int
    /// A GeoJSON Polygon or MultiPolygon replacing the radius, when the owner drew one.
    public var polygonGeoJSON: String?

    public static let defaultRadiusMeters = 150
}

/// What a self check-in did.
public enum SelfCheckInOutcome: Sendable, Equatable {
    /// Checked in, standing this far from the gym.
    case checkedIn(distanceMeters: Int)
    /// Refused (and nothing changed): the member stood this far from the gym.
    case outside(distanceMeters: Int, fence: Geofence)
}

extension BookingStore {
    /// A gym's owner or an admin sets its geofence: a radius, or a polygon (already checked).
    public func setGeofence(tenant: String, staff: String, radiusMeters: Int, polygonGeoJSON: String?) async throws {
        guard (25...2_000).contains(radiusMeters) else { throw StoreError.invalid("radius_m must be between 25 and 2000") }
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: staff))
            try Authorization.requireManager(staff, of: tenant, on: db)
            try db.query(
                "UPDATE tenants SET geofence_radius_m = $2, geofence_geojson = $3 WHERE id = $1",
                .text(tenant), .integer(Int64(radiusMeters)), SQLValue(polygonGeoJSON)
            )
        }
    }

    public func geofence(tenant: String) async throws -> Geofence {
        try await database.transaction { db in
            try db.setContext(.system)
            return try Self.geofence(tenant, on: db)
        }
    }

    /// A member checks in from the app at `position`: their own confirmed booking, inside the
    /// check-in window, and `inside` (the caller's geometry, given the gym's fence) must say
    /// they are at the gym. Returns how far they were when they are not; changes nothing then.
    public func selfCheckIn(
        bookingId: String, member: String, now: Int64,
        locate: @escaping @Sendable (Geofence) -> (inside: Bool, distanceMeters: Int)
    ) async throws -> SelfCheckInOutcome {
        try await database.transaction { db in
            try db.setContext(.member(member))
            guard let row = try db.query(
                "SELECT session_id, tenant_id, user_id FROM bookings WHERE id = $1", .text(bookingId)
            ).first, row["user_id"].text == member, let tenant = row["tenant_id"].text
            else { throw StoreError.notFound("booking") }
            try db.setContext(.tenant(tenant, user: member))
            let session = try LockedSession.read(row.text("session_id"), on: db)
            // The status as the session's lock leaves it.
            guard let status = try db.query("SELECT status FROM bookings WHERE id = $1", .text(bookingId)).first?["status"].text
                .flatMap(BookingStatus.init)
            else { throw StoreError.notFound("booking") }
            let fence = try Self.geofence(tenant, on: db)
            let position = locate(fence)
            if case .failure(let refusal) = BookingRules.selfCheckIn(
                status: status, session: session.facts, insideGeofence: position.inside, now: now
            ) {
                if refusal == .outsideGeofence { return .outside(distanceMeters: position.distanceMeters, fence: fence) }
                throw StoreError.refused(refusal)
            }
            try Self.markCheckedIn(bookingId, at: now, by: nil, method: .selfService, on: db)
            try OutboxRows.notify(member, "checked_in", bookingId, now: now, on: db)
            return .checkedIn(distanceMeters: position.distanceMeters)
        }
    }

    static func geofence(_ tenant: String, on db: any SQLConnection) throws -> Geofence {
        guard let row = try db.query(
            "SELECT lat, lng, geofence_radius_m, geofence_geojson FROM tenants WHERE id = $1", .text(tenant)
        ).first else { throw StoreError.notFound("gym") }
        return try Geofence(
            latitude: row.double("lat"), longitude: row.double("lng"),
            radiusMeters: Int(row["geofence_radius_m"].integer ?? Int64(Geofence.defaultRadiusMeters)),
            polygonGeoJSON: row["geofence_geojson"].text
        )
    }
}
