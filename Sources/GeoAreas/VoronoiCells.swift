import CGEOS
import Foundation
public import Geo

/// Voronoi cells of a set of sites inside a circle, through GEOS: each point of the circle
/// belongs to the cell of its nearest site, so the cells cover the circle without gaps or
/// overlaps. Computed in a local equirectangular projection (longitudes scaled by the cosine of
/// the centre's latitude), so "nearest" means nearest on the ground, not in degrees.
public enum VoronoiCells {
    /// Sides of the polygon that stands in for the clipping circle.
    public static let circleSegments = 96

    /// The outer ring of each site's cell, in the order of `sites`; nil for a site outside the
    /// circle or repeating an earlier site's position.
    public static func cells(of sites: [Coordinate], within radiusKm: Double, of center: Coordinate) throws(AreaError) -> [[Coordinate]?] {
        let scale = cos(center.latitude * .pi / 180)
        func project(_ c: Coordinate) -> (x: Double, y: Double) { (c.longitude * scale, c.latitude) }
        func unproject(_ x: Double, _ y: Double) -> Coordinate { Coordinate(latitude: y, longitude: x / scale) }

        let context = GEOSContext()
        let h = context.handle
        let circle = Self.circle(around: center, radiusKm: radiusKm).map(project)
        let circleWKT = "POLYGON ((" + circle.map { "\($0.x) \($0.y)" }.joined(separator: ", ") + "))"
        let clip = try context.call("building the clipping circle", failed: { $0 == nil }) { GEOSGeomFromWKT_r(h, circleWKT) }!
        defer { GEOSGeom_destroy_r(h, clip) }

        var seen = Set<String>()
        var kept: [(index: Int, x: Double, y: Double)] = []
        for (i, site) in sites.enumerated() where GreatCircle.distanceKm(site, center) <= radiusKm {
            let (x, y) = project(site)
            if seen.insert("\(x) \(y)").inserted { kept.append((i, x, y)) }
        }
        var result = [[Coordinate]?](repeating: nil, count: sites.count)
        guard !kept.isEmpty else { return result }
        if kept.count == 1 {
            result[kept[0].index] = circle.map { unproject($0.x, $0.y) }
            return result
        }
        let pointsWKT = "MULTIPOINT (" + kept.map { "(\($0.x) \($0.y))" }.joined(separator: ", ") + ")"
        let points = try context.call("reading the sites", failed: { $0 == nil }) { GEOSGeomFromWKT_r(h, pointsWKT) }!
        defer { GEOSGeom_destroy_r(h, points) }
        let diagram = try context.call("computing the Voronoi diagram", failed: { $0 == nil }) {
            GEOSVoronoiDiagram_r(h, points, clip, 0, 0)
        }!
        defer { GEOSGeom_destroy_r(h, diagram) }

        for n in 0..<GEOSGetNumGeometries_r(h, diagram) {
            guard let cell = GEOSGetGeometryN_r(h, diagram, n) else { continue }
            let clipped = try context.call("clipping a cell", failed: { $0 == nil }) { GEOSIntersection_r(h, cell, clip) }!
            defer { GEOSGeom_destroy_r(h, clipped) }
            guard GEOSisEmpty_r(h, clipped) == 0, let ring = exteriorRing(of: clipped, context: context) else { continue }
            // The cell's site: the one it contains (a site on the edge of a clipped cell still touches it).
            for site in kept where result[site.index] == nil {
                guard let probe = GEOSGeom_createPointFromXY_r(h, site.x, site.y) else { continue }
                defer { GEOSGeom_destroy_r(h, probe) }
                if GEOSIntersects_r(h, cell, probe) == 1 {
                    result[site.index] = ring.map { unproject($0.x, $0.y) }
                    break
                }
            }
        }
        return result
    }

    /// A polygon of `circleSegments` sides on the circle of `radiusKm` around `center`, closed.
    public static func circle(around center: Coordinate, radiusKm: Double) -> [Coordinate] {
        var ring = (0..<circleSegments).map { i in
            GreatCircle.destination(from: center, km: radiusKm, bearingDegrees: Double(i) * 360 / Double(circleSegments))
        }
        ring.append(ring[0])
        return ring
    }

    /// The exterior ring of a polygon (the largest part of a multipolygon), as x, y pairs.
    private static func exteriorRing(of geometry: OpaquePointer, context: GEOSContext) -> [(x: Double, y: Double)]? {
        let h = context.handle
        var polygon: OpaquePointer? = geometry
        if GEOSGeomTypeId_r(h, geometry) != Int32(GEOS_POLYGON.rawValue) {
            // A clipped convex cell is one polygon; take the largest part if rounding split it.
            var best: (OpaquePointer, Double)?
            for n in 0..<GEOSGetNumGeometries_r(h, geometry) {
                guard let part = GEOSGetGeometryN_r(h, geometry, n), GEOSGeomTypeId_r(h, part) == Int32(GEOS_POLYGON.rawValue) else { continue }
                var area = 0.0
                GEOSArea_r(h, part, &area)
                if area > (best?.1 ?? -1) { best = (part, area) }
            }
            polygon = best?.0
        }
        guard let polygon, let ring = GEOSGetExteriorRing_r(h, polygon), let sequence = GEOSGeom_getCoordSeq_r(h, ring) else { return nil }
        var size: UInt32 = 0
        GEOSCoordSeq_getSize_r(h, sequence, &size)
        var points: [(x: Double, y: Double)] = []
        for i in 0..<size {
            var x = 0.0, y = 0.0
            GEOSCoordSeq_getXY_r(h, sequence, i, &x, &y)
            points.append((x, y))
        }
        return points.count >= 4 ? points : nil
    }
}
