/// Rows of (id, field bits) pairs in three flat arrays (compressed sparse rows): term → the
/// documents that contain it, or document → the terms it contains. Ids within a row ascend.
public struct PostingLists: Sendable, Equatable {
    public let offsets: [UInt32]
    public let ids: [UInt32]
    /// Which fields of the document hold the term, one bit per field.
    public let fields: [UInt8]

    public init(offsets: [UInt32], ids: [UInt32], fields: [UInt8]) {
        precondition(offsets.first == 0 && Int(offsets.last ?? 0) == ids.count && ids.count == fields.count)
        self.offsets = offsets
        self.ids = ids
        self.fields = fields
    }

    public var rowCount: Int { offsets.count - 1 }

    /// The positions of row `row` in `ids` and `fields`.
    public func range(of row: Int) -> Range<Int> {
        Int(offsets[row])..<Int(offsets[row + 1])
    }

    /// Groups (row, id, fields) triples into rows, merging the fields of repeated pairs.
    public init(rowCount: Int, entries: [(row: UInt32, id: UInt32, fields: UInt8)]) {
        let sorted = entries.sorted { ($0.row, $0.id) < ($1.row, $1.id) }
        var offsets = [UInt32](repeating: 0, count: rowCount + 1)
        var ids: [UInt32] = [], fields: [UInt8] = []
        ids.reserveCapacity(sorted.count)
        fields.reserveCapacity(sorted.count)
        var previous: (UInt32, UInt32)?
        for entry in sorted {
            if let (row, id) = previous, row == entry.row, id == entry.id {
                fields[fields.count - 1] |= entry.fields
                continue
            }
            previous = (entry.row, entry.id)
            ids.append(entry.id)
            fields.append(entry.fields)
            offsets[Int(entry.row) + 1] += 1
        }
        for row in 0..<rowCount { offsets[row + 1] += offsets[row] }
        self.init(offsets: offsets, ids: ids, fields: fields)
    }

    /// The same pairs with rows and ids swapped.
    func transposed(rowCount: Int) -> PostingLists {
        var entries: [(row: UInt32, id: UInt32, fields: UInt8)] = []
        entries.reserveCapacity(ids.count)
        for row in 0..<self.rowCount {
            for i in range(of: row) { entries.append((ids[i], UInt32(row), fields[i])) }
        }
        return PostingLists(rowCount: rowCount, entries: entries)
    }
}
