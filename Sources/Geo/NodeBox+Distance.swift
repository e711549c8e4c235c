import Foundation

extension NodeBox {
    /// A lower bound on hav(θ) between `point` and any point in the box, exact up to rounding
    /// (the method of mourner's geokdbush). Working in haversines, not kilometres, saves an
    /// `asin` per node. The longitude difference goes through `cos`, so the antimeridian needs
    /// no special case.
    func minHaversine(from point: Coordinate, cosLatitude: Double) -> Double {
        let lat = point.latitude, lng = point.longitude
        if lng >= minLng && lng <= maxLng {
            if lat < minLat { return GreatCircle.hav((minLat - lat) * .pi / 180) }
            if lat > maxLat { return GreatCircle.hav((lat - maxLat) * .pi / 180) }
            return 0
        }
        // West or east of the box: the nearest point lies on its nearer meridian, either where
        // the great circle through `point` meets that meridian at a right angle, or at a corner.
        let havDLng = min(
            GreatCircle.hav((minLng - lng) * .pi / 180),
            GreatCircle.hav((maxLng - lng) * .pi / 180)
        )
        let extremumLat = Self.vertexLatitude(lat, havDLng: havDLng)
        if extremumLat > minLat && extremumLat < maxLat {
            return Self.haversine(havDLng: havDLng, cosLat1: cosLatitude, lat1: lat, lat2: extremumLat)
        }
        return min(
            Self.haversine(havDLng: havDLng, cosLat1: cosLatitude, lat1: lat, lat2: minLat),
            Self.haversine(havDLng: havDLng, cosLat1: cosLatitude, lat1: lat, lat2: maxLat)
        )
    }

    private static func vertexLatitude(_ lat: Double, havDLng: Double) -> Double {
        let cosDLng = 1 - 2 * havDLng
        if cosDLng <= 0 { return lat > 0 ? 90 : -90 }
        return atan(tan(lat * .pi / 180) / cosDLng) * 180 / .pi
    }

    private static func haversine(havDLng: Double, cosLat1: Double, lat1: Double, lat2: Double) -> Double {
        cosLat1 * cos(lat2 * .pi / 180) * havDLng + GreatCircle.hav((lat1 - lat2) * .pi / 180)
    }

    /// Whether the box shares a point with `box` (which may cross the antimeridian).
    func intersects(_ box: GeoBox) -> Bool {
        maxLat >= box.south && minLat <= box.north && box.overlapsLongitudes(minLng, maxLng)
    }
}
