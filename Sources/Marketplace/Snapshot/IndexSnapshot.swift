public import Foundation
import Datasets
import Domain
import Geo
import TextSearch

/// A built index on disk, so a start skips folding and indexing the catalog. Two kinds, one
/// format (documented in Index/README.md):
///
/// - of a dataset (`studioloop index build`): the catalog and each class's weekly timetable,
///   not its sessions. Loading materializes the sessions for the current time, so the snapshot
///   stays usable as days pass.
/// - of a store (what `serve` writes as it runs): the live index as it stood, sessions and spots
///   included, with the moment it stood for. A restart after a power cut serves from it at once
///   and catches up on what the store changed since.
///
/// Anything wrong with a file (not a snapshot, another format version, built from other data,
/// truncated, damaged) is a `SnapshotError`, never a crash and never a wrong answer: the caller
/// rebuilds.
public enum IndexSnapshot {
    static let magic: [UInt8] = Array("SLIDX\r\n".utf8) + [0x1A]
    /// Moves with the text folding too, since a snapshot keeps folded words: 2 folds the
    /// regional Arabic letters for g alike, 3 also peh, tcheh and Ge'ez ፀ; 4 keeps stores'
    /// snapshots with their sessions beside datasets'.
    public static let formatVersion: UInt32 = 4

    /// Writes `index`'s catalog. The index must be freshly built (no live changes yet): a
    /// snapshot is of a dataset, identified by its fingerprint.
    public static func write(_ index: MarketplaceIndex, datasetFingerprint: UInt64, to url: URL) throws {
        let state = index.currentState
        precondition(state.segments.count == 1 && state.dead[0].isEmpty, "snapshot a freshly built index")
        let header = Header(
            source: datasetSource(datasetFingerprint), seed: index.seed, horizonDays: index.horizonDays,
            materializedAt: index.materializedAt, watermark: 0, withSessions: false
        )
        try write(header, state.segments[0], to: url)
    }

    /// Loads a snapshot built from the dataset whose fingerprint is `datasetFingerprint`, with
    /// sessions for [now, now + horizon).
    public static func read(from url: URL, datasetFingerprint: UInt64, now: Int64) throws(SnapshotError) -> MarketplaceIndex {
        try read(from: url, source: datasetSource(datasetFingerprint), now: now).index
    }

    /// Writes the live index of the store known as `store` as it stands, every segment's live
    /// gyms in one, sessions and spots included. `watermark` is a moment before the index was
    /// read: every change the store committed before it is in the file.
    public static func write(_ index: MarketplaceIndex, store: String, watermark: Int64, to url: URL) throws {
        let state = index.currentState
        let segment = state.segments.count == 1 && state.dead[0].isEmpty
            ? state.segments[0] : CatalogSegment(merging: state.segments, dead: state.dead)
        let header = Header(
            source: storeSource(store), seed: index.seed, horizonDays: index.horizonDays, materializedAt: index.materializedAt,
            watermark: watermark, withSessions: true
        )
        try write(header, segment, to: url)
    }

    /// Loads what `serve` wrote for the store known as `store`: the index as it stood, and the
    /// moment from which the store's changes are still to be caught up.
    public static func read(from url: URL, store: String) throws(SnapshotError) -> (index: MarketplaceIndex, watermark: Int64) {
        try read(from: url, source: storeSource(store), now: 0)
    }

    static func datasetSource(_ fingerprint: UInt64) -> String { "dataset " + String(fingerprint, radix: 16) }
    static func storeSource(_ identity: String) -> String { "store " + identity }

    /// What precedes the catalog: where it came from and how to read what follows.
    struct Header {
        /// "dataset FINGERPRINT" or "store IDENTITY": a snapshot is refused for any other.
        var source: String
        var seed: UInt64
        var horizonDays: Int
        var materializedAt: Int64
        var watermark: Int64
        /// A store's snapshot keeps sessions and spots; a dataset's materializes them on load.
        var withSessions: Bool
    }

