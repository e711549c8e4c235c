import Foundation
import Geo

/// The latitude and longitude box holding a circle, grown by a hair so that a peer which
/// filters by its box and then by exact distance never loses a gym on the circle's edge.
struct SearchBox {
    var south, west, north, east: Double

    init(center: Coordinate, radiusKm: Double) {
        let margin = 1.001
        let dLat = radiusKm * margin / GreatCircle.earthRadiusKm * 180 / .pi
        let farthest = min(89.9, abs(center.latitude) + dLat)
        let dLng = min(180, dLat / cos(farthest * .pi / 180))
        south = center.latitude - dLat
        north = center.latitude + dLat
        west = center.longitude - dLng
        east = center.longitude + dLng
    }
}

extension BenchQuery {
    /// The centre, radius and window every peer needs, with the defaults the index applies.
    var resolved: (center: Coordinate, radiusKm: Double, from: Int64, to: Int64) {
        let center = search.origin ?? Coordinate(latitude: 0, longitude: 0)
        let from = search.from ?? search.now
        return (center, search.radiusKm ?? 10, from, search.to ?? from + 7 * 86_400)
    }

    /// The one class type a peer filters on (the workload asks for none or one).
    var classType: String? { search.types.first?.rawValue }
}
