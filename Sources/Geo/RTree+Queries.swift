import Foundation
import HeapModule

extension RTree {
    /// Rounding slack for pruning: a node is skipped only when its lower bound is beyond the
    /// radius by more than floating-point error, so pruning never drops an item the exact
    /// per-item test would keep.
    private static func pruningLimit(haversine h: Double) -> Double { h * (1 + 1e-9) + 1e-15 }

    /// Every item within `radiusKm` of `center` (great-circle), with its distance, in no
    /// particular order.
    /// - Complexity: O(log n + k) for k items found in a compact area.
    public func within(radiusKm: Double, of center: Coordinate) -> [RTreeHit] {
        var hits: [RTreeHit] = []
        forEach(within: radiusKm, of: center) { hits.append($0) }
        return hits
    }

    /// Calls `body` for every item within `radiusKm` of `center`. The item test uses
    /// `GreatCircle.distanceKm`, so a brute-force scan with it agrees exactly.
    public func forEach(within radiusKm: Double, of center: Coordinate, _ body: (RTreeHit) -> Void) {
        guard !points.isEmpty, radiusKm >= 0 else { return }
        let limit = Self.pruningLimit(haversine: GreatCircle.haversine(ofKilometres: radiusKm))
        let cosLat = GreatCircle.cosLatitude(center)
        // Plain comparisons against the circle's box spare most trigonometry; nil near a pole
        // or the antimeridian, where the box would not hold the circle.
        let bounds = CircleBounds(center: center, radiusKm: radiusKm)
        var stack: [(level: Int, index: Int)] = [(levels.count, 0)]
        while let (level, index) = stack.popLast() {
            for child in childRange(level: level, index: index) {
                if level == 1 {
                    let point = points[child]
                    if let bounds, !bounds.contains(point) { continue }
                    let h = GreatCircle.haversine(center, point, cosLatitudeA: cosLat, cosLatitudeB: cosLatitudes[child])
                    guard h <= limit else { continue }
                    let d = GreatCircle.kilometres(fromHaversine: h)
                    if d <= radiusKm { body(RTreeHit(id: Int(ids[child]), distanceKm: d)) }
                } else {
                    let box = levels[level - 2][child]
                    if let bounds, !bounds.intersects(box) { continue }
                    if box.lowerHaversine(from: center, cosLatitude: cosLat) <= limit { stack.append((level - 1, child)) }
                }
            }
        }
    }

    /// Every item inside `box` (which may cross the antimeridian), with its distance from
    /// `reference`.
    public func within(box: GeoBox, distancesFrom reference: Coordinate) -> [RTreeHit] {
        guard !points.isEmpty else { return [] }
        var hits: [RTreeHit] = []
        var stack: [(level: Int, index: Int)] = [(levels.count, 0)]
        while let (level, index) = stack.popLast() {
            for child in childRange(level: level, index: index) {
                if level == 1 {
                    if box.contains(points[child]) {
                        hits.append(RTreeHit(id: Int(ids[child]), distanceKm: GreatCircle.distanceKm(reference, points[child])))
                    }
                } else if levels[level - 2][child].intersects(box) {
                    stack.append((level - 1, child))
                }
            }
        }
        return hits
    }

    /// The `k` items nearest to `center`, nearest first (ties by item index), optionally no
    /// farther than `maxKm`.
    ///
    /// Best first, keyed by haversine (which orders as distance does), so neither a node's bound
    /// nor an item needs an arc sine until the item is taken; and nothing farther than the k-th
    /// nearest item met so far enters the queue.
    /// - Complexity: O((k + log n) log n) for items spread evenly.
    public func nearest(_ k: Int, to center: Coordinate, maxKm: Double = .infinity) -> [RTreeHit] {
        guard k > 0, !points.isEmpty else { return [] }
        let cosLat = GreatCircle.cosLatitude(center)
        let limit = maxKm.isFinite ? Self.pruningLimit(haversine: GreatCircle.haversine(ofKilometres: maxKm)) : .infinity
        var met = NearestMet(k)
        // Sized once for what a search usually holds (a few nodes of each level, a leaf's
        // nearest items), rather than grown by doubling from one; a large k grows it as needed
        // (the index asks for a page plus the dead, which can be thousands).
        let usual = min(k, 64)
        var queue = Heap<NearestCandidate>(minimumCapacity: 64 + usual)
        queue.insert(NearestCandidate(key: 0, tieBreak: 0, level: levels.count, index: 0))
        var hits: [RTreeHit] = []
        hits.reserveCapacity(min(usual, points.count))
        while hits.count < k, let next = queue.popMin() {
            if next.level == 0 {
                let distance = GreatCircle.kilometres(fromHaversine: next.key)
                guard distance <= maxKm else { break }  // the rest are farther still
                hits.append(RTreeHit(id: Int(ids[next.index]), distanceKm: distance))
                continue
            }
            let children = childRange(level: next.level, index: next.index)
            if next.level == 1 {
                // A leaf's items all measured first, so the bound they set keeps the rest of
                // them out of the queue.
                withUnsafeTemporaryAllocation(of: Double.self, capacity: children.count) { measured in
                    for (slot, child) in children.enumerated() {
                        // An item beyond the bound by a bound without trigonometry is not measured.
                        let reach = Self.pruningLimit(haversine: met.bound)
                        if reach.isFinite, NodeBox(point: points[child]).lowerHaversine(from: center, cosLatitude: cosLat) > reach {
                            measured[slot] = .infinity
                            continue
                        }
                        measured[slot] = GreatCircle.haversine(center, points[child], cosLatitudeA: cosLat, cosLatitudeB: cosLatitudes[child])
                        met.note(measured[slot])
                    }
                    let reach = min(limit, Self.pruningLimit(haversine: met.bound))
                    for (slot, child) in children.enumerated() where measured[slot] <= reach {
                        queue.insert(NearestCandidate(key: measured[slot], tieBreak: Int(ids[child]), level: 0, index: child))
                    }
                }
            } else {
                let childLevel = next.level - 1
                withUnsafeTemporaryAllocation(of: Double.self, capacity: children.count) { lower in
                    // Shaved by the rounding slack, so an item at exactly a node's bound is never
                    // popped before the node, which may hold a nearer one.
                    var nearest = children.lowerBound
                    for (slot, child) in children.enumerated() {
                        lower[slot] = levels[childLevel - 1][child].lowerHaversine(from: center, cosLatitude: cosLat) * (1 - 1e-12)
                        if lower[slot] < lower[nearest - children.lowerBound] { nearest = child }
                    }
                    // The nearest child, if it holds at least k items, has k of them no farther
                    // than its farthest point: nothing beyond that can be among the k nearest.
                    // (Asked of that child alone: it gives the tightest such bound nearly always.)
                    if k == 1 || itemRange(level: childLevel, index: nearest).count >= k {
                        met.noteNode(levels[childLevel - 1][nearest].upperHaversine(from: center, cosLatitude: cosLat))
                    }
                    let reach = min(limit, Self.pruningLimit(haversine: met.bound))
                    for (slot, child) in children.enumerated() where lower[slot] <= reach {
                        queue.insert(NearestCandidate(key: lower[slot], tieBreak: -1, level: childLevel, index: child))
                    }
                }
            }
        }
        return hits
    }

