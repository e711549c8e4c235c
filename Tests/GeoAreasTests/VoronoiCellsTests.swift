import CGEOS
import Datasets
import Domain
import Foundation
import Geo
import GeoAreas
import Testing

@Suite struct VoronoiCellsTests {
    static let reference = try! ReferenceData(directory: ReferenceData.defaultDirectory())

    /// Area of rings in the cells' own projection (longitudes scaled by the centre's cosine),
    /// through GEOS: each ring alone, their union, and the clipping circle's.
    struct Areas {
        var sum = 0.0
        var union = 0.0
        var circle = 0.0
        var largestPairOverlap = 0.0
    }

    static func measure(_ rings: [[Coordinate]], circle: [Coordinate], scale: Double) -> Areas {
        let h = GEOS_init_r()!
        defer { GEOS_finish_r(h) }
        func polygon(_ ring: [Coordinate]) -> OpaquePointer {
            let wkt = "POLYGON ((" + ring.map { "\($0.longitude * scale) \($0.latitude)" }.joined(separator: ", ") + "))"
            return GEOSGeomFromWKT_r(h, wkt)!
        }
        func area(_ g: OpaquePointer) -> Double {
            var a = 0.0
            GEOSArea_r(h, g, &a)
            return a
        }
        let cells = rings.map(polygon)
        defer { cells.forEach { GEOSGeom_destroy_r(h, $0) } }
        var result = Areas()
        result.sum = cells.reduce(0) { $0 + area($1) }
        var copies = cells.map { GEOSGeom_clone_r(h, $0) }
        let collection = copies.withUnsafeMutableBufferPointer { buffer in
            GEOSGeom_createCollection_r(h, Int32(GEOS_GEOMETRYCOLLECTION.rawValue), buffer.baseAddress, UInt32(buffer.count))!
        }
        copies.removeAll()
        defer { GEOSGeom_destroy_r(h, collection) }
        let union = GEOSUnaryUnion_r(h, collection)!
        defer { GEOSGeom_destroy_r(h, union) }
        result.union = area(union)
        let disc = polygon(circle)
        defer { GEOSGeom_destroy_r(h, disc) }
        result.circle = area(disc)
        for i in cells.indices {
            for j in cells.indices where j > i {
                let both = GEOSIntersection_r(h, cells[i], cells[j])!
                result.largestPairOverlap = max(result.largestPairOverlap, area(both))
                GEOSGeom_destroy_r(h, both)
            }
        }
        return result
    }

    @Test("cells cover each city without gaps or overlaps, and each point belongs to its nearest place",
          arguments: ["johannesburg", "lagos", "nairobi", "cairo"])
    func coverage(cityName: String) throws {
        let city = try #require(Self.reference.city(named: cityName))
        let places = Self.reference.places(in: city)
        let cells = try VoronoiCells.cells(of: places.map(\.coordinate), within: city.radiusKm, of: city.centerCoordinate)
        let rings = cells.compactMap { $0 }
        #expect(rings.count >= places.count / 2, "most places have a cell of their own")
        let scale = cos(city.center.lat * .pi / 180)
        let areas = Self.measure(rings, circle: VoronoiCells.circle(around: city.centerCoordinate, radiusKm: city.radiusKm), scale: scale)
        #expect(abs(areas.union - areas.circle) / areas.circle < 1e-9, "no gaps: \(areas.union) vs \(areas.circle)")
        #expect(abs(areas.sum - areas.union) / areas.union < 1e-9, "no overlaps: \(areas.sum) vs \(areas.union)")
        #expect(areas.largestPairOverlap / areas.circle < 1e-12)

        // Brute force: a point of the city lies in the cell of the place nearest to it (in the
        // projection the cells are drawn in), and in no other.
        let areasByPlace = try zip(places, cells).compactMap { place, ring in try ring.map { (place, try Area(polygons: [[$0]])) } }
        var random = SeededRandom(seed: 42)
        for _ in 0..<300 {
            let point = GreatCircle.destination(
                from: city.centerCoordinate, km: city.radiusKm * 0.98 * sqrt(random.unit()), bearingDegrees: random.unit() * 360
            )
            func projected(_ c: Coordinate) -> Double {
                let dx = (c.longitude - point.longitude) * scale, dy = c.latitude - point.latitude
                return dx * dx + dy * dy
            }
            let nearest = areasByPlace.min { projected($0.0.coordinate) < projected($1.0.coordinate) }!
            let holders = areasByPlace.filter { $0.1.contains(point) }
            #expect(holders.contains { $0.0.id == nearest.0.id }, "\(point) should be in \(nearest.0.name)")
            #expect(holders.count == 1 || holders.allSatisfy { abs(projected($0.0.coordinate) - projected(nearest.0.coordinate)) < 1e-12 })
        }
    }

    @Test func aLoneSiteGetsTheWholeCircleAndSitesOutsideNone() throws {
        let center = Coordinate(latitude: -1.9441, longitude: 30.0619)
        let far = GreatCircle.destination(from: center, km: 50, bearingDegrees: 90)
        let cells = try VoronoiCells.cells(of: [center, far, center], within: 10, of: center)
        #expect(cells[0]?.count == VoronoiCells.circleSegments + 1)
        #expect(cells[1] == nil, "outside the circle")
        #expect(cells[2] == nil, "the same position again")
    }
}
