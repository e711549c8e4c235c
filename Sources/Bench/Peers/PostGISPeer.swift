import Foundation
import Geo
import Marketplace
import SQL
public import SearchReference

/// PostGIS on a PostgreSQL server: geography points with a GiST index and KNN ordering,
/// sessions in a table indexed by gym and start, the classes' folded words in a tsvector with a
/// GIN index (an `unaccent` + `simple` configuration), queries as prepared statements through
/// libpq. Tuned as a DBA would: covering indexes, ANALYZE, work_mem, JIT off for short queries.
public final class PostGISPeer: SearchSystem {
    public let name = "postgis"
    let url: String

    /// Loads the catalog into schema `bench` (dropped and made anew).
    public init(catalog: ReferenceCatalog, url: String, progress: (String) -> Void = { _ in }) throws {
        self.url = url
        let db = try PostGISPeer.connect(url)
        progress("schema")
        try db.execute("""
            CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS unaccent; CREATE EXTENSION IF NOT EXISTS pg_trgm;
            DROP SCHEMA IF EXISTS bench CASCADE; CREATE SCHEMA bench;
            CREATE TEXT SEARCH CONFIGURATION bench.folded (COPY = simple);
            ALTER TEXT SEARCH CONFIGURATION bench.folded ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
            CREATE TABLE bench.gyms (id integer PRIMARY KEY, geog geography(Point, 4326) NOT NULL, marketplace boolean NOT NULL);
            CREATE TABLE bench.classes (
                id integer PRIMARY KEY, gym integer NOT NULL, type text NOT NULL, credits integer NOT NULL, doc text NOT NULL,
                own_doc text NOT NULL,
                words tsvector GENERATED ALWAYS AS (to_tsvector('bench.folded'::regconfig, doc)) STORED,
                own_words tsvector GENERATED ALWAYS AS (to_tsvector('bench.folded'::regconfig, own_doc)) STORED
            );
            CREATE TABLE bench.sessions (id uuid NOT NULL, gym integer NOT NULL, class integer NOT NULL, start_at bigint NOT NULL, spots integer NOT NULL);
            """)
        progress("gyms")
        try db.copy("COPY bench.gyms FROM STDIN", lines: catalog.gyms.enumerated().lazy.map { i, g in
            "\(i)\tSRID=4326;POINT(\(g.longitude) \(g.latitude))\t\(g.marketplace ? "t" : "f")"
        })
        progress("classes")
        try db.copy("COPY bench.classes (id, gym, type, credits, doc, own_doc) FROM STDIN", lines: catalog.classes.indices.lazy.compactMap { i in
            let c = catalog.classes[i]
            return c.gym < 0
                ? nil : "\(i)\t\(c.gym)\t\(c.type.rawValue)\t\(c.credits)\t\(catalog.document(ofClass: i))\t\(catalog.document(ofClass: i, ownOnly: true))"
        })
        progress("sessions")
        try db.copy("COPY bench.sessions FROM STDIN", lines: catalog.sessions.lazy.map { s in
            "\(s.id)\t\(s.gym)\t\(s.classIndex)\t\(s.start)\t\(s.spots)"
        })
        progress("indexes")
        try db.execute("""
            ALTER TABLE bench.sessions ADD PRIMARY KEY (id);
            CREATE INDEX ON bench.gyms USING gist (geog);
            CREATE INDEX ON bench.sessions (gym, start_at) INCLUDE (spots, class, id);
            CREATE INDEX ON bench.sessions (start_at);
            CREATE INDEX ON bench.classes USING gin (words);
            """)
        // Vacuumed, analysed and checkpointed now, with autovacuum off for these tables, so no
        // background work of the server's competes with whatever is timed next.
        progress("vacuum")
        for table in ["gyms", "classes", "sessions"] {
            try db.execute("VACUUM (ANALYZE) bench.\(table)")  // alone: VACUUM refuses a multi-statement script
            try db.execute("ALTER TABLE bench.\(table) SET (autovacuum_enabled = false)")
        }
        try db.execute("CHECKPOINT")
    }

