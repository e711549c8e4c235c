import CGEOS
import Foundation
import Geo
public import SearchReference

/// The spatial part alone, on the same gyms: the project's R-tree against GEOS's STRtree
/// (through its C API), for the gyms within each query's radius and for the nearest gym to
/// each query's centre. Both answers are checked equal before either is timed.
public struct SpatialComparison {
    let catalog: ReferenceCatalog
    let queries: [BenchQuery]
    let progress: @Sendable (String, Int, Int) -> Void

    public init(catalog: ReferenceCatalog, queries: [BenchQuery], progress: @escaping @Sendable (String, Int, Int) -> Void) {
        self.catalog = catalog
        self.queries = queries
        self.progress = progress
    }

    public func run() throws -> [BenchReport.SpatialFigures] {
        progress("geos: building the STRtree", 0, 0)
        let points = catalog.gyms.map { Coordinate(latitude: $0.latitude, longitude: $0.longitude) }
        let rtree = RTree(points: points)
        let geos = try GEOSGymTree(points: points)
        let centres = queries.map(\.resolved)

        // Gyms within the radius: the R-tree's own query, against STRtree candidates in the
        // circle's box filtered by the same great-circle distance.
        var equal = true
        for (i, q) in centres.enumerated() {
            progress("geos: checking radius answers", i, centres.count)
            let ours = rtree.within(radiusKm: q.radiusKm, of: q.center).map(\.id).sorted()
            if ours != geos.within(radiusKm: q.radiusKm, of: q.center).sorted() { equal = false }
        }
        let rtreeWithin = timed("rtree: within radius", centres) { _ = rtree.within(radiusKm: $0.radiusKm, of: $0.center) }
        let geosWithin = timed("geos: within radius", centres) { _ = geos.within(radiusKm: $0.radiusKm, of: $0.center) }

        var nearestEqual = true
        for (i, q) in centres.enumerated() {
            progress("geos: checking nearest answers", i, centres.count)
            if rtree.nearest(1, to: q.center).first?.id != geos.nearest(to: q.center) { nearestEqual = false }
        }
        let rtreeNearest = timed("rtree: nearest", centres) { _ = rtree.nearest(1, to: $0.center) }
        let geosNearest = timed("geos: nearest", centres) { _ = geos.nearest(to: $0.center) }
        return [
            .init(operation: "gyms within the radius", queries: centres.count, equal: equal, rtree: rtreeWithin, geos: geosWithin),
            .init(operation: "the nearest gym", queries: centres.count, equal: nearestEqual, rtree: rtreeNearest, geos: geosNearest),
        ]
    }

    private func timed<T>(_ phase: String, _ items: [T], _ body: (T) -> Void) -> LatencySummary {
        var nanoseconds: [UInt64] = []
        nanoseconds.reserveCapacity(items.count * 3)
        for round in 0..<3 {
            for (i, item) in items.enumerated() {
                if i % 64 == 0 { progress(phase, round * items.count + i, 3 * items.count) }
                let start = DispatchTime.now().uptimeNanoseconds
                body(item)
                nanoseconds.append(DispatchTime.now().uptimeNanoseconds - start)
            }
        }
        return LatencySummary(nanoseconds: nanoseconds)
    }
}

/// Gym points in a GEOS STRtree. Points are stored as kilometres east and north on a plain
/// projection whose east-west scale is the cosine of the farthest latitude, so that the
/// planar distance between envelopes never exceeds the great-circle distance: GEOS's nearest
/// search prunes by envelope distance and then asks the great-circle distance of each item,
/// and finds the true nearest gym.
final class GEOSGymTree {
    let context: GEOSContextHandle_t
    let tree: OpaquePointer
    let points: [Coordinate]
    /// Kilometres per degree east at the farthest latitude, and per degree north, shrunk by a
    /// hair to stay under the great circle over city distances.
    let eastScale: Double
    let northScale: Double
    var geometries: [OpaquePointer] = []

    init(points: [Coordinate]) throws {
        context = GEOS_init_r()
        guard let tree = GEOSSTRtree_create_r(context, 10) else { throw BenchError("geos: cannot create an STRtree") }
        self.tree = tree
        self.points = points
        let kmPerDegree = GreatCircle.earthRadiusKm * .pi / 180 * 0.9999
        let farthest = min(89, (points.map { abs($0.latitude) }.max() ?? 0) + 0.5)
        eastScale = kmPerDegree * cos(farthest * .pi / 180)
        northScale = kmPerDegree
        for (id, point) in points.enumerated() {
            guard let geometry = GEOSGeom_createPointFromXY_r(context, point.longitude * eastScale, point.latitude * northScale) else {
                throw BenchError("geos: cannot create a point")
            }
            geometries.append(geometry)
            // The item is the gym's number, plus one so that gym 0 is not a null pointer.
            GEOSSTRtree_insert_r(context, tree, geometry, UnsafeMutableRawPointer(bitPattern: id + 1))
        }
    }

    deinit {
        GEOSSTRtree_destroy_r(context, tree)
        for geometry in geometries { GEOSGeom_destroy_r(context, geometry) }
        GEOS_finish_r(context)
    }

    /// Gyms within `radiusKm` of `center`: the STRtree's candidates in the circle's box, then
    /// the great-circle distance.
    func within(radiusKm: Double, of center: Coordinate) -> [Int] {
        let box = CircleBounds(center: center, radiusKm: radiusKm) ?? .globe
        guard let rectangle = GEOSGeom_createRectangle_r(
            context, box.west * eastScale, box.south * northScale, box.east * eastScale, box.north * northScale
        ) else { return [] }
        defer { GEOSGeom_destroy_r(context, rectangle) }
        var found = Candidates(points: points, center: center, radiusKm: radiusKm)
        withUnsafeMutablePointer(to: &found) { pointer in
            GEOSSTRtree_query_r(context, tree, rectangle, { item, userdata in
                let found = userdata!.assumingMemoryBound(to: Candidates.self)
                let id = Int(bitPattern: item) - 1
                if GreatCircle.distanceKm(found.pointee.center, found.pointee.points[id]) <= found.pointee.radiusKm {
                    found.pointee.ids.append(id)
                }
            }, pointer)
        }
        return found.ids
    }

    /// The gym nearest `center` by great-circle distance.
    func nearest(to center: Coordinate) -> Int? {
        guard let probe = GEOSGeom_createPointFromXY_r(context, center.longitude * eastScale, center.latitude * northScale) else { return nil }
        defer { GEOSGeom_destroy_r(context, probe) }
        var search = NearestSearch(points: points, center: center)
        let item = withUnsafeMutablePointer(to: &search) { pointer in
            // The probe's item is 0 (no gym); the callback measures it as the centre.
            GEOSSTRtree_nearest_generic_r(context, tree, nil, probe, { a, b, distance, userdata in
                let search = userdata!.assumingMemoryBound(to: NearestSearch.self)
                func coordinate(_ item: UnsafeRawPointer?) -> Coordinate {
                    guard let item else { return search.pointee.center }
                    return search.pointee.points[Int(bitPattern: item) - 1]
                }
                distance!.pointee = GreatCircle.distanceKm(coordinate(a), coordinate(b))
                return 1
            }, pointer)
        }
        return item.map { Int(bitPattern: $0) - 1 }
    }

    private struct Candidates {
        let points: [Coordinate]
        let center: Coordinate
        let radiusKm: Double
        var ids: [Int] = []
    }

    private struct NearestSearch {
        let points: [Coordinate]
        let center: Coordinate
    }
}
