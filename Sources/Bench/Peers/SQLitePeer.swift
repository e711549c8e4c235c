import CSQLite
import Foundation
import Geo

/// SQLite with an R*Tree over gyms and FTS5 (`unicode61 remove_diacritics 2`) over the classes'
/// folded words, in a file each worker opens read-only. Distances come from a function the
/// client registers, the same great circle the index uses, so orders can be compared exactly.
public final class SQLitePeer: SearchSystem {
    public let name = "sqlite"
    let path: String

    /// Loads the catalog into a new database at `path` (replacing any file there).
    public init(catalog: BenchCatalog, path: String, progress: (Double) -> Void = { _ in }) throws {
        self.path = path
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        let db = try SQLiteHandle(path: path, readOnly: false)
        try db.execute("""
            PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;
            CREATE TABLE gyms (id INTEGER PRIMARY KEY, lat REAL NOT NULL, lng REAL NOT NULL, marketplace INTEGER NOT NULL);
            CREATE VIRTUAL TABLE gym_boxes USING rtree(id, min_lat, max_lat, min_lng, max_lng);
            CREATE TABLE classes (id INTEGER PRIMARY KEY, gym INTEGER NOT NULL, type TEXT NOT NULL, credits INTEGER NOT NULL);
            CREATE VIRTUAL TABLE class_words USING fts5(words, tokenize = 'unicode61 remove_diacritics 2');
            CREATE TABLE sessions (
                gym INTEGER NOT NULL, start INTEGER NOT NULL, id TEXT NOT NULL,
                class INTEGER NOT NULL, spots INTEGER NOT NULL, PRIMARY KEY (gym, start, id)
            ) WITHOUT ROWID;
            BEGIN;
            """)
        let gym = try db.prepare("INSERT INTO gyms VALUES (?, ?, ?, ?)")
        let box = try db.prepare("INSERT INTO gym_boxes VALUES (?, ?, ?, ?, ?)")
        for (i, g) in catalog.gyms.enumerated() {
            try gym.run(.int(i), .real(g.latitude), .real(g.longitude), .int(g.marketplace ? 1 : 0))
            try box.run(.int(i), .real(g.latitude), .real(g.latitude), .real(g.longitude), .real(g.longitude))
        }
        let fitnessClass = try db.prepare("INSERT INTO classes VALUES (?, ?, ?, ?)")
        let words = try db.prepare("INSERT INTO class_words (rowid, words) VALUES (?, ?)")
        for (i, c) in catalog.classes.enumerated() where c.gym >= 0 {
            try fitnessClass.run(.int(i), .int(Int(c.gym)), .text(c.type.rawValue), .int(Int(c.credits)))
            try words.run(.int(i), .text(catalog.document(ofClass: i)))
        }
        let session = try db.prepare("INSERT INTO sessions VALUES (?, ?, ?, ?, ?)")
        for (i, s) in catalog.sessions.enumerated() {
            try session.run(.int(Int(s.gym)), .int(Int(s.start)), .text(s.id), .int(Int(s.classIndex)), .int(Int(s.spots)))
            if i % 100_000 == 0 { progress(Double(i) / Double(catalog.sessions.count)) }
        }
        try db.execute("COMMIT; ANALYZE;")
        progress(1)
    }

    public func limitation(of query: BenchQuery) -> Limitation? { standardLimitation(of: query, hasFullText: true) }

    public func makeSearcher() throws -> any Searcher { try SQLiteSearcher(path: path) }
}

final class SQLiteSearcher: Searcher {
    let db: SQLiteHandle
    /// Prepared once per shape of query (order, words or not, type or not).
    var statements: [String: SQLiteStatement] = [:]

    init(path: String) throws {
        db = try SQLiteHandle(path: path, readOnly: true)
        db.registerDistance()
    }

    func search(_ query: BenchQuery) throws -> [String] {
        let (center, radius, from, to) = query.resolved
        let type = query.classType
        let match = query.hasWords ? FullTextQuery.fts5(query.nativeTerms) : nil
        let order =
            switch query.search.sort {
            case .distance: "d, s.start, s.id"
            case .startTime: "s.start, s.id"
            case .credits: "c.credits, s.start, s.id"
            case .relevance: throw BenchError("sqlite cannot rank by relevance")
            }
        let key = "\(order)|\(match != nil)|\(type != nil)"
        let statement: SQLiteStatement
        if let known = statements[key] {
            statement = known
        } else {
            statement = try db.prepare("""
                SELECT s.id, distance_km(g.lat, g.lng, ?1, ?2) AS d
                FROM gym_boxes b JOIN gyms g ON g.id = b.id
                JOIN sessions s ON s.gym = g.id AND s.start >= ?6 AND s.start < ?7
                JOIN classes c ON c.id = s.class
                WHERE b.min_lat <= ?4 AND b.max_lat >= ?3 AND b.min_lng <= ?9 AND b.max_lng >= ?8
                  AND g.marketplace = 1 AND distance_km(g.lat, g.lng, ?1, ?2) <= ?5 AND s.spots >= 1
                  \(type != nil ? "AND c.type = ?10" : "")
                  \(match != nil ? "AND c.id IN (SELECT rowid FROM class_words WHERE class_words MATCH ?11)" : "")
                ORDER BY \(order) LIMIT \(query.search.limit)
                """)
            statements[key] = statement
        }
        let box = query.bounds
        var values: [SQLiteValue] = [
            .real(center.latitude), .real(center.longitude), .real(box.south), .real(box.north), .real(radius),
            .int(Int(from)), .int(Int(to)), .real(box.west), .real(box.east),
        ]
        values.append(type.map { .text($0) } ?? .null)
        values.append(match.map { .text($0) } ?? .null)
        return try statement.rows(values) { $0.text(0) }
    }
}