    private static func write(_ header: Header, _ segment: CatalogSegment, to url: URL) throws {
        var out = BinaryWriter()
        out.append(raw: magic)
        out.write(formatVersion)
        out.write(header.source)
        out.write(header.seed)
        out.write(Int64(header.horizonDays))
        out.write(header.materializedAt)
        out.write(header.watermark)
        out.write(header.withSessions)

        out.write(UInt32(segment.places.count))
        for place in segment.places {
            out.write(Int64(place.id))
            out.write(place.name)
        }
        out.write(UInt32(segment.gyms.count))
        for gym in segment.gyms {
            for text in [gym.id, gym.name, gym.slug, gym.suburb, gym.city, gym.country, gym.timezone] { out.write(text) }
            out.write(gym.coordinate.latitude)
            out.write(gym.coordinate.longitude)
            out.write(gym.marketplaceEnabled)
            out.write(gym.isActive)
            out.write(gym.place)
            out.write(gym.classes.lowerBound)
            out.write(gym.classes.upperBound)
        }
        out.write(UInt32(segment.classes.count))
        for entry in segment.classes {
            for text in [entry.id, entry.name, entry.type.rawValue, entry.difficulty.rawValue, entry.instructor] { out.write(text) }
            out.write(entry.credits)
            out.write(entry.capacity)
            out.write(entry.durationSeconds)
            out.write(entry.gym)
            out.write(array: entry.timetable.slots.map { UInt16($0.weekday * 1440 + $0.minuteOfDay) })
            if header.withSessions {
                out.write(entry.sessions.lowerBound)
                out.write(entry.sessions.upperBound)
            }
        }
        write(segment.placeGyms, to: &out)
        out.write(UInt32(segment.text.vocabulary.count))
        for term in segment.text.vocabulary.terms { out.write(term) }
        for lists in segment.text.postings + segment.text.documentTerms { write(lists, to: &out) }
        if header.withSessions {
            out.write(array: segment.sessionStarts)
            out.write(array: segment.spots.values)
        }
        out.write(CRC32.checksum(out.bytes))

        do {
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(out.bytes).write(to: url, options: .atomic)
        } catch {
            throw SnapshotError.unwritable(url.path, error.localizedDescription)
        }
    }

