import CXapianShim
import Domain
public import Foundation
import Geo
import Marketplace
public import SearchReference

/// Xapian 1.4 (Debian's `libxapian-dev`), a search library, in process through a small C++
/// target (`CXapianShim`, whose comment lists the documents' terms and values). One Glass
/// database on disk, built once, each worker thread with its own read-only handle, as Xapian's
/// objects are not shared between threads. Tuned for this shape of data:
/// - documents numbered in the Hilbert order of their gyms, so nearby sessions sit together in
///   the posting lists and value streams;
/// - boolean cell terms (0.05° and 0.25° cells) that narrow a search to the circle's box, as
///   Xapian has no spatial index of its own;
/// - the exact radius as a MatchDecider on the gym's position kept as two doubles: Xapian's
///   `LatLongDistancePostingSource` keeps coordinates to 1/16 of an arc second (about 2 m),
///   which moves gyms across the radius and reorders near ones;
/// - the order as relevance then a key: `CoordWeight` gives one point per word the class
///   matches itself (its synonyms and prefix forms an `OP_SYNONYM`, which scores once), so more
///   points sort first, and a `KeyMaker` gives distance or credits, then start, then id.
public final class XapianPeer: SearchSystem {
    public let name = "xapian"
    let catalog: ReferenceCatalog
    let documents: SessionDocuments
    let directory: URL
    let path: String

    public init(catalog: ReferenceCatalog, directory: URL, progress: (Double) -> Void = { _ in }) throws {
        self.catalog = catalog
        self.directory = directory
        try? FileManager.default.removeItem(at: directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        path = directory.appending(path: "sessions.glass").path
        documents = SessionDocuments(catalog)
        try Self.build(catalog, documents, path: path, progress: progress)
    }

    /// The database goes with the peer (its searchers hold it): 1.8 GB at continent scale.
    deinit { try? FileManager.default.removeItem(at: directory) }

    public func limitation(of query: BenchQuery) -> Limitation? { standardLimitation(of: query, hasFullText: true) }

    public func makeSearcher() throws -> any Searcher { try XapianSearcher(peer: self) }

    private static func build(_ catalog: ReferenceCatalog, _ order: SessionDocuments, path: String, progress: (Double) -> Void) throws {
        var error: UnsafeMutablePointer<CChar>?
        guard let builder = xs_builder_open(path, &error) else { throw XapianPeer.failure(error) }
        let words = catalog.vocabulary.map { UnsafePointer(strdup($0)) }
        defer { for word in words { free(UnsafeMutablePointer(mutating: word)) } }

        var failure: (any Error)?
        for (i, s) in order.sessions.enumerated() {
            let session = catalog.sessions[Int(s)]
            let row = catalog.classes[Int(session.classIndex)]
            let gym = catalog.gyms[Int(session.gym)]
            let all: [UnsafePointer<CChar>?] = row.terms.map { words[Int($0)] }
            let own: [UnsafePointer<CChar>?] = zip(row.terms, row.own).filter(\.1).map { words[Int($0.0)] }
            let added = all.withUnsafeBufferPointer { all in
                own.withUnsafeBufferPointer { own in
                    var document = xs_session(
                        words: all.baseAddress, word_count: all.count, own_words: own.baseAddress, own_word_count: own.count,
                        latitude: gym.latitude, longitude: gym.longitude, start: session.start, spots: session.spots, credits: row.credits,
                        class_type: SessionDocuments.typeNumbers[row.type] ?? 0, marketplace: gym.marketplace ? 1 : 0,
                        id_rank: order.idRanks[Int(s)]
                    )
                    return xs_builder_add(builder, &document, &error)
                }
            }
            if added != 0 {
                failure = XapianPeer.failure(error)
                break
            }
            if i % 100_000 == 0 { progress(Double(i) / Double(max(1, order.sessions.count))) }
        }
        guard xs_builder_close(builder, &error) == 0 else { throw failure ?? XapianPeer.failure(error) }
        if let failure { throw failure }
        progress(1)
    }

    static func failure(_ error: UnsafeMutablePointer<CChar>?) -> BenchError {
        defer { xs_free_error(error) }
        return BenchError("xapian: \(error.map { String(cString: $0) } ?? "failed")")
    }
}

final class XapianSearcher: Searcher {
    let peer: XapianPeer
    let handle: OpaquePointer

    init(peer: XapianPeer) throws {
        self.peer = peer
        var error: UnsafeMutablePointer<CChar>?
        guard let handle = xs_searcher_open(peer.path, &error) else { throw XapianPeer.failure(error) }
        self.handle = handle
    }

    deinit { xs_searcher_close(handle) }

    func search(_ query: BenchQuery) throws -> [String] {
        let (center, radius, from, to) = query.resolved
        let box = query.bounds
        let sort: Int32 =
            switch query.search.sort {
            case .distance: Int32(XS_BY_DISTANCE)
            case .startTime: Int32(XS_BY_START)
            case .credits: Int32(XS_BY_CREDITS)
            case .relevance: throw BenchError("xapian is not asked to rank by relevance")
            }
        let type = query.search.types.first.flatMap { SessionDocuments.typeNumbers[$0] }.map(Int32.init) ?? -1
        // The words' strings live until the search returns.
        var strings: [UnsafeMutablePointer<CChar>?] = []
        defer { strings.forEach { free($0) } }
        func keep(_ s: String) -> UnsafePointer<CChar>? {
            strings.append(strdup(s))
            return UnsafePointer(strings.last!)
        }
        let synonyms: [[UnsafePointer<CChar>?]] = query.nativeTerms.map { $0.synonyms.map(keep) }
        let limit = query.search.limit
        var documents = [UInt32](repeating: 0, count: limit)
        var count = 0
        var error: UnsafeMutablePointer<CChar>?
        let status = withBuffers(synonyms) { synonymBuffers in
            let words = zip(query.nativeTerms, synonymBuffers).map { term, buffer in
                xs_word(word: keep(term.word), is_prefix: term.isPrefix ? 1 : 0, synonyms: buffer.baseAddress, synonym_count: buffer.count)
            }
            return words.withUnsafeBufferPointer { words in
                var q = xs_query(
                    latitude: center.latitude, longitude: center.longitude, radius_km: radius, earth_radius_km: GreatCircle.earthRadiusKm,
                    south: box.south, north: box.north, west: box.west, east: box.east, from: from, to: to, class_type: type,
                    sort: sort, words: words.baseAddress, word_count: words.count, limit: limit
                )
                return xs_search(handle, &q, &documents, &count, &error)
            }
        }
        guard status == 0 else { throw XapianPeer.failure(error) }
        return documents.prefix(count).map { peer.documents.sessionId(ofDocument: Int($0), in: peer.catalog) }
    }
}

/// Each array's buffer, held for the duration of `body`.
private func withBuffers<T, R>(_ arrays: [[T]], _ body: ([UnsafeBufferPointer<T>]) throws -> R) rethrows -> R {
    var buffers: [UnsafeBufferPointer<T>] = []
    func descend(_ i: Int) throws -> R {
        if i == arrays.count { return try body(buffers) }
        return try arrays[i].withUnsafeBufferPointer { buffer in
            buffers.append(buffer)
            defer { buffers.removeLast() }
            return try descend(i + 1)
        }
    }
    return try descend(0)
}
