import Domain
public import Foundation
import Geo
import Marketplace
import TextSearch
public import SearchReference

/// Sphinx 2.2 (`searchd` from Debian's `sphinxsearch`), queried over SphinxQL as an application
/// would. One document per session: the class's folded words (all of them, and the class's own
/// apart, as the SQLite peer keeps them), and attributes for the filters and orders. Tuned as its
/// manual advises for this shape of data:
/// - `dict = keywords` with `min_prefix_len` at the project's shortest prefix, so an unfinished
///   last word is a prefix expanded at query time, with no expansion limit;
/// - documents numbered in the Hilbert order of their gyms (sessions by start within a gym), so
///   attribute blocks are small boxes in space and time and a full scan skips blocks by their
///   min and max;
/// - a latitude and longitude box on float attributes for that pruning, and the order by an
///   integer expression: the squared chord between unit vectors scaled by 2^36 (0.09 mm), which
///   orders as the great circle does; Sphinx's own `GEODIST` works in 32-bit floats, which
///   reorder gyms a few decimetres apart;
/// - `ranker=none`: no order asks for Sphinx's relevance, so it computes none;
/// - the charset table made from the catalog's folded words, so Sphinx splits words where the
///   project does.
/// A class matching a word only through its gym or place sorts after one matching it itself
/// (the project's rule): each such tier is one statement, asked only while the page is short.
public final class SphinxPeer: SearchSystem {
    public let name = "sphinx"
    let catalog: ReferenceCatalog
    let documents: SessionDocuments
    let port: Int
    let directory: URL
    private let searchd: Process

    /// The folder the peer writes its data, index and logs to: `$STUDIOLOOP_BENCH_SPHINX_DIR` (set
    /// by Benchmarks/peers-setup, which stops a `searchd` left behind there), else under `work`.
    public static func directory(work: URL) -> URL {
        ProcessInfo.processInfo.environment["STUDIOLOOP_BENCH_SPHINX_DIR"].map { URL(filePath: $0, directoryHint: .isDirectory) }
            ?? work.appending(path: "studioloop-bench-sphinx", directoryHint: .isDirectory)
    }

    /// `indexer` and `searchd` on the PATH, or a plain error naming the package.
    public static func binaries() throws -> (indexer: URL, searchd: URL) {
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/bin:/usr/local/bin"
        func find(_ tool: String) -> URL? {
            path.split(separator: ":").lazy.map { URL(filePath: String($0)).appending(path: tool) }
                .first { FileManager.default.isExecutableFile(atPath: $0.path) }
        }
        guard let indexer = find("indexer"), let searchd = find("searchd") else {
            throw BenchError("the sphinx peer needs indexer and searchd (Debian's sphinxsearch); Benchmarks/peers-setup installs them")
        }
        return (indexer, searchd)
    }

