import Synchronization

/// Per-gym scratch for the walks that meet gyms in no particular order (by sessions, from the
/// postings), kept between searches so a query allocates nothing sized by the catalog: each
/// slot carries the generation that wrote it, so a new search needs no clearing either.
final class VerdictBuffer: @unchecked Sendable {
    // @unchecked: a buffer is used by one search at a time, between `take` and `giveBack`.
    // Raw memory rather than arrays: a class's array properties are checked for exclusive
    // access on every read and write, which cost a sessions walk more than it saved.
    /// Per gym: -1 refused, else its distance; meaningful only where `stamps` says this search.
    let distances: UnsafeMutablePointer<Double>
    let stamps: UnsafeMutablePointer<UInt32>
    private let count: Int
    private(set) var generation: UInt32 = 0

    init(gyms: Int) {
        count = gyms
        distances = .allocate(capacity: max(1, gyms))
        distances.initialize(repeating: 0, count: max(1, gyms))
        stamps = .allocate(capacity: max(1, gyms))
        stamps.initialize(repeating: 0, count: max(1, gyms))
    }

    deinit {
        distances.deallocate()
        stamps.deallocate()
    }

    /// Starts a new search over the buffer: every slot reads as not yet tested.
    func renew() {
        if generation == .max {
            stamps.update(repeating: 0, count: max(1, count))
            generation = 0
        }
        generation += 1
    }
}

/// The buffers of one segment, as many as searches have ever run on it at once.
final class VerdictPool: Sendable {
    private let gyms: Int
    private let free = Mutex<[VerdictBuffer]>([])

    init(gyms: Int) {
        self.gyms = gyms
    }

    func take() -> VerdictBuffer {
        let buffer = free.withLock { $0.popLast() } ?? VerdictBuffer(gyms: gyms)
        buffer.renew()
        return buffer
    }

    func giveBack(_ buffer: VerdictBuffer) {
        free.withLock { $0.append(buffer) }
    }

    /// What the idle buffers hold: 12 bytes a gym each.
    var bytes: Int {
        free.withLock { $0.count } * gyms * (MemoryLayout<Double>.stride + MemoryLayout<UInt32>.stride)
    }
}
