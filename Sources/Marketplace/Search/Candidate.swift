import HeapModule

/// A session that matched, with its place in the sort order and what its result needs.
struct Candidate: Comparable {
    var key: CursorKey
    var segment: Int
    var classIndex: Int32
    /// The spots left as the filter saw them: the result shows this value, so it always agrees
    /// with the filter even if a booking changes the session a moment later.
    var spotsLeft: Int32
    var distanceKm: Double
    var textScore: Double?

    static func < (a: Self, b: Self) -> Bool { a.key < b.key }
    static func == (a: Self, b: Self) -> Bool { a.key == b.key }
}

/// Keeps the best `capacity` candidates after the cursor, in a min-max heap.
struct TopCandidates {
    let capacity: Int
    let after: CursorKey?
    private(set) var heap = Heap<Candidate>()

    init(capacity: Int, after: CursorKey?) {
        self.capacity = capacity
        self.after = after
    }

    /// Whether a candidate with this primary key and start could still be kept: sessions of
    /// one class come in increasing key order, so the caller stops at the first `false`.
    func admits(primary: Double, start: Int64) -> Bool {
        guard heap.count >= capacity, let worst = heap.max else { return true }
        return (primary, start) <= (worst.key.primary, worst.key.start)
    }

    /// Whether keys at or below this primary key and start are all at or before the cursor.
    func isBeforeCursor(primary: Double, start: Int64) -> Bool {
        guard let after else { return false }
        return (primary, start) < (after.primary, after.start)
    }

    mutating func offer(_ candidate: Candidate) {
        if let after, !(after < candidate.key) { return }
        if heap.count < capacity {
            heap.insert(candidate)
        } else if let worst = heap.max, candidate.key < worst.key {
            heap.replaceMax(with: candidate)
        }
    }

    /// The kept candidates, best first.
    func sorted() -> [Candidate] {
        heap.unordered.sorted()
    }
}