    private static func read(from url: URL, source: String, now: Int64) throws(SnapshotError) -> (index: MarketplaceIndex, watermark: Int64) {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw .missing(url.path) }
        let bytes = [UInt8](data)
        guard bytes.count >= magic.count + 8, Array(bytes[..<magic.count]) == magic else { throw .notASnapshot(url.path) }
        var reader = BinaryReader(bytes: bytes, offset: magic.count)
        do {
            let version: UInt32 = try reader.read()
            guard version == formatVersion else { throw SnapshotError.otherVersion(url.path, found: version, expected: formatVersion) }
            // The checksum covers everything before it: check it before trusting any count.
            guard bytes.count >= 4 + reader.offset else { throw SnapshotError.corrupt(url.path, "truncated") }
            let body = bytes[..<(bytes.count - 4)]
            var trailer = BinaryReader(bytes: bytes, offset: bytes.count - 4)
            guard CRC32.checksum(body) == (try trailer.read(UInt32.self)) else {
                throw SnapshotError.corrupt(url.path, "checksum mismatch (truncated or damaged)")
            }
            guard try reader.readString() == source else { throw SnapshotError.stale(url.path) }
            let header = Header(
                source: source, seed: try reader.read(), horizonDays: Int(try reader.read(Int64.self)), materializedAt: try reader.read(),
                watermark: try reader.read(), withSessions: try reader.readBool()
            )
            guard (1...366).contains(header.horizonDays) else { throw SnapshotError.corrupt(url.path, "bad horizon") }
            let from = header.withSessions ? header.materializedAt : now
            let segment = try readSegment(&reader, header: header, now: from, path: url.path)
            guard reader.remaining == 4 else { throw SnapshotError.corrupt(url.path, "unexpected bytes after the index") }
            let index = MarketplaceIndex(base: segment, materializedAt: from, horizonDays: header.horizonDays, seed: header.seed)
            return (index, header.watermark)
        } catch let error as SnapshotError {
            throw error
        } catch {
            throw .corrupt(url.path, "truncated")
        }
    }

    private static func readSegment(_ reader: inout BinaryReader, header: Header, now: Int64, path: String) throws -> CatalogSegment {
        func corrupt(_ why: String) -> SnapshotError { .corrupt(path, why) }
        var places: [PlaceEntry] = []
        for _ in 0..<(try reader.read(UInt32.self)) {
            places.append(PlaceEntry(id: Int(try reader.read(Int64.self)), name: try reader.readString()))
        }
        var gyms: [GymEntry] = []
        for _ in 0..<(try reader.read(UInt32.self)) {
            let texts = try (0..<7).map { _ in try reader.readString() }
            let coordinate = Coordinate(latitude: try reader.readDouble(), longitude: try reader.readDouble())
            let marketplace = try reader.readBool(), active = try reader.readBool()
            let place: Int32 = try reader.read()
            let lower: Int32 = try reader.read(), upper: Int32 = try reader.read()
            guard coordinate.isValid, lower <= upper, place >= -1, Int(place) < places.count else { throw corrupt("bad gym") }
            gyms.append(GymEntry(
                id: texts[0], name: texts[1], slug: texts[2], suburb: texts[3], city: texts[4], country: texts[5],
                coordinate: coordinate, timezone: texts[6], marketplaceEnabled: marketplace, isActive: active, place: place,
                classes: lower..<upper
            ))
        }
        var classes: [ClassEntry] = []
        for _ in 0..<(try reader.read(UInt32.self)) {
            let texts = try (0..<5).map { _ in try reader.readString() }
            guard let type = ClassType(rawValue: texts[2]), let difficulty = Difficulty(rawValue: texts[3]) else {
                throw corrupt("bad class")
            }
            let credits: Int32 = try reader.read(), capacity: Int32 = try reader.read(), duration: Int32 = try reader.read()
            let gym: Int32 = try reader.read()
            let slots = try reader.readArray(of: UInt16.self).map { Timetable.Slot(weekday: Int($0) / 1440, minuteOfDay: Int($0) % 1440) }
            guard gym >= 0, Int(gym) < gyms.count, slots.allSatisfy({ (1...7).contains($0.weekday) }) else { throw corrupt("bad class") }
            var sessions: Range<Int32> = 0..<0
            if header.withSessions {
                let lower: Int32 = try reader.read(), upper: Int32 = try reader.read()
                guard lower <= upper, lower == (classes.last?.sessions.upperBound ?? 0) else { throw corrupt("sessions out of place") }
                sessions = lower..<upper
            }
            classes.append(ClassEntry(
                id: texts[0], name: texts[1], type: type, difficulty: difficulty, credits: credits, capacity: capacity,
                durationSeconds: duration, instructor: texts[4], gym: gym, sessions: sessions, timetable: Timetable(slots: slots),
                idHash: SessionIdentity.classHash(texts[0])
            ))
        }
        // Classes are stored gym by gym: each gym's range must start where the previous ended.
        var next: Int32 = 0
        for (g, gym) in gyms.enumerated() {
            guard gym.classes.lowerBound == next, Int(gym.classes.upperBound) <= classes.count,
                gym.classes.allSatisfy({ classes[Int($0)].gym == Int32(g) })
            else { throw corrupt("classes out of place") }
            next = gym.classes.upperBound
        }
        guard Int(next) == classes.count else { throw corrupt("classes out of place") }
        let placeGyms = try readLists(&reader, rows: places.count, ids: gyms.count, path: path)
        let termCount = Int(try reader.read(UInt32.self))
        var terms: [String] = []
        terms.reserveCapacity(termCount)
        for _ in 0..<termCount { terms.append(try reader.readString()) }
        guard let vocabulary = Vocabulary(sortedTerms: terms) else { throw corrupt("vocabulary out of order") }
        let documents = [classes.count, gyms.count, places.count]
        let postings = try documents.map { try readLists(&reader, rows: termCount, ids: $0, path: path) }
        let documentTerms = try documents.map { try readLists(&reader, rows: $0, ids: termCount, path: path) }
        let text = TextIndex(vocabulary: vocabulary, postings: postings, documentTerms: documentTerms)
        guard header.withSessions else {
            return CatalogSegment(
                gyms: gyms, classes: classes, places: places, placeGyms: placeGyms, text: text,
                sessionsFrom: now, to: now + Int64(header.horizonDays) * 86_400, seed: header.seed
            )
        }
        let starts = try reader.readArray(of: Int64.self)
        let spots = try reader.readArray(of: Int32.self)
        guard starts.count == spots.count, Int(classes.last?.sessions.upperBound ?? 0) == starts.count,
            classes.allSatisfy({ entry in zip(entry.sessions.dropLast(), entry.sessions.dropFirst()).allSatisfy { starts[Int($0)] < starts[Int($1)] } })
        else { throw corrupt("bad sessions") }
        return CatalogSegment(
            gyms: gyms, classes: classes, places: places, placeGyms: placeGyms, sessionStarts: starts, spots: spots,
            tree: RTree(points: gyms.map(\.coordinate)), text: text
        )
    }

    private static func write(_ lists: PostingLists, to out: inout BinaryWriter) {
        out.write(array: lists.offsets)
        out.write(array: lists.ids)
        out.write(array: lists.fields)
    }

    /// Reads posting lists and checks they fit: `rows` rows of ids below `ids`.
    private static func readLists(_ reader: inout BinaryReader, rows: Int, ids: Int, path: String) throws -> PostingLists {
        let offsets = try reader.readArray(of: UInt32.self)
        let values = try reader.readArray(of: UInt32.self)
        let fields = try reader.readArray(of: UInt8.self)
        guard offsets.count == rows + 1, offsets.first == 0, Int(offsets.last!) == values.count, values.count == fields.count,
            zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 }), values.allSatisfy({ Int($0) < ids })
        else { throw SnapshotError.corrupt(path, "bad posting lists") }
        return PostingLists(offsets: offsets, ids: values, fields: fields)
    }
}

/// Why a snapshot cannot be used; the caller rebuilds from the dataset.
public enum SnapshotError: Error, CustomStringConvertible, Equatable {
    case missing(String)
    case notASnapshot(String)
    case otherVersion(String, found: UInt32, expected: UInt32)
    case stale(String)
    case corrupt(String, String)
    case unwritable(String, String)

    public var description: String {
        switch self {
        case .missing(let path): "no index snapshot at \(path)"
        case .notASnapshot(let path): "\(path) is not an index snapshot"
        case .otherVersion(let path, let found, let expected): "\(path) is snapshot format \(found); this build reads \(expected)"
        case .stale(let path): "\(path) was built from other data (another dataset or store, or the dataset changed since)"
        case .corrupt(let path, let why): "\(path) is damaged: \(why)"
        case .unwritable(let path, let why): "cannot write \(path): \(why)"
        }
    }
}
