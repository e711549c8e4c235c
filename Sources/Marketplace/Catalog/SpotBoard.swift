import Synchronization

/// The live spots left of every session of a segment, one atomic cell each: a booking changes
/// one cell while searches read the others, with no lock and no torn value.
final class SpotBoard: @unchecked Sendable {
    // @unchecked: the cells are only ever touched through `Atomic`, allocated once in `init`
    // and freed in `deinit`, so sharing the pointer across threads is safe.
    private let cells: UnsafeMutablePointer<Atomic<Int32>>
    let count: Int

    init(_ values: [Int32]) {
        count = values.count
        cells = .allocate(capacity: max(1, values.count))
        for (i, value) in values.enumerated() { (cells + i).initialize(to: Atomic(value)) }
    }

    deinit {
        cells.deinitialize(count: count)
        cells.deallocate()
    }

    subscript(session: Int) -> Int32 {
        cells[session].load(ordering: .relaxed)
    }

    func store(_ value: Int32, at session: Int) {
        cells[session].store(value, ordering: .relaxed)
    }

    var values: [Int32] { (0..<count).map { self[$0] } }
}