    /// Writes the catalog as Sphinx's tab-separated source, builds the index with `indexer`, and
    /// starts `searchd` on a free loopback port. It runs until the peer is released.
    public init(catalog: ReferenceCatalog, directory: URL, progress: (String) -> Void = { _ in }) throws {
        let tools = try Self.binaries()
        self.catalog = catalog
        self.directory = directory
        let files = FileManager.default
        try? files.removeItem(at: directory)
        try files.createDirectory(at: directory, withIntermediateDirectories: true)

        progress("writing documents")
        documents = SessionDocuments(catalog)
        let source = directory.appending(path: "sessions.tsv")
        try Self.writeDocuments(catalog, documents, to: source)

        port = try FreePort.loopback()
        let config = directory.appending(path: "sphinx.conf")
        try Data(Self.configuration(source: source, directory: directory, port: port, charset: Self.charsetTable(catalog.vocabulary)).utf8)
            .write(to: config)

        progress("indexing")
        try Self.run(tools.indexer, ["--config", config.path, "--all"], log: directory.appending(path: "indexer.log"))
        try? files.removeItem(at: source)

        progress("starting searchd")
        searchd = Process()
        searchd.executableURL = tools.searchd
        searchd.arguments = ["--config", config.path, "--nodetach"]
        searchd.standardOutput = try FileHandle(forWritingTo: Self.emptyFile(directory.appending(path: "searchd.out")))
        searchd.standardError = searchd.standardOutput
        try searchd.run()
        let deadline = ContinuousClock.now + .seconds(60)
        while true {
            if (try? SphinxQLConnection(host: "127.0.0.1", port: port)) != nil { break }
            guard searchd.isRunning, ContinuousClock.now < deadline else {
                throw BenchError("sphinx: searchd did not answer on port \(port); see \(directory.path)/searchd.log")
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// Stops `searchd`, also when `init` gave up waiting for it, and removes its folder (close to
    /// a gigabyte at continent scale). SIGKILL: Foundation starts children with the signal mask
    /// of a dispatch thread, which blocks SIGTERM, and the index is a throwaway.
    deinit {
        if searchd.processIdentifier > 0 {  // never started: 0 would mean the whole group
            kill(searchd.processIdentifier, SIGKILL)
            searchd.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: directory)
    }

    public func limitation(of query: BenchQuery) -> Limitation? { standardLimitation(of: query, hasFullText: true) }

    public func makeSearcher() throws -> any Searcher { try SphinxSearcher(peer: self) }
}

extension SphinxPeer {
    /// Unit vectors scaled to integers: 2^36 on the Earth's radius is 0.09 mm. (At 2^30, 6 mm,
    /// one answer of a continent run came out of order.) The squared chord of two
    /// points in the same 25 km box stays far below 2^63; points outside the box may overflow,
    /// but the box filter rejects them whatever their chord.
    static let vectorScale = Double(Int64(1) << 36)

    static func unitVector(_ c: Coordinate) -> (Int64, Int64, Int64) {
        let lat = c.latitude * .pi / 180, lng = c.longitude * .pi / 180
        return (
            Int64((cos(lat) * cos(lng) * vectorScale).rounded()), Int64((cos(lat) * sin(lng) * vectorScale).rounded()),
            Int64((sin(lat) * vectorScale).rounded())
        )
    }

    /// The columns, in the order `configuration` declares them.
    static func writeDocuments(_ catalog: ReferenceCatalog, _ order: SessionDocuments, to url: URL) throws {
        var texts: [Int32: String] = [:]
        let vectors = catalog.gyms.map { unitVector(Coordinate(latitude: $0.latitude, longitude: $0.longitude)) }

        let handle = try FileHandle(forWritingTo: emptyFile(url))
        defer { try? handle.close() }
        var chunk = ""
        for (i, s) in order.sessions.enumerated() {
            let session = catalog.sessions[Int(s)]
            let row = catalog.classes[Int(session.classIndex)]
            let gym = catalog.gyms[Int(session.gym)]
            let text = texts[session.classIndex] ?? {
                let all = catalog.document(ofClass: Int(session.classIndex))
                let own = catalog.document(ofClass: Int(session.classIndex), ownOnly: true)
                return "\(all)\t\(own)"
            }()
            texts[session.classIndex] = text
            let (x, y, z) = vectors[Int(session.gym)]
            chunk += "\(i + 1)\t\(text)\t\(Float(gym.latitude))\t\(Float(gym.longitude))\t\(x)\t\(y)\t\(z)\t\(session.start)\t\(session.spots)"
            chunk += "\t\(row.credits)\t\(SessionDocuments.typeNumbers[row.type] ?? 0)\t\(gym.marketplace ? 1 : 0)\t\(order.idRanks[Int(s)])\n"
            if chunk.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(chunk.utf8))
                chunk = ""
            }
        }
        try handle.write(contentsOf: Data(chunk.utf8))
    }

    static func configuration(source: URL, directory: URL, port: Int, charset: String) -> String {
        """
        source sessions_source
        {
            type = tsvpipe
            tsvpipe_command = cat \(source.path)
            tsvpipe_field = words
            tsvpipe_field = own
            tsvpipe_attr_float = lat
            tsvpipe_attr_float = lng
            tsvpipe_attr_bigint = ex
            tsvpipe_attr_bigint = ey
            tsvpipe_attr_bigint = ez
            tsvpipe_attr_bigint = start_at
            tsvpipe_attr_uint = spots
            tsvpipe_attr_uint = credits
            tsvpipe_attr_uint = class_type
            tsvpipe_attr_uint = marketplace
            tsvpipe_attr_uint = id_rank
        }

        index sessions
        {
            source = sessions_source
            path = \(directory.path)/sessions
            docinfo = extern
            dict = keywords
            min_prefix_len = \(MatchKind.minimumPrefixLength)
            min_word_len = 1
            charset_table = \(charset)
        }

        indexer
        {
            mem_limit = 1024M
        }

        searchd
        {
            listen = 127.0.0.1:\(port):mysql41
            log = \(directory.path)/searchd.log
            query_log = \(directory.path)/query.log
            pid_file = \(directory.path)/searchd.pid
            binlog_path =
            workers = threads
            max_children = 0
        }

        """
    }

    /// Every character of the catalog's folded words, as Sphinx's `charset_table` lists them
    /// (runs as ranges); every other character separates words.
    static func charsetTable(_ vocabulary: [String]) -> String {
        let scalars = Set(vocabulary.flatMap { $0.unicodeScalars.map(\.value) }).sorted()
        var parts: [String] = []
        var i = 0
        while i < scalars.count {
            var j = i
            while j + 1 < scalars.count && scalars[j + 1] == scalars[j] + 1 { j += 1 }
            let first = String(format: "U+%04X", scalars[i])
            parts.append(j == i ? first : "\(first)..\(String(format: "U+%04X", scalars[j]))")
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }

    static func emptyFile(_ url: URL) throws -> URL {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw BenchError("cannot write \(url.path)") }
        return url
    }

    static func run(_ tool: URL, _ arguments: [String], log: URL) throws {
        let process = Process()
        process.executableURL = tool
        process.arguments = arguments
        process.standardOutput = try FileHandle(forWritingTo: emptyFile(log))
        process.standardError = process.standardOutput
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let tail = (try? String(contentsOf: log, encoding: .utf8))?.split(separator: "\n").suffix(5).joined(separator: "\n") ?? ""
            throw BenchError("sphinx: \(tool.lastPathComponent) failed (status \(process.terminationStatus)):\n\(tail)")
        }
    }
}

