public import Foundation

/// Distances on a sphere of the Earth's mean radius, by the haversine formula, which stays
/// accurate for the short distances search is about (the law of cosines does not).
public enum GreatCircle {
    /// The IUGG mean Earth radius.
    public static let earthRadiusKm = 6371.0088

    /// The great-circle distance between two positions, in kilometres.
    public static func distanceKm(_ a: Coordinate, _ b: Coordinate) -> Double {
        kilometres(fromHaversine: haversine(a, b))
    }

    /// hav(θ) of the central angle θ between two positions: monotonic in the distance, and
    /// cheaper to compare than the distance itself.
    public static func haversine(_ a: Coordinate, _ b: Coordinate) -> Double {
        haversine(a, b, cosLatitudeA: cosLatitude(a), cosLatitudeB: cosLatitude(b))
    }

    /// `haversine(a, b)` with the cosines of the two latitudes given, for callers that keep
    /// them (an R-tree keeps its items'): the same arithmetic, so the same bits.
    @inlinable
    public static func haversine(_ a: Coordinate, _ b: Coordinate, cosLatitudeA: Double, cosLatitudeB: Double) -> Double {
        let dLat = b.latitude * .pi / 180 - a.latitude * .pi / 180
        let dLng = (b.longitude - a.longitude) * .pi / 180
        return hav(dLat) + cosLatitudeA * cosLatitudeB * hav(dLng)
    }

    /// The cosine of a position's latitude, as `haversine` uses it.
    @inlinable
    public static func cosLatitude(_ point: Coordinate) -> Double {
        cos(point.latitude * .pi / 180)
    }

    @inlinable
    public static func hav(_ angle: Double) -> Double {
        let s = sin(angle / 2)
        return s * s
    }

    @inlinable
    public static func kilometres(fromHaversine h: Double) -> Double {
        2 * earthRadiusKm * asin(min(1, max(0, h)).squareRoot())
    }

    public static func haversine(ofKilometres km: Double) -> Double {
        hav(min(km, .pi * earthRadiusKm) / earthRadiusKm)
    }

    /// The point `km` away from `origin` on the initial bearing `degrees` (0 north, 90 east).
    public static func destination(from origin: Coordinate, km: Double, bearingDegrees degrees: Double) -> Coordinate {
        let delta = km / earthRadiusKm
        let theta = degrees * .pi / 180
        let lat1 = origin.latitude * .pi / 180, lng1 = origin.longitude * .pi / 180
        let lat2 = asin(sin(lat1) * cos(delta) + cos(lat1) * sin(delta) * cos(theta))
        let lng2 = lng1 + atan2(sin(theta) * sin(delta) * cos(lat1), cos(delta) - sin(lat1) * sin(lat2))
        var lng = lng2 * 180 / .pi
        lng = (lng + 540).truncatingRemainder(dividingBy: 360) - 180
        return Coordinate(latitude: lat2 * 180 / .pi, longitude: lng)
    }
}