    public func limitation(of query: BenchQuery) -> Limitation? { standardLimitation(of: query, hasFullText: true) }

    public func makeSearcher() throws -> any Searcher { try PostGISSearcher(url: url) }

    static func connect(_ url: String) throws -> PostgresConnection {
        do { return try PostgresConnection(url: url) } catch {
            throw BenchError("postgis: \(error) (Benchmarks/peers-setup starts a server)")
        }
    }
}

final class PostGISSearcher: Searcher {
    let db: PostgresConnection
    /// The statement for each shape of query; the connection prepares each once and keeps it.
    var statements: [String: String] = [:]

    init(url: String) throws {
        db = try PostGISPeer.connect(url)
        try db.execute("SET search_path = bench, public; SET work_mem = '64MB'; SET jit = off; SET random_page_cost = 1.1")
    }

    func search(_ query: BenchQuery) throws -> [String] {
        let (center, radius, from, to) = query.resolved
        var parameters: [SQLValue] = [.real(center.latitude), .real(center.longitude), .real(radius * 1000), .integer(from), .integer(to)]
        var filters = ""
        if let type = query.classType {
            parameters.append(.text(type))
            filters += " AND c.type = $\(parameters.count)"
        }
        // Per word the class itself does not match, one step down the order.
        var missing: [String] = []
        if query.hasWords {
            parameters.append(.text(FullTextQuery.tsquery(query.nativeTerms)))
            filters += " AND c.words @@ to_tsquery('bench.folded', $\(parameters.count))"
            for word in query.nativeTerms {
                parameters.append(.text(FullTextQuery.tsquery(word)))
                missing.append("(NOT c.own_words @@ to_tsquery('bench.folded', $\(parameters.count)))::int")
            }
        }
        let tier = missing.isEmpty ? "0" : missing.joined(separator: " + ")
        let sort = query.search.sort
        let key = "\(sort.rawValue)|\(filters)|\(tier)|\(query.search.limit)"
        let sql = statements[key] ?? Self.sql(sort: sort, filters: filters, tier: tier, limit: query.search.limit)
        statements[key] = sql
        return try db.query(sql, parameters).map { try $0.text("id") }
    }

    /// By distance: gyms nearest first from the GiST index (KNN), each gym's sessions beside
    /// it, so the sort is incremental and stops at the limit. By start or credits: the gyms in
    /// range, their sessions in the window, a top-N sort.
    /// `tier` counts the words a class matches only through its gym or place: it sorts first.
    static func sql(sort: Marketplace.SortOrder, filters: String, tier: String, limit: Int) -> String {
        let point = "ST_SetSRID(ST_MakePoint($2::float8, $1::float8), 4326)::geography"
        switch sort {
        case .distance:
            return """
                SELECT x.id FROM (
                    SELECT g.id AS gym, g.geog <-> \(point) AS d FROM gyms g
                    WHERE g.marketplace AND ST_DWithin(g.geog, \(point), $3::float8, false)
                    ORDER BY g.geog <-> \(point)
                ) n CROSS JOIN LATERAL (
                    SELECT s.id, s.start_at, \(tier) AS tier FROM sessions s JOIN classes c ON c.id = s.class
                    WHERE s.gym = n.gym AND s.start_at >= $4::bigint AND s.start_at < $5::bigint AND s.spots >= 1\(filters)
                ) x
                ORDER BY x.tier, n.d, x.start_at, x.id LIMIT \(limit)
                """
        case .startTime, .credits, .relevance:
            // Without words every tier is 0, and a bare 0 would be read as a column position.
            let order = (tier == "0" ? "" : "\(tier), ") + (sort == .credits ? "c.credits, s.start_at, s.id" : "s.start_at, s.id")
            return """
                SELECT s.id FROM gyms g JOIN sessions s ON s.gym = g.id JOIN classes c ON c.id = s.class
                WHERE g.marketplace AND ST_DWithin(g.geog, \(point), $3::float8, false)
                  AND s.start_at >= $4::bigint AND s.start_at < $5::bigint AND s.spots >= 1\(filters)
                ORDER BY \(order) LIMIT \(limit)
                """
        }
    }
}
