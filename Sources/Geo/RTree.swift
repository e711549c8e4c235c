/// A static R-tree of points, bulk-loaded by Hilbert order (as in flatbush) and queried with
/// great-circle distances, so it answers correctly anywhere on the globe: near the poles, across
/// the antimeridian.
///
/// Items are the positions passed to `init`, named by their index there. Level 0 holds the items
/// in Hilbert order; a node `i` of level `k` covers the children `i * nodeSize ..< (i + 1) * nodeSize`
/// of level `k - 1`, so the tree is a few flat arrays and no pointers.
public struct RTree: Sendable {
    public static let defaultNodeSize = 16

    let nodeSize: Int
    /// Items in Hilbert order, with the index each had in the input.
    let points: [Coordinate]
    let ids: [Int32]
    /// The cosine of each item's latitude, which every distance to it needs.
    let cosLatitudes: [Double]
    /// `levels[k - 1]` holds the boxes of level `k`; the last level is the root alone.
    let levels: [[NodeBox]]

    /// The number of items.
    public var count: Int { points.count }

    /// What the tree's arrays hold on the heap (their capacities), for memory reports.
    public var heapBytes: Int {
        points.capacity * MemoryLayout<Coordinate>.stride + ids.capacity * MemoryLayout<Int32>.stride
            + cosLatitudes.capacity * MemoryLayout<Double>.stride + levels.reduce(0) { $0 + $1.capacity * MemoryLayout<NodeBox>.stride }
    }

    /// Bulk-loads the tree.
    /// - Complexity: O(n log n).
    public init(points input: [Coordinate], nodeSize: Int = RTree.defaultNodeSize) {
        precondition(nodeSize >= 2, "an R-tree node holds at least two children")
        precondition(input.count < Int(Int32.max), "an R-tree holds fewer than 2^31 items")
        self.nodeSize = nodeSize
        let order = HilbertOrder.sorted(input)
        self.ids = order.map { Int32($0) }
        self.points = order.map { input[$0] }
        self.cosLatitudes = points.map(GreatCircle.cosLatitude)

        var levels: [[NodeBox]] = []
        var below = points.map(NodeBox.init(point:))
        while below.count > 1 || levels.isEmpty {
            var level: [NodeBox] = []
            level.reserveCapacity((below.count + nodeSize - 1) / nodeSize)
            var start = 0
            while start < below.count {
                let end = min(start + nodeSize, below.count)
                level.append(NodeBox(enclosing: below[start..<end]))
                start = end
            }
            levels.append(level)
            below = level
            if below.isEmpty { break }
        }
        self.levels = levels
    }

    /// The item range of level 0 under node `index` of level `level`.
    func itemRange(level: Int, index: Int) -> Range<Int> {
        var span = 1
        for _ in 0..<level { span *= nodeSize }
        return (index * span)..<min((index + 1) * span, points.count)
    }

    /// The children of node `index` at `level`, as indices into level `level - 1`.
    func childRange(level: Int, index: Int) -> Range<Int> {
        let belowCount = level == 1 ? points.count : levels[level - 2].count
        return (index * nodeSize)..<min((index + 1) * nodeSize, belowCount)
    }
}

/// An item found by a query.
public struct RTreeHit: Hashable, Sendable {
    /// The item's index in the positions the tree was built from.
    public var id: Int
    public var distanceKm: Double

    public init(id: Int, distanceKm: Double) {
        self.id = id
        self.distanceKm = distanceKm
    }
}

/// A node's bounds. Never crosses the antimeridian: a node holding points on both sides of it
/// is merely wide, which costs a little pruning and nothing in correctness.
struct NodeBox: Sendable, Equatable {
    var minLat: Double, minLng: Double, maxLat: Double, maxLng: Double

    init(point: Coordinate) {
        minLat = point.latitude; maxLat = point.latitude
        minLng = point.longitude; maxLng = point.longitude
    }

    init(enclosing boxes: ArraySlice<NodeBox>) {
        minLat = .infinity; minLng = .infinity; maxLat = -.infinity; maxLng = -.infinity
        for box in boxes {
            minLat = min(minLat, box.minLat); minLng = min(minLng, box.minLng)
            maxLat = max(maxLat, box.maxLat); maxLng = max(maxLng, box.maxLng)
        }
    }
}
