public import Foundation
public import Geo

/// A route and the band either side of it a search looks in ("on my way home"): gyms within
/// `widthKm` of the path, ranked by the detour they cost (twice the distance off the route).
///
/// Distances are planar in a local equirectangular projection centred on the route (kilometres
/// east and north), which is within a fraction of a percent of the great circle over the tens of
/// kilometres a commute spans, and which GEOS can check exactly in the same projection.
public struct Corridor: Sendable, Hashable {
    public static let maxVertices = 10_000
    public static let maxWidthKm = 10.0
    public static let defaultWidthKm = 1.0

    public let path: [Coordinate]
    public let widthKm: Double
    /// The path's box grown by the width: what the R-tree is asked for.
    public let envelope: GeoBox
    /// The projection's origin.
    public let origin: Coordinate
    private let projected: [(x: Double, y: Double)]

    public static func == (a: Corridor, b: Corridor) -> Bool { a.path == b.path && a.widthKm == b.widthKm }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(path)
        hasher.combine(widthKm)
    }

    public init(path: [Coordinate], widthKm: Double = defaultWidthKm) throws(AreaError) {
        guard widthKm > 0, widthKm <= Self.maxWidthKm else {
            throw .invalidRoute("corridor_km must be greater than 0 and at most \(Int(Self.maxWidthKm)) (got \(widthKm))")
        }
        guard path.count <= Self.maxVertices else { throw .tooManyVertices(path.count, limit: Self.maxVertices) }
        if let bad = path.first(where: { !$0.isValid }) { throw .coordinateOutOfRange(latitude: bad.latitude, longitude: bad.longitude) }
        var points: [Coordinate] = []
        for point in path where point != points.last { points.append(point) }
        guard points.count >= 2 else { throw .invalidRoute("a route needs at least two distinct positions") }
        for (a, b) in zip(points, points.dropFirst()) where abs(a.longitude - b.longitude) > 180 {
            throw .invalidRoute("a route may not cross the antimeridian")
        }
        self.path = points
        self.widthKm = widthKm
        let south = points.map(\.latitude).min()!, north = points.map(\.latitude).max()!
        let west = points.map(\.longitude).min()!, east = points.map(\.longitude).max()!
        origin = Coordinate(latitude: (south + north) / 2, longitude: (west + east) / 2)
        let kmPerDegree = GreatCircle.earthRadiusKm * .pi / 180
        let grow = widthKm / kmPerDegree
        let growLongitude = grow / max(0.01, cos(max(abs(south), abs(north)) * .pi / 180))
        envelope = GeoBox(
            south: max(-90, south - grow), west: max(-180, west - growLongitude), north: min(90, north + grow), east: min(180, east + growLongitude)
        )
        let origin = self.origin
        projected = points.map { Self.project($0, around: origin) }
    }

    /// Kilometres from `point` to the nearest point of the route.
    public func distanceKm(to point: Coordinate) -> Double {
        let p = Self.project(point, around: origin)
        var best = Double.infinity
        for i in 0..<(projected.count - 1) {
            let a = projected[i], b = projected[i + 1]
            let dx = b.x - a.x, dy = b.y - a.y
            let length2 = dx * dx + dy * dy
            let t = length2 == 0 ? 0 : max(0, min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2))
            let ex = a.x + t * dx - p.x, ey = a.y + t * dy - p.y
            best = min(best, ex * ex + ey * ey)
        }
        return best.squareRoot()
    }

    /// Kilometres east and north of `origin`.
    public static func project(_ point: Coordinate, around origin: Coordinate) -> (x: Double, y: Double) {
        let kmPerDegree = GreatCircle.earthRadiusKm * .pi / 180
        return (
            (point.longitude - origin.longitude) * cos(origin.latitude * .pi / 180) * kmPerDegree,
            (point.latitude - origin.latitude) * kmPerDegree
        )
    }

    /// A stable text naming the corridor, for search cursors' fingerprints.
    public var key: String {
        "\(widthKm)|" + path.map { "\($0.latitude),\($0.longitude)" }.joined(separator: ";")
    }

    // MARK: Reading routes

    /// A GeoJSON `LineString` (or a `Feature` holding one).
    public static func lineString(geoJSON data: Data) throws(AreaError) -> [Coordinate] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw .invalidRoute("not a JSON object")
        }
        return try lineString(geoJSONObject: object)
    }

    /// The same, from a JSON object already decoded (a field of a request's body).
    public static func lineString(geoJSONObject object: [String: Any]) throws(AreaError) -> [Coordinate] {
        let geometry = object["type"] as? String == "Feature" ? object["geometry"] as? [String: Any] : object
        guard let geometry, geometry["type"] as? String == "LineString", let positions = geometry["coordinates"] as? [Any] else {
            throw .invalidRoute("a route must be a GeoJSON LineString")
        }
        var path: [Coordinate] = []
        for position in positions {
            guard let pair = position as? [Any], pair.count >= 2,
                let lng = (pair[0] as? NSNumber)?.doubleValue, let lat = (pair[1] as? NSNumber)?.doubleValue
            else { throw .invalidRoute("a position must be [longitude, latitude]") }
            path.append(Coordinate(latitude: lat, longitude: lng))
        }
        return path
    }

    /// An encoded polyline (Google's format, 5 decimal places), as map apps and routing services
    /// hand routes out.
    public static func polyline(_ text: String) throws(AreaError) -> [Coordinate] {
        var path: [Coordinate] = []
        var lat = 0, lng = 0
        var bytes = text.utf8.makeIterator()
        func next() throws(AreaError) -> Int? {
            var result = 0, shift = 0
            while let byte = bytes.next() {
                guard (63...126).contains(byte), shift <= 30 else { throw .invalidRoute("not an encoded polyline") }
                let chunk = Int(byte) - 63
                result |= (chunk & 0x1F) << shift
                shift += 5
                if chunk < 0x20 { return (result & 1) != 0 ? ~(result >> 1) : result >> 1 }
            }
            if shift > 0 { throw .invalidRoute("an encoded polyline that stops mid-number") }
            return nil
        }
        while let dLat = try next() {
            guard let dLng = try next() else { throw .invalidRoute("an encoded polyline with a latitude but no longitude") }
            lat += dLat
            lng += dLng
            path.append(Coordinate(latitude: Double(lat) / 1e5, longitude: Double(lng) / 1e5))
            guard path.count <= maxVertices else { throw .tooManyVertices(path.count, limit: maxVertices) }
        }
        return path
    }

    /// Encodes a path as a polyline (Google's format), for tests and tools.
    public static func encodePolyline(_ path: [Coordinate]) -> String {
        var out = ""
        var last = (0, 0)
        func put(_ value: Int) {
            var v = value < 0 ? ~(value << 1) : value << 1
            while v >= 0x20 {
                out.unicodeScalars.append(UnicodeScalar(UInt8((0x20 | (v & 0x1F)) + 63)))
                v >>= 5
            }
            out.unicodeScalars.append(UnicodeScalar(UInt8(v + 63)))
        }
        for point in path {
            let lat = Int((point.latitude * 1e5).rounded()), lng = Int((point.longitude * 1e5).rounded())
            put(lat - last.0)
            put(lng - last.1)
            last = (lat, lng)
        }
        return out
    }
}
