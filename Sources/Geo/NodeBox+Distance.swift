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

    /// A cheaper lower bound on hav(θ) to any point in the box, for walking the tree: in
    /// hav(θ) = hav(Δφ) + cos φ₁ cos φ₂ hav(Δλ) each factor is taken at its smallest over the
    /// box (the nearest latitude, the latitude farthest from the equator, the nearest
    /// meridian) and then bounded below by a polynomial (sin x ≥ x − x³/6, cos x ≥ 1 − x²/2),
    /// so the sum never exceeds the true value and no trigonometry is called for the nearby
    /// nodes a search visits. It prunes a little less than `minHaversine`.
    func lowerHaversine(from point: Coordinate, cosLatitude: Double) -> Double {
        let lat = point.latitude, lng = point.longitude
        let dLat = lat < minLat ? minLat - lat : (lat > maxLat ? lat - maxLat : 0)
        let havDLat = Self.havLowerBound(dLat * .pi / 180)
        if lng >= minLng && lng <= maxLng { return havDLat }
        let dLng = min(Self.wrapped(minLng - lng), Self.wrapped(maxLng - lng))
        let farthest = max(abs(minLat), abs(maxLat)) * .pi / 180
        let cosFarthest = max(0, 1 - farthest * farthest / 2)
        return havDLat + cosLatitude * cosFarthest * Self.havLowerBound(dLng * .pi / 180)
    }

    /// An upper bound on hav(θ) from `point` to every point in the box, and so to the item
    /// nearest it there: in hav(θ) = hav(Δφ) + cos φ₁ cos φ₂ hav(Δλ) each factor is taken at its
    /// largest over the box (the farthest latitude and meridian, cos φ₂ ≤ 1), and hav(x) =
    /// sin²(x/2) ≤ (x/2)². No trigonometry: a nearest search asks it of every node it opens.
    func upperHaversine(from point: Coordinate, cosLatitude: Double) -> Double {
        let dLat = max(abs(point.latitude - minLat), abs(point.latitude - maxLat)) * .pi / 360
        // Along the box's longitudes the difference grows up to the point's antimeridian, so it
        // is largest at an edge, or 180° when a box wide across the antimeridian holds it.
        let antimeridian = point.longitude > 0 ? point.longitude - 180 : point.longitude + 180
        let widest = antimeridian >= minLng && antimeridian <= maxLng
            ? 180 : max(Self.wrapped(minLng - point.longitude), Self.wrapped(maxLng - point.longitude))
        let dLng = widest * .pi / 360
        return min(1, dLat * dLat + cosLatitude * dLng * dLng)
    }

    /// A longitude difference as an angle in [0, 180] degrees.
    /// By `rounded`, not `truncatingRemainder`: `fmod` took a tenth of a nearest search's
    /// samples, called even where the difference was under 360°.
    private static func wrapped(_ degrees: Double) -> Double {
        var d = abs(degrees)
        d -= 360 * (d / 360).rounded(.down)
        return d > 180 ? 360 - d : d
    }

    /// At most hav(x) for x in [0, π]: sin(x/2) ≥ x/2 − (x/2)³/6, which stays positive there.
    private static func havLowerBound(_ x: Double) -> Double {
        let h = x / 2
        let s = h - h * h * h / 6
        return s * s
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

/// The latitude and longitude box around a circle, grown by a hair for rounding: what a
/// radius query tests first, with comparisons only. Nil when the circle reaches a pole or the
/// antimeridian, where such a box would not hold it, and for radii over 500 km.
public struct CircleBounds: Sendable {
    public let south: Double, north: Double, west: Double, east: Double

    /// The whole globe: what a caller that needs some box falls back to when `init` says nil.
    public static let globe = CircleBounds(south: -90, north: 90, west: -180, east: 180)

    private init(south: Double, north: Double, west: Double, east: Double) {
        (self.south, self.north, self.west, self.east) = (south, north, west, east)
    }

    public init?(center: Coordinate, radiusKm: Double) {
        // The longitude bound below is checked for city and regional radii, not continental.
        guard radiusKm <= 500 else { return nil }
        let dLat = radiusKm / GreatCircle.earthRadiusKm * 180 / .pi * 1.000001 + 1e-9
        south = center.latitude - dLat
        north = center.latitude + dLat
        guard south > -89, north < 89 else { return nil }
        // The widest longitude span of the circle is at the latitude nearest a pole, and
        // never wider than asin(sin(r) / cos(latitude)); the farthest latitude bounds it simply.
        let farthest = max(abs(south), abs(north)) * .pi / 180
        let dLng = dLat / cos(farthest)
        west = center.longitude - dLng
        east = center.longitude + dLng
        guard west > -180, east < 180 else { return nil }
    }

    /// False only for points farther than the radius (true says nothing).
    public func contains(_ point: Coordinate) -> Bool {
        point.latitude >= south && point.latitude <= north && point.longitude >= west && point.longitude <= east
    }

    func intersects(_ box: NodeBox) -> Bool {
        box.maxLat >= south && box.minLat <= north && box.maxLng >= west && box.minLng <= east
    }
}