    /// An upper bound on the items within `radiusKm` of `center`: the sizes of the leaf nodes
    /// the circle reaches (or of higher nodes, looking only `levelsToDescend` levels down), what
    /// a query planner needs to weigh the geographic side without visiting any item.
    /// - Complexity: O(nodes reached) node tests, no item tests.
    public func estimatedCount(within radiusKm: Double, of center: Coordinate, levelsToDescend: Int = .max) -> Int {
        let limit = Self.pruningLimit(haversine: GreatCircle.haversine(ofKilometres: radiusKm))
        let cosLat = cos(center.latitude * .pi / 180)
        return estimatedCount(levelsToDescend: levelsToDescend) { $0.minHaversine(from: center, cosLatitude: cosLat) <= limit }
    }

    /// An upper bound on the items inside `box`, like `estimatedCount(within:of:)`.
    public func estimatedCount(in box: GeoBox, levelsToDescend: Int = .max) -> Int {
        estimatedCount(levelsToDescend: levelsToDescend) { $0.intersects(box) }
    }

    /// Sums the items under the nodes `reaches` accepts, `levelsToDescend` levels below the root.
    private func estimatedCount(levelsToDescend: Int, reaches: (NodeBox) -> Bool) -> Int {
        guard !points.isEmpty else { return 0 }
        let stopLevel = max(1, levels.count - min(levelsToDescend, levels.count))
        var total = 0
        var stack: [(level: Int, index: Int)] = [(levels.count, 0)]
        while let (level, index) = stack.popLast() {
            if level <= stopLevel {
                total += itemRange(level: level, index: index).count
                continue
            }
            for child in childRange(level: level, index: index) where reaches(levels[level - 2][child]) {
                stack.append((level - 1, child))
            }
        }
        return total
    }
}

/// The `k` smallest haversines of the items a nearest search has met, and the smallest upper
/// bound of a node holding k items: an item or node beyond either cannot be among the k
/// nearest. The items are kept for small k only (a sorted array); past that the search prunes
/// by the nodes and `maxKm`; for k = 1 the smallest alone, with no array.
struct NearestMet {
    private var smallest: [Double] = []
    private let k: Int
    private static let largestKept = 64

    init(_ k: Int) {
        self.k = k
        if k > 1 && k <= Self.largestKept { smallest.reserveCapacity(k + 1) }
    }

    /// The smallest upper bound of a node holding at least k items (`noteNode`); for k = 1,
    /// of an item met too.
    private var nodeBound = Double.infinity

    /// Nothing beyond this can be among the k nearest.
    var bound: Double { min(nodeBound, smallest.count == k ? smallest[k - 1] : .infinity) }

    /// A node of at least k items whose every point lies within `upper`: its k items are, so
    /// the k nearest are too.
    mutating func noteNode(_ upper: Double) {
        nodeBound = min(nodeBound, upper)
    }

    mutating func note(_ h: Double) {
        if k == 1 {
            nodeBound = min(nodeBound, h)
            return
        }
        guard k <= Self.largestKept, smallest.count < k || h < smallest[k - 1] else { return }
        var at = smallest.count
        while at > 0, smallest[at - 1] > h { at -= 1 }
        smallest.insert(h, at: at)
        if smallest.count > k { smallest.removeLast() }
    }
}

/// A node or item waiting in the k-nearest queue: nodes by their distance lower bound, items
/// by their distance; at equal keys nodes come first (they may hold a nearer item), then items
/// by index, so results are deterministic.
struct NearestCandidate: Comparable {
    var key: Double
    var tieBreak: Int
    var level: Int
    var index: Int

    static func < (a: Self, b: Self) -> Bool {
        a.key != b.key ? a.key < b.key : a.tieBreak < b.tieBreak
    }

    static func == (a: Self, b: Self) -> Bool {
        a.key == b.key && a.tieBreak == b.tieBreak && a.level == b.level && a.index == b.index
    }
}

