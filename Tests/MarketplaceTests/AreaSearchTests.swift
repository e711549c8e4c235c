import Datasets
import Domain
import Foundation
import Geo
import GeoAreas
import Marketplace
import TestSupport
import Testing

/// Searches limited to a drawn polygon, against the brute-force scan testing every gym with
/// GEOS, over every city: with and without a position, with and without a radius, page by page.
@Suite struct AreaSearchTests {
    /// A random star-shaped polygon (simple by construction) around `centre`.
    static func polygon(around centre: Coordinate, _ rng: inout SeededRandom) throws -> Area {
        let corners = rng.int(in: 3...24)
        // One corner per sector, so neighbouring corners never nearly coincide.
        let sector = 360 / Double(corners)
        let angles = (0..<corners).map { Double($0) * sector + rng.double(in: 0..<(0.8 * sector)) }
        var ring = angles.map { GreatCircle.destination(from: centre, km: rng.double(in: 1..<15), bearingDegrees: $0) }
        ring.append(ring[0])
        return try Area(polygons: [[ring]])
    }

    @Test(arguments: 0..<3)
    func areaQueriesMatchBruteForce(batch: UInt64) throws {
        let generator = QueryGenerator(dataset: TestData.allCities, now: TestData.now)
        var rng = SeededRandom(seed: 500 + batch)
        var nonEmpty = 0
        for n in 0..<60 {
            var query = generator.query(&rng)
            let centre = query.origin ?? query.box!.center
            query.area = try Self.polygon(around: centre, &rng)
            query.box = nil
            if rng.chance(0.5) { query.radiusKm = nil }
            if rng.chance(0.3) { query.origin = nil; query.radiusKm = nil }
            query.plan = PlanChoice.allCases[n % PlanChoice.allCases.count]
            let expected = OracleTests.oracle.search(query)
            if !expected.isEmpty { nonEmpty += 1 }
            var served: [String] = []
            var page = try OracleTests.index.search(query)
            while true {
                served += page.results.map(\.sessionId)
                guard served == expected.prefix(served.count).map(\.sessionId) else {
                    Issue.record("batch \(batch) query \(n): differs from brute force after \(served.count); \(query)")
                    return
                }
                guard let cursor = page.nextCursor, served.count < 150 else { break }
                query.cursor = cursor
                page = try OracleTests.index.search(query)
            }
        }
        #expect(nonEmpty > 15, "only \(nonEmpty) of 60 area queries had results")
    }
}
