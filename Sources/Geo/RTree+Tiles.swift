/// Tiles: the tree's nodes two levels above the items, about 256 neighbouring items each (fewer
/// in a small tree, where the root is the one tile). An index can keep per-tile orders of what
/// its items hold, so a walk in such an order over an area reads only the tiles the area reaches
/// rather than everything everywhere.
extension RTree {
    /// The level of the tiles' nodes.
    var tileLevel: Int { min(2, levels.count) }

    /// How many tiles the tree has.
    public var tileCount: Int { points.isEmpty ? 0 : (tileLevel == levels.count ? 1 : levels[tileLevel - 1].count) }

    /// Per item (by the index it had in the input), its tile.
    public var tileOfItem: [Int32] {
        var tiles = [Int32](repeating: 0, count: points.count)
        var span = 1
        for _ in 0..<tileLevel { span *= nodeSize }
        for (position, id) in ids.enumerated() { tiles[Int(id)] = Int32(position / span) }
        return tiles
    }

    /// The tiles whose bounds come within `radiusKm` of `center`, ascending.
    public func tiles(within radiusKm: Double, of center: Coordinate) -> [Int32] {
        let limit = GreatCircle.haversine(ofKilometres: radiusKm) * (1 + 1e-9) + 1e-15
        let cosLat = GreatCircle.cosLatitude(center)
        return tiles { $0.lowerHaversine(from: center, cosLatitude: cosLat) <= limit }
    }

    /// The tiles whose bounds meet `box`, ascending.
    public func tiles(in box: GeoBox) -> [Int32] {
        tiles { $0.intersects(box) }
    }

    private func tiles(reaching reaches: (NodeBox) -> Bool) -> [Int32] {
        guard !points.isEmpty else { return [] }
        if tileLevel == levels.count { return reaches(levels[levels.count - 1][0]) ? [0] : [] }
        var found: [Int32] = []
        var stack: [(level: Int, index: Int)] = [(levels.count, 0)]
        while let (level, index) = stack.popLast() {
            for child in childRange(level: level, index: index) where reaches(levels[level - 2][child]) {
                if level - 1 == tileLevel { found.append(Int32(child)) } else { stack.append((level - 1, child)) }
            }
        }
        return found.sorted()
    }
}
