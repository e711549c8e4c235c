import CGEOS
import Geo
import GeoAreas

/// A route as GEOS sees it, in the corridor's own projection: the brute force measures every
/// gym against it with `GEOSDistance_r`, independently of `Corridor.distanceKm`.
final class GEOSRoute {
    // Made for one search and used by it alone.
    let corridor: Corridor
    private let handle: GEOSContextHandle_t
    private let line: OpaquePointer

    init(_ corridor: Corridor) {
        self.corridor = corridor
        handle = GEOS_init_r()
        let points = corridor.path.map { Corridor.project($0, around: corridor.origin) }
        let wkt = "LINESTRING (" + points.map { "\($0.x) \($0.y)" }.joined(separator: ", ") + ")"
        line = GEOSGeomFromWKT_r(handle, wkt)!
    }

    deinit {
        GEOSGeom_destroy_r(handle, line)
        GEOS_finish_r(handle)
    }

    func distanceKm(to point: Coordinate) -> Double {
        let p = Corridor.project(point, around: corridor.origin)
        let probe = GEOSGeom_createPointFromXY_r(handle, p.x, p.y)!
        defer { GEOSGeom_destroy_r(handle, probe) }
        var distance = 0.0
        GEOSDistance_r(handle, line, probe, &distance)
        return distance
    }
}
