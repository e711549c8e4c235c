/// A latitude/longitude box. When `west > east` the box crosses the antimeridian: it covers
/// longitudes from `west` up to 180 and from -180 up to `east`.
public struct GeoBox: Hashable, Sendable, Codable {
    public var south: Double
    public var west: Double
    public var north: Double
    public var east: Double

    public init(south: Double, west: Double, north: Double, east: Double) {
        self.south = south
        self.west = west
        self.north = north
        self.east = east
    }

    public var crossesAntimeridian: Bool { west > east }

    /// Whether the corners are real coordinates and south is not above north.
    public var isValid: Bool {
        Coordinate(latitude: south, longitude: west).isValid
            && Coordinate(latitude: north, longitude: east).isValid && south <= north
    }

    public func contains(_ point: Coordinate) -> Bool {
        guard point.latitude >= south, point.latitude <= north else { return false }
        return overlapsLongitudes(point.longitude, point.longitude)
    }

    /// The centre, halfway along the box's own longitudes (across the antimeridian if it crosses).
    public var center: Coordinate {
        let width = crossesAntimeridian ? east + 360 - west : east - west
        var lng = west + width / 2
        if lng > 180 { lng -= 360 }
        return Coordinate(latitude: (south + north) / 2, longitude: lng)
    }

    /// Whether the longitudes [`low`, `high`] (not crossing the antimeridian) meet the box's:
    /// one range, or two when the box crosses (`west...180` and `-180...east`). No allocation,
    /// as R-tree queries ask this of every node and item.
    func overlapsLongitudes(_ low: Double, _ high: Double) -> Bool {
        crossesAntimeridian ? (high >= west || low <= east) : (high >= west && low <= east)
    }
}
