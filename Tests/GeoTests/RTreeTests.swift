import Datasets
import Domain
import Foundation
@testable import Geo
import Testing

/// The R-tree against a scan of every point, on random points over the whole globe and in
/// the places flat-map code gets wrong: the poles and the antimeridian.
@Suite struct RTreeTests {
    enum Region: String, CaseIterable, CustomTestStringConvertible {
        case globe, northPole, southPole, antimeridian, city
        var testDescription: String { rawValue }

        func point(_ rng: inout SeededRandom) -> Coordinate {
            switch self {
            case .globe:
                // Uniform on the sphere, not in degrees, so the poles get their share.
                let z = rng.double(in: -1..<1)
                return Coordinate(latitude: asinDegrees(z), longitude: rng.double(in: -180..<180))
            case .northPole:
                return Coordinate(latitude: rng.double(in: 85..<90), longitude: rng.double(in: -180..<180))
            case .southPole:
                return Coordinate(latitude: rng.double(in: -90 ..< -85), longitude: rng.double(in: -180..<180))
            case .antimeridian:
                let lng = rng.double(in: -3..<3)
                return Coordinate(latitude: rng.double(in: -60..<60), longitude: lng < 0 ? 180 + lng : -180 + lng)
            case .city:
                return Coordinate(latitude: rng.double(in: -26.4 ..< -26.0), longitude: rng.double(in: 27.8..<28.3))
            }
        }

        var radii: [Double] {
            switch self {
            case .globe: [10, 500, 3000]
            case .northPole, .southPole: [5, 50, 400]
            case .antimeridian: [20, 150, 800]
            case .city: [0.5, 2, 10]
            }
        }
    }

    static func asinDegrees(_ z: Double) -> Double { asin(z) * 180 / .pi }

    @Test(arguments: Region.allCases, [1, 2, 3])
    func radiusMatchesBruteForce(region: Region, seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let points = (0..<3000).map { _ in region.point(&rng) }
        let tree = RTree(points: points)
        tree._checkInvariants()
        for _ in 0..<60 {
            let center = region.point(&rng)
            for radius in region.radii {
                let expected = Set(points.indices.filter { GreatCircle.distanceKm(center, points[$0]) <= radius })
                let found = tree.within(radiusKm: radius, of: center)
                #expect(Set(found.map(\.id)) == expected, "seed \(seed) centre \(center) radius \(radius)")
                #expect(found.count == expected.count)
                #expect(tree.estimatedCount(within: radius, of: center) >= expected.count)
            }
        }
    }

    @Test(arguments: Region.allCases, [4, 5])
    func nearestMatchesBruteForce(region: Region, seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let points = (0..<2000).map { _ in region.point(&rng) }
        let tree = RTree(points: points)
        for _ in 0..<80 {
            let center = region.point(&rng)
            let k = rng.int(in: 1...40)
            let expected = points.indices
                .map { RTreeHit(id: $0, distanceKm: GreatCircle.distanceKm(center, points[$0])) }
                .sorted { $0.distanceKm != $1.distanceKm ? $0.distanceKm < $1.distanceKm : $0.id < $1.id }
            #expect(tree.nearest(k, to: center) == Array(expected.prefix(k)), "seed \(seed) centre \(center) k \(k)")
            let cap = region.radii[1]
            #expect(tree.nearest(k, to: center, maxKm: cap) == Array(expected.filter { $0.distanceKm <= cap }.prefix(k)))
        }
    }

    @Test(arguments: Region.allCases)
    func boxMatchesBruteForce(region: Region) {
        var rng = SeededRandom(seed: 9)
        let points = (0..<2000).map { _ in region.point(&rng) }
        let tree = RTree(points: points)
        for _ in 0..<100 {
            let a = region.point(&rng), b = region.point(&rng)
            // Random boxes, some of which cross the antimeridian (west > east).
            let box = GeoBox(
                south: min(a.latitude, b.latitude), west: a.longitude,
                north: max(a.latitude, b.latitude), east: b.longitude
            )
            let expected = Set(points.indices.filter { box.contains(points[$0]) })
            let found = tree.within(box: box, distancesFrom: box.center)
            #expect(Set(found.map(\.id)) == expected, "box \(box)")
        }
    }

    @Test func emptyAndSingleTrees() {
        let empty = RTree(points: [])
        #expect(empty.within(radiusKm: 100, of: Coordinate(latitude: 0, longitude: 0)).isEmpty)
        #expect(empty.nearest(3, to: Coordinate(latitude: 0, longitude: 0)).isEmpty)
        let one = RTree(points: [Coordinate(latitude: 90, longitude: 0)])
        one._checkInvariants()
        // At the pole every longitude is the same place.
        #expect(one.within(radiusKm: 1, of: Coordinate(latitude: 90, longitude: 137)).map(\.id) == [0])
    }

    /// Every item within a radius, or inside a box, lies in a tile the tiles query returns: the
    /// sessions walk reads only those tiles' sessions.
    @Test(arguments: Region.allCases)
    func tilesHoldEveryItemInTheArea(region: Region) {
        var rng = SeededRandom(seed: 9)
        let points = (0..<6_000).map { _ in region.point(&rng) }
        let tree = RTree(points: points)
        let tileOf = tree.tileOfItem
        #expect(tree.tileCount > 20)
        for _ in 0..<60 {
            let center = region.point(&rng)
            let radius = rng.element(of: region.radii)
            let tiles = Set(tree.tiles(within: radius, of: center))
            for hit in tree.within(radiusKm: radius, of: center) {
                #expect(tiles.contains(tileOf[hit.id]), "radius \(radius) around \(center): item \(hit.id)")
            }
        }
    }

    /// A node's two bounds hold for every point in it, for boxes anywhere (wide ones across the
    /// antimeridian too, whose farthest meridian from a point can lie inside them): the nearest
    /// search prunes by both.
    @Test func nodeBoundsHoldForEveryPointInTheBox() {
        var rng = SeededRandom(seed: 7)
        for _ in 0..<2_000 {
            let lat = (rng.double(in: -80..<80), rng.double(in: -80..<80))
            let lng = (rng.double(in: -180..<180), rng.double(in: -180..<180))
            var box = NodeBox(point: Coordinate(latitude: min(lat.0, lat.1), longitude: min(lng.0, lng.1)))
            box.maxLat = max(lat.0, lat.1)
            box.maxLng = max(lng.0, lng.1)
            let point = Coordinate(latitude: rng.double(in: -85..<85), longitude: rng.double(in: -180..<180))
            let cosLat = GreatCircle.cosLatitude(point)
            let upper = box.upperHaversine(from: point, cosLatitude: cosLat)
            let lower = box.lowerHaversine(from: point, cosLatitude: cosLat)
            for _ in 0..<8 {
                let inside = Coordinate(latitude: rng.double(in: box.minLat..<box.maxLat), longitude: rng.double(in: box.minLng..<box.maxLng))
                let h = GreatCircle.haversine(point, inside)
                #expect(h <= upper * (1 + 1e-12) && h >= lower * (1 - 1e-12), "box \(box) point \(point) inside \(inside)")
            }
        }
    }

    @Test func knownDistance() {
        let johannesburg = Coordinate(latitude: -26.2041, longitude: 28.0473)
        let pretoria = Coordinate(latitude: -25.7479, longitude: 28.2293)
        let d = GreatCircle.distanceKm(johannesburg, pretoria)
        #expect(abs(d - 53.8) < 0.5)
    }
}
