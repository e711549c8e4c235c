import Foundation
import Geo
import SQL
public import SearchReference

/// SQLite with an R*Tree over gyms and FTS5 (`unicode61 remove_diacritics 2`) over the classes'
/// folded words (all of them, and the class's own apart, so a class matching every word
/// itself sorts first, as the index ranks it), in a file each worker opens read-only. Distances come from a function the
/// client registers, the same great circle the index uses, so orders can be compared exactly.
public final class SQLitePeer: SearchSystem {
    public let name = "sqlite"
    let path: String

    /// Loads the catalog into a new database at `path` (replacing any file there).
    public init(catalog: ReferenceCatalog, path: String, progress: (Double) -> Void = { _ in }) throws {
        self.path = path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        try Self.load(catalog, into: path, progress: progress)
    }

    private static func load(_ catalog: ReferenceCatalog, into path: String, progress: (Double) -> Void) throws(SQLError) {
        let db = try SQLiteConnection(path: path)
        try db.execute("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE gyms (id INTEGER PRIMARY KEY, lat REAL NOT NULL, lng REAL NOT NULL, marketplace INTEGER NOT NULL);
            CREATE VIRTUAL TABLE gym_boxes USING rtree(id, min_lat, max_lat, min_lng, max_lng);
            CREATE TABLE classes (id INTEGER PRIMARY KEY, gym INTEGER NOT NULL, type TEXT NOT NULL, credits INTEGER NOT NULL);
            CREATE VIRTUAL TABLE class_words USING fts5(words, own, tokenize = 'unicode61 remove_diacritics 2');
            CREATE TABLE sessions (
                gym INTEGER NOT NULL, start INTEGER NOT NULL, id TEXT NOT NULL,
                class INTEGER NOT NULL, spots INTEGER NOT NULL, PRIMARY KEY (gym, start, id)
            ) WITHOUT ROWID;
            BEGIN;
            """)
        for (i, g) in catalog.gyms.enumerated() {
            try db.query("INSERT INTO gyms VALUES ($1, $2, $3, $4)", .integer(Int64(i)), .real(g.latitude), .real(g.longitude), SQLValue(g.marketplace))
            try db.query(
                "INSERT INTO gym_boxes VALUES ($1, $2, $3, $4, $5)", .integer(Int64(i)), .real(g.latitude), .real(g.latitude), .real(g.longitude),
                .real(g.longitude)
            )
        }
        for (i, c) in catalog.classes.enumerated() where c.gym >= 0 {
            try db.query("INSERT INTO classes VALUES ($1, $2, $3, $4)", .integer(Int64(i)), .integer(Int64(c.gym)), .text(c.type.rawValue), .integer(Int64(c.credits)))
            try db.query(
                "INSERT INTO class_words (rowid, words, own) VALUES ($1, $2, $3)", .integer(Int64(i)), .text(catalog.document(ofClass: i)),
                .text(catalog.document(ofClass: i, ownOnly: true))
            )
        }
        for (i, s) in catalog.sessions.enumerated() {
            try db.query(
                "INSERT INTO sessions VALUES ($1, $2, $3, $4, $5)", .integer(Int64(s.gym)), .integer(Int64(s.start)), .text(s.id),
                .integer(Int64(s.classIndex)), .integer(Int64(s.spots))
            )
            if i % 100_000 == 0 { progress(Double(i) / Double(catalog.sessions.count)) }
        }
        try db.execute("COMMIT; ANALYZE;")
        progress(1)
    }

    public func limitation(of query: BenchQuery) -> Limitation? { standardLimitation(of: query, hasFullText: true) }

    public func makeSearcher() throws -> any Searcher { try SQLiteSearcher(path: path) }
}

final class SQLiteSearcher: Searcher {
    let db: SQLiteConnection
    /// The statement for each shape of query (order, words or not, type or not); the
    /// connection prepares each once and keeps it.
    var statements: [String: String] = [:]

    init(path: String) throws {
        db = try SQLiteConnection(path: path, access: .readOnly)
        try db.defineFunction("distance_km", arguments: 4) { v in
            GreatCircle.distanceKm(Coordinate(latitude: v[0], longitude: v[1]), Coordinate(latitude: v[2], longitude: v[3]))
        }
    }

    func search(_ query: BenchQuery) throws -> [String] {
        let (center, radius, from, to) = query.resolved
        let box = query.bounds
        var parameters: [SQLValue] = [
            .real(center.latitude), .real(center.longitude), .real(box.south), .real(box.north), .real(radius),
            .integer(from), .integer(to), .real(box.west), .real(box.east),
        ]
        var filters = ""
        if let type = query.classType {
            parameters.append(.text(type))
            filters += " AND c.type = $\(parameters.count)"
        }
        // Per word the class itself does not match, one step down the order.
        var missing: [String] = []
        if query.hasWords {
            parameters.append(.text(FullTextQuery.fts5(query.nativeTerms)))
            filters += " AND c.id IN (SELECT rowid FROM class_words WHERE class_words MATCH $\(parameters.count))"
            for word in query.nativeTerms {
                parameters.append(.text("own : " + FullTextQuery.fts5(word)))
                missing.append("(c.id NOT IN (SELECT rowid FROM class_words WHERE class_words MATCH $\(parameters.count)))")
            }
        }
        let tier = missing.isEmpty ? "" : missing.joined(separator: " + ") + ", "
        let order: String =
            switch query.search.sort {
            case .distance: tier + "d, s.start, s.id"
            case .startTime: tier + "s.start, s.id"
            case .credits: tier + "c.credits, s.start, s.id"
            case .relevance: throw BenchError("sqlite cannot rank by relevance")
            }
        let key = "\(order)|\(filters)|\(query.search.limit)"
        let sql = statements[key] ?? """
            SELECT s.id, distance_km(g.lat, g.lng, $1, $2) AS d
            FROM gym_boxes b JOIN gyms g ON g.id = b.id
            JOIN sessions s ON s.gym = g.id AND s.start >= $6 AND s.start < $7
            JOIN classes c ON c.id = s.class
            WHERE b.min_lat <= $4 AND b.max_lat >= $3 AND b.min_lng <= $9 AND b.max_lng >= $8
              AND g.marketplace = 1 AND distance_km(g.lat, g.lng, $1, $2) <= $5 AND s.spots >= 1\(filters)
            ORDER BY \(order) LIMIT \(query.search.limit)
            """
        statements[key] = sql
        return try db.query(sql, parameters).map { try $0.text("id") }
    }
}
