import Datasets
import Geo
import TextSearch

/// Where a segment's memory goes, part by part, counted from its structures: what a reader of
/// the benchmark needs to know which layout to make denser. An estimate: a heap block is taken
/// as glibc's malloc gives it (8 bytes of header, 16-byte steps), and a string that shares its
/// storage with another is counted for each holder.
extension CatalogSegment {
    func memoryParts() -> [MemoryPart: Int] {
        let classStrings = classes.reduce(0) { total, entry in
            total + HeapSize.of(entry.id) + HeapSize.of(entry.name) + HeapSize.of(entry.instructor)
        }
        let gymStrings = gyms.reduce(0) { total, gym in
            total + [gym.id, gym.name, gym.slug, gym.suburb, gym.city, gym.country, gym.timezone].reduce(0) { $0 + HeapSize.of($1) }
        }
        let lookups = [gymIndex, gymBySlug].reduce(0) { total, table in
            total + HeapSize.of(table) + table.keys.reduce(0) { $0 + HeapSize.of($1) }
        }
        let classPostings = TextCollection.classes.rawValue
        let otherText = [TextCollection.gyms, .places].reduce(0) { $0 + HeapSize.of(text.postings[$1.rawValue]) + HeapSize.of(text.documentTerms[$1.rawValue]) }
        return [
            .sessionStarts: HeapSize.of(sessionStarts),
            .spots: HeapSize.block(spots.count * MemoryLayout<Int32>.stride),
            .sessionOrders: HeapSize.of(orders.sessionClasses) + orders.byStart.heapBytes + orders.byCredits.heapBytes,
            .classRecords: HeapSize.of(classes) + HeapSize.of(classFacts) + HeapSize.of(termClassTypes),
            .classStrings: classStrings,
            .timetables: classes.reduce(0) { $0 + HeapSize.of($1.timetable.slots) },
            .classText: HeapSize.of(text.postings[classPostings]) + HeapSize.of(text.documentTerms[classPostings]),
            .gyms: HeapSize.of(gyms) + HeapSize.of(gymFacts) + HeapSize.of(tileOfGym) + gymStrings + lookups + HeapSize.of(tree) + verdicts.bytes,
            .gymAndPlaceText: otherText + HeapSize.of(placeGyms) + places.reduce(HeapSize.of(places)) { $0 + HeapSize.of($1.name) },
            .vocabulary: text.vocabulary.heapBytes,
        ]
    }
}

/// The parts `memoryParts` names, in the order a report lists them.
public enum MemoryPart: String, CaseIterable, Sendable, Codable {
    case sessionStarts = "session starts"
    case spots = "spots left"
    case sessionOrders = "session orders (class of each, by start, by credits)"
    case classRecords = "class records"
    case classStrings = "class ids, names, instructors"
    case timetables = "class timetables"
    case classText = "class text (postings and document terms)"
    case gyms = "gyms (records, strings, lookups, R-tree)"
    case gymAndPlaceText = "gym and place text, places"
    case vocabulary = "vocabulary"
}

/// Heap sizes of the values a segment holds.
enum HeapSize {
    /// A glibc malloc block for `bytes` of payload.
    static func block(_ bytes: Int) -> Int {
        bytes == 0 ? 0 : max(32, (bytes + 8 + 15) & ~15)
    }

    /// A native array's buffer: a 32-byte header and its capacity.
    static func of<Element>(_ array: [Element]) -> Int {
        array.capacity == 0 ? 0 : block(32 + array.capacity * MemoryLayout<Element>.stride)
    }

    /// A native string's storage; up to 15 UTF-8 bytes live in the string itself.
    static func of(_ string: String) -> Int {
        let count = string.utf8.count
        return count <= 15 ? 0 : block(32 + count + 1)
    }

    /// A dictionary's buffer, without what its keys and values hold on the heap.
    static func of<Key, Value>(_ table: [Key: Value]) -> Int {
        table.isEmpty ? 0 : block(64 + table.capacity * 4 / 3 * (MemoryLayout<Key>.stride + MemoryLayout<Value>.stride + 1))
    }

    static func of(_ lists: PostingLists) -> Int {
        of(lists.offsets) + of(lists.ids) + of(lists.fields)
    }

    static func of(_ tree: RTree) -> Int {
        tree.heapBytes
    }
}
