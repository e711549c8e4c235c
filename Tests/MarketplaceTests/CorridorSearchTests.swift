import Datasets
import Domain
import Foundation
import Geo
import GeoAreas
import Marketplace
import TestSupport
import Testing

/// Searches along a route, against the brute force that measures every gym with GEOS, over
/// every city, page by page, with each plan.
@Suite struct CorridorSearchTests {
    /// A wandering route of 2 to 12 legs starting near `start`.
    static func route(from start: Coordinate, _ rng: inout SeededRandom) -> [Coordinate] {
        var path = [start]
        var bearing = rng.double(in: 0..<360)
        for _ in 0..<rng.int(in: 1...12) {
            bearing += rng.double(in: -60..<60)
            path.append(GreatCircle.destination(from: path.last!, km: rng.double(in: 0.5..<8), bearingDegrees: bearing))
        }
        return path
    }

    @Test(arguments: 0..<3)
    func corridorQueriesMatchBruteForce(batch: UInt64) throws {
        let generator = QueryGenerator(dataset: TestData.allCities, now: TestData.now)
        var rng = SeededRandom(seed: 900 + batch)
        var nonEmpty = 0
        for n in 0..<60 {
            var query = generator.query(&rng)
            let start = query.origin ?? query.box!.center
            query.corridor = try Corridor(path: Self.route(from: start, &rng), widthKm: rng.element(of: [0.3, 1, 2, 5, 10]))
            (query.origin, query.radiusKm, query.box, query.area) = (nil, nil, nil, nil)
            query.plan = PlanChoice.allCases[n % PlanChoice.allCases.count]
            let expected = OracleTests.oracle.search(query)
            if !expected.isEmpty { nonEmpty += 1 }
            var served: [(String, Double)] = []
            var page = try OracleTests.index.search(query)
            while true {
                served += page.results.map { ($0.sessionId, $0.distanceKm) }
                let prefix = expected.prefix(served.count)
                guard served.map(\.0) == prefix.map(\.sessionId) else {
                    Issue.record("batch \(batch) query \(n): differs from brute force after \(served.count); \(query)")
                    return
                }
                for (got, want) in zip(served, prefix) { #expect(abs(got.1 - want.distanceKm) < 1e-9) }
                guard let cursor = page.nextCursor, served.count < 150 else { break }
                query.cursor = cursor
                page = try OracleTests.index.search(query)
            }
            if served.count < 150 { #expect(served.count == expected.count, "batch \(batch) query \(n)") }
        }
        #expect(nonEmpty > 20, "only \(nonEmpty) of 60 route queries had results")
    }

    @Test func routesAreReadAndRefused() throws {
        let path = [Coordinate(latitude: -26.1076, longitude: 28.0567), Coordinate(latitude: -25.9992, longitude: 28.1263)]
        let encoded = Corridor.encodePolyline(path)
        #expect(try Corridor.polyline(encoded) == path)
        // Google's own example.
        #expect(try Corridor.polyline("_p~iF~ps|U_ulLnnqC_mqNvxq`@") == [
            Coordinate(latitude: 38.5, longitude: -120.2), Coordinate(latitude: 40.7, longitude: -120.95),
            Coordinate(latitude: 43.252, longitude: -126.453),
        ])
        let line = #"{"type":"LineString","coordinates":[[28.0567,-26.1076],[28.1263,-25.9992]]}"#
        #expect(try Corridor.lineString(geoJSON: Data(line.utf8)) == path)
        #expect(throws: AreaError.self) { try Corridor(path: [], widthKm: 1) }
        #expect(throws: AreaError.self) { try Corridor(path: [path[0], path[0]], widthKm: 1) }
        #expect(throws: AreaError.self) { try Corridor(path: path, widthKm: 11) }
        #expect(throws: AreaError.self) { try Corridor.polyline("not a polyline at all ~~~") }
        #expect(throws: AreaError.self) { try Corridor.lineString(geoJSON: Data(#"{"type":"Point","coordinates":[1,2]}"#.utf8)) }
        var query = SearchQuery(now: TestData.now)
        query.corridor = try Corridor(path: path)
        query.radiusKm = 5
        #expect(throws: SearchError.self) { try OracleTests.index.search(query) }
    }
}
