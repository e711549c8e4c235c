import CGEOS
public import Foundation
public import Geo
import Synchronization

/// A polygon (or several) on the map that a search can be limited to: parsed from GeoJSON,
/// checked by GEOS, and prepared for fast point-in-area tests. GeoJSON's order is
/// [longitude, latitude].
public final class Area: Sendable, Hashable {
    public static let maxVertices = 10_000

    /// The smallest box holding the area, for the R-tree's first cut.
    public let envelope: GeoBox
    /// The area as WKT, which names it across processes (a search cursor's fingerprint hashes it).
    public let wkt: String
    /// Serializes use of the GEOS context and the prepared geometry, neither of which is
    /// thread-safe.
    private let geos: Mutex<Prepared>

    struct Prepared: @unchecked Sendable {
        // @unchecked: the pointers are only touched under the mutex that owns this value.
        let context: GEOSContext
        let geometry: OpaquePointer
        let prepared: OpaquePointer
    }

    /// Parses a GeoJSON `Polygon`, `MultiPolygon`, or a `Feature` holding one.
    public convenience init(geoJSON: Data) throws(AreaError) {
        try self.init(polygons: try GeoJSONPolygons.parse(geoJSON))
    }

    /// The same, from a JSON object already decoded (a field of a request's body).
    public convenience init(geoJSONObject object: [String: Any]) throws(AreaError) {
        try self.init(polygons: try GeoJSONPolygons.polygons(of: object))
    }

    /// - Parameter polygons: each a list of rings (outer first, then holes), each ring a list of
    ///   positions that ends where it starts.
    public init(polygons: [[[Coordinate]]]) throws(AreaError) {
        guard !polygons.isEmpty else { throw .malformed("no polygon") }
        let vertices = polygons.joined().reduce(0) { $0 + $1.count }
        guard vertices <= Self.maxVertices else { throw .tooManyVertices(vertices, limit: Self.maxVertices) }
        for ring in polygons.joined() {
            guard ring.count >= 4 else { throw .invalid("a ring needs at least 4 positions (3 corners and the first again), got \(ring.count)") }
            guard ring.first == ring.last else { throw .invalid("a ring must end where it starts") }
            if let bad = ring.first(where: { !$0.isValid }) { throw .coordinateOutOfRange(latitude: bad.latitude, longitude: bad.longitude) }
        }
        let context = GEOSContext()
        let wkt = Self.wkt(polygons)
        self.wkt = wkt
        // GEOSGeomFromWKT_r: NULL on error.
        let geometry = try context.call("reading the polygon", failed: { $0 == nil }) { GEOSGeomFromWKT_r(context.handle, wkt) }!
        // GEOSisValid_r: 1 valid, 0 invalid, 2 exception.
        let valid = GEOSisValid_r(context.handle, geometry)
        guard valid == 1 else {
            let reason = GEOSisValidReason_r(context.handle, geometry).map { pointer in
                defer { GEOSFree_r(context.handle, pointer) }
                return String(cString: pointer)
            } ?? "GEOS could not say why"
            GEOSGeom_destroy_r(context.handle, geometry)
            throw .invalid(reason)
        }
        guard let prepared = GEOSPrepare_r(context.handle, geometry) else {
            GEOSGeom_destroy_r(context.handle, geometry)
            throw .geos("preparing the polygon failed")
        }
        let points = polygons.joined().joined()
        envelope = GeoBox(
            south: points.map(\.latitude).min()!, west: points.map(\.longitude).min()!,
            north: points.map(\.latitude).max()!, east: points.map(\.longitude).max()!
        )
        geos = Mutex(Prepared(context: context, geometry: geometry, prepared: prepared))
    }

    deinit {
        geos.withLock { g in
            GEOSPreparedGeom_destroy_r(g.context.handle, g.prepared)
            GEOSGeom_destroy_r(g.context.handle, g.geometry)
        }
    }

    /// Whether `point` lies inside the area (on its boundary counts as inside).
    public func contains(_ point: Coordinate) -> Bool {
        geos.withLock { g in
            guard let probe = GEOSGeom_createPointFromXY_r(g.context.handle, point.longitude, point.latitude) else { return false }
            defer { GEOSGeom_destroy_r(g.context.handle, probe) }
            // GEOSPreparedIntersects_r: 1 true, 0 false, 2 exception (treated as outside).
            return GEOSPreparedIntersects_r(g.context.handle, g.prepared, probe) == 1
        }
    }

    public static func == (a: Area, b: Area) -> Bool { a.wkt == b.wkt }
    public func hash(into hasher: inout Hasher) { hasher.combine(wkt) }

    static func wkt(_ polygons: [[[Coordinate]]]) -> String {
        func ring(_ r: [Coordinate]) -> String {
            "(" + r.map { "\($0.longitude) \($0.latitude)" }.joined(separator: ", ") + ")"
        }
        let bodies = polygons.map { "(" + $0.map(ring).joined(separator: ", ") + ")" }
        return bodies.count == 1 ? "POLYGON " + bodies[0] : "MULTIPOLYGON (" + bodies.joined(separator: ", ") + ")"
    }
}
