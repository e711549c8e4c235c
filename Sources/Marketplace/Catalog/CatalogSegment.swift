import Datasets
import Domain
import Geo
import TextSearch

/// An immutable piece of the catalog: gyms, their classes and sessions, an R-tree over the
/// gyms and a text index over all three, plus the live spots of its sessions. The index is a
/// base segment and a few small ones holding gyms changed since (see `MarketplaceIndex`).
final class CatalogSegment: Sendable {
    let gyms: [GymEntry]
    let classes: [ClassEntry]
    /// The same gyms and classes as plain values, for the search loop.
    let gymFacts: [GymFacts]
    let classFacts: [ClassFacts]
    let places: [PlaceEntry]
    /// place → gyms, as rows of gym indices.
    let placeGyms: PostingLists
    let sessionStarts: [Int64]
    let spots: SpotBoard
    /// The sessions by start time and by credits, for walks in those orders.
    let orders: SessionOrders
    /// Each gym's tile of the R-tree (`RTree.tileOfItem`), which `orders` group sessions by.
    let tileOfGym: [Int32]
    /// The earliest and latest session start, for the planner's share of a window.
    let sessionSpan: ClosedRange<Int64>?
    let tree: RTree
    let text: TextIndex
    /// Gym index by id and by slug.
    let gymIndex: [String: Int32]
    let gymBySlug: [String: Int32]
    /// Per-gym scratch for searches, reused between them.
    let verdicts: VerdictPool
    /// Per term, the class types among the classes whose own text holds it (`ClassType.bit`):
    /// a word no class of the asked types holds, and no gym or place, answers nothing, which
    /// is known before any walk.
    let termClassTypes: [UInt16]

    init(
        gyms: [GymEntry], classes: [ClassEntry], places: [PlaceEntry], placeGyms: PostingLists,
        sessionStarts: [Int64], spots: [Int32], tree: RTree, text: TextIndex
    ) {
        self.gyms = gyms.exactCapacity()
        self.classes = classes.exactCapacity()
        gymFacts = gyms.map(GymFacts.init)
        classFacts = classes.map(ClassFacts.init)
        self.places = places.exactCapacity()
        self.placeGyms = placeGyms
        self.sessionStarts = sessionStarts.exactCapacity()
        self.spots = SpotBoard(spots)
        tileOfGym = tree.tileOfItem
        sessionSpan = sessionStarts.min().map { $0...sessionStarts.max()! }
        orders = SessionOrders(classes: classFacts, sessionStarts: sessionStarts, tileOfGym: tileOfGym, tiles: tree.tileCount)
        self.tree = tree
        self.text = text
        verdicts = VerdictPool(gyms: gyms.count)
        let classPostings = text.postings[TextCollection.classes.rawValue]
        let classFacts = classFacts
        termClassTypes = (0..<classPostings.rowCount).map { term in
            classPostings.range(of: term).reduce(0) { $0 | classFacts[Int(classPostings.ids[$1])].type.bit }
        }
        var gymIndex: [String: Int32] = [:], gymBySlug: [String: Int32] = [:]
        for (i, gym) in gyms.enumerated() {
            gymIndex[gym.id] = Int32(i)
            gymBySlug[gym.slug] = Int32(i)
        }
        self.gymIndex = gymIndex
        self.gymBySlug = gymBySlug
    }

    var averageClassesPerGym: Double { gyms.isEmpty ? 0 : Double(classes.count) / Double(gyms.count) }

    /// The share of the segment's sessions expected to start in [`from`, `to`), were they spread
    /// evenly over its span.
    func windowShare(from: Int64, to: Int64) -> Double {
        guard let span = sessionSpan else { return 0 }
        let overlap = min(to, span.upperBound + 1) - max(from, span.lowerBound)
        return overlap <= 0 ? 0 : Double(overlap) / Double(span.upperBound + 1 - span.lowerBound)
    }

    /// The session of class `classIndex` that starts at `start`, if any.
    func session(classIndex: Int, start: Int64) -> Int? {
        let range = classFacts[classIndex].sessions
        let i = lowerBound(start, in: range)
        return i < Int(range.upperBound) && sessionStarts[i] == start ? i : nil
    }

    /// The first session in `range` starting at or after `start`.
    func lowerBound(_ start: Int64, in range: Range<Int32>) -> Int {
        var lo = Int(range.lowerBound), hi = Int(range.upperBound)
        while lo < hi {
            let mid = (lo + hi) / 2
            if sessionStarts[mid] < start { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The first position of `order[range]` (sessions in start order) starting at or after `start`.
    func lowerBound(_ start: Int64, in order: [Int32], _ range: Range<Int>) -> Int {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi {
            let mid = (lo + hi) / 2
            if sessionStarts[Int(order[mid])] < start { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}

#if STUDIOLOOP_INVARIANTS
extension CatalogSegment {
    /// Walks every structure and traps on an inconsistency. Checked (debug) builds only.
    func _checkInvariants() {
        tree._checkInvariants()
        precondition(tree.count == gyms.count)
        precondition(spots.count == sessionStarts.count)
        var nextClass: Int32 = 0
        for (g, gym) in gyms.enumerated() {
            precondition(gym.classes.lowerBound == nextClass, "gym \(g)'s classes are not contiguous")
            nextClass = gym.classes.upperBound
            for c in gym.classes { precondition(classes[Int(c)].gym == Int32(g)) }
        }
        precondition(Int(nextClass) == classes.count)
        var nextSession: Int32 = 0
        for entry in classes {
            precondition(entry.sessions.lowerBound == nextSession)
            nextSession = entry.sessions.upperBound
            for s in entry.sessions.dropFirst() { precondition(sessionStarts[Int(s) - 1] < sessionStarts[Int(s)], "sessions out of order") }
        }
        precondition(Int(nextSession) == sessionStarts.count)
        for runs in [orders.byStart, orders.byCredits] {
            precondition(Set(runs.sessions).count == sessionStarts.count && runs.sessions.count == sessionStarts.count)
            precondition(runs.tileRuns.count == tree.tileCount + 1)
            for t in 0..<tree.tileCount {
                for r in Int(runs.tileRuns[t])..<Int(runs.tileRuns[t + 1]) {
                    let run = runs.sessions[Int(runs.runBounds[r])..<Int(runs.runBounds[r + 1])]
                    for s in run { precondition(tileOfGym[Int(classes[Int(orders.sessionClasses[Int(s)])].gym)] == Int32(t)) }
                    for (a, b) in zip(run, run.dropFirst()) { precondition(sessionStarts[Int(a)] <= sessionStarts[Int(b)]) }
                }
            }
        }
        for (c, entry) in classes.enumerated() {
            for s in entry.sessions { precondition(orders.sessionClasses[Int(s)] == Int32(c)) }
        }
        precondition(text.documentTerms[TextCollection.classes.rawValue].rowCount == classes.count)
        precondition(text.documentTerms[TextCollection.gyms.rawValue].rowCount == gyms.count)
        precondition(text.documentTerms[TextCollection.places.rawValue].rowCount == places.count)
    }
}
#endif