final class SphinxSearcher: Searcher {
    let connection: SphinxQLConnection
    let peer: SphinxPeer

    init(peer: SphinxPeer) throws {
        self.peer = peer
        connection = try SphinxQLConnection(host: "127.0.0.1", port: peer.port)
    }

    func search(_ query: BenchQuery) throws -> [String] {
        let (center, radius, from, to) = query.resolved
        let (x, y, z) = SphinxPeer.unitVector(center)
        // The chord of the radius on the scaled sphere, squared: the integer filter.
        let chord = 2 * sin(radius / (2 * GreatCircle.earthRadiusKm)) * SphinxPeer.vectorScale
        var filters = "c2 <= \(Int64((chord * chord).rounded(.down))) AND marketplace = 1"
        filters += " AND start_at >= \(from) AND start_at < \(to) AND spots >= 1"
        // A float prefilter a hair wider than the circle, for block pruning and to keep c2 from
        // overflowing; c2 decides.
        let box = query.bounds
        guard box.south > -90 else { throw BenchError("sphinx: a circle needs a box (radius under 500 km, away from the poles)") }
        filters += " AND lat >= \(box.south - 1e-4) AND lat <= \(box.north + 1e-4)"
        filters += " AND lng >= \(box.west - 1e-4) AND lng <= \(box.east + 1e-4)"
        if let type = query.search.types.first, let number = SessionDocuments.typeNumbers[type] {
            filters += " AND class_type = \(number)"
        }
        let order =
            switch query.search.sort {
            case .distance: "c2 ASC, start_at ASC, id_rank ASC"
            case .startTime: "start_at ASC, id_rank ASC"
            case .credits: "credits ASC, start_at ASC, id_rank ASC"
            case .relevance: throw BenchError("sphinx is not asked to rank by relevance")
            }
        let select = "SELECT id, (ex-\(x))*(ex-\(x))+(ey-\(y))*(ey-\(y))+(ez-\(z))*(ez-\(z)) AS c2 FROM sessions WHERE "
        let limit = query.search.limit

        var found: [Int] = []
        for match in SphinxMatch.tiers(query.nativeTerms) {
            let text = match.map { " AND MATCH('\(SphinxMatch.literal($0))')" } ?? ""
            let sql = select + filters + text + " ORDER BY \(order) LIMIT \(limit - found.count) OPTION ranker=none"
            found += try connection.integers(sql)
            if found.count >= limit { break }
        }
        return found.map { peer.documents.sessionId(ofDocument: $0, in: peer.catalog) }
    }
}

/// A query's words in Sphinx's extended query syntax, one expression per tier.
enum SphinxMatch {
    /// Tier t holds the classes matching every word, t of them only through their gym or
    /// place: all words in `words`, exactly k − t of them in `own`. Without words, one tier and
    /// no expression.
    static func tiers(_ words: [BenchQuery.WordTerms]) -> [String?] {
        guard !words.isEmpty else { return [nil] }
        let alternatives = words.map(alternatives)
        let all = alternatives.map { "(@words \($0))" }.joined(separator: " ")
        return (0...words.count).map { tier in
            let own = words.count - tier
            let branches = subsets(of: words.count, size: own).map { chosen in
                alternatives.indices.map { chosen.contains($0) ? "(@own \(alternatives[$0]))" : "-(@own \(alternatives[$0]))" }
                    .joined(separator: " ")
            }
            return branches.count == 1 ? "\(all) \(branches[0])" : "\(all) (" + branches.map { "(\($0))" }.joined(separator: " | ") + ")"
        }
    }

    /// `(spin* | "cycling" | "indoor cycling")`: the word (a prefix when last) or a synonym.
    static func alternatives(_ w: BenchQuery.WordTerms) -> String {
        let word = w.isPrefix ? escaped(w.word) + "*" : "\"\(escaped(w.word))\""
        return "(" + ([word] + w.synonyms.map { "\"\(escaped($0))\"" }).joined(separator: " | ") + ")"
    }

    static func subsets(of count: Int, size: Int) -> [Set<Int>] {
        guard size > 0 else { return [[]] }
        guard size <= count else { return [] }
        return subsets(of: count - 1, size: size - 1).map { $0.union([count - 1]) } + subsets(of: count - 1, size: size)
    }

    /// Backslashes before the query syntax's operators.
    static func escaped(_ word: String) -> String {
        var out = ""
        for c in word {
            if "\\()|-!@~\"&/^$=<*".contains(c) { out.append("\\") }
            out.append(c)
        }
        return out
    }

    /// The expression as a SphinxQL string literal's contents.
    static func literal(_ expression: String) -> String {
        expression.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
    }
}

/// A TCP port on loopback that nothing listens on now.
enum FreePort {
    static func loopback() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw BenchError("cannot open a socket") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw BenchError("cannot find a free port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
