import Datasets
import Domain
import Foundation
import Geo
import GeoAreas
import Testing

@Suite struct AreaTests {
    static func c(_ lat: Double, _ lng: Double) -> Coordinate { Coordinate(latitude: lat, longitude: lng) }

    /// Around Soweto, with a hole.
    static let square: [[Coordinate]] = [
        [c(-26.30, 27.80), c(-26.30, 27.95), c(-26.20, 27.95), c(-26.20, 27.80), c(-26.30, 27.80)],
        [c(-26.27, 27.85), c(-26.27, 27.90), c(-26.23, 27.90), c(-26.23, 27.85), c(-26.27, 27.85)],
    ]

    @Test func containmentWithAHole() throws {
        let area = try Area(polygons: [Self.square])
        #expect(area.contains(Self.c(-26.21, 27.81)))
        #expect(!area.contains(Self.c(-26.25, 27.87)), "inside the hole")
        #expect(!area.contains(Self.c(-26.10, 27.87)))
        #expect(area.envelope == GeoBox(south: -26.30, west: 27.80, north: -26.20, east: 27.95))
    }

    @Test func geoJSONInAllItsForms() throws {
        let polygon = #"{"type":"Polygon","coordinates":[[[27.8,-26.3],[27.95,-26.3],[27.95,-26.2],[27.8,-26.2],[27.8,-26.3]]]}"#
        #expect(try Area(geoJSON: Data(polygon.utf8)).contains(Self.c(-26.25, 27.9)))
        let feature = #"{"type":"Feature","properties":{},"geometry":\#(polygon)}"#
        #expect(try Area(geoJSON: Data(feature.utf8)).contains(Self.c(-26.25, 27.9)))
        let multi = #"{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]],[[[3,3],[4,3],[4,4],[3,4],[3,3]]]]}"#
        let two = try Area(geoJSON: Data(multi.utf8))
        #expect(two.contains(Self.c(0.5, 0.5)) && two.contains(Self.c(3.5, 3.5)) && !two.contains(Self.c(2, 2)))
    }

    @Test func badGeometryIsRefusedWithAReason() {
        func refusal(_ json: String) -> AreaError? {
            do { _ = try Area(geoJSON: Data(json.utf8)); return nil } catch { return error }
        }
        // A bow tie crosses itself: GEOS names the self-intersection.
        let bowtie = refusal(#"{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}"#)
        guard case .invalid(let reason)? = bowtie else { Issue.record("bow tie accepted: \(String(describing: bowtie))"); return }
        #expect(reason.lowercased().contains("self-intersection"))
        #expect(refusal(#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1]]]}"#) == .invalid("a ring must end where it starts"))
        #expect(refusal(#"{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,0]]]}"#)
            == .invalid("a ring needs at least 4 positions (3 corners and the first again), got 3"))
        #expect(refusal(#"{"type":"Polygon","coordinates":[[[0,0],[200,0],[1,1],[0,0]]]}"#) == .coordinateOutOfRange(latitude: 0, longitude: 200))
        #expect(refusal(#"{"type":"Point","coordinates":[0,0]}"#) == .malformed("type must be Polygon, MultiPolygon or Feature, not Point"))
        #expect(refusal("not json") == .malformed("not a JSON object"))
        #expect(refusal(#"{"type":"Polygon","coordinates":[[["a","b"]]]}"#) == .malformed("a position must be [longitude, latitude]"))
        let ring = (0...Area.maxVertices).map { i -> String in
            let angle = Double(i) / Double(Area.maxVertices) * 2 * .pi
            return "[\(cos(angle)),\(sin(angle))]"
        }
        #expect(refusal(#"{"type":"Polygon","coordinates":[[\#(ring.joined(separator: ",")),[1,0]]]}"#)
            == .tooManyVertices(Area.maxVertices + 2, limit: Area.maxVertices))
    }

    /// Random star-shaped polygons (simple by construction) against a ray-casting test of
    /// every point.
    @Test(arguments: 1...5)
    func randomPolygonsMatchRayCasting(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        let centre = Self.c(-26.2, 28.05)
        let corners = rng.int(in: 3...40)
        let angles = (0..<corners).map { _ in rng.double(in: 0..<(2 * .pi)) }.sorted()
        var ring = angles.map { a -> Coordinate in
            let r = rng.double(in: 0.02..<0.2)
            return Self.c(centre.latitude + r * sin(a), centre.longitude + r * cos(a))
        }
        ring.append(ring[0])
        let area = try Area(polygons: [[ring]])
        var inside = 0
        for _ in 0..<2_000 {
            let p = Self.c(centre.latitude + rng.double(in: -0.25..<0.25), centre.longitude + rng.double(in: -0.25..<0.25))
            let expected = Self.rayCast(p, ring)
            #expect(area.contains(p) == expected, "seed \(seed) point \(p)")
            if expected { inside += 1 }
        }
        #expect(inside > 0)
    }

    static func rayCast(_ p: Coordinate, _ ring: [Coordinate]) -> Bool {
        var inside = false
        for (a, b) in zip(ring, ring.dropFirst()) {
            if (a.latitude > p.latitude) != (b.latitude > p.latitude) {
                let x = a.longitude + (p.latitude - a.latitude) / (b.latitude - a.latitude) * (b.longitude - a.longitude)
                if p.longitude < x { inside.toggle() }
            }
        }
        return inside
    }
}
