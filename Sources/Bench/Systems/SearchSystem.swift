/// A system the benchmark compares: loaded once with the catalog, then asked the workload's
/// queries by one searcher per worker thread.
public protocol SearchSystem: AnyObject, Sendable {
    /// The name reports use: "studioloop", "postgis", "sqlite", "redis", "brute".
    var name: String { get }
    /// Why this system cannot ask `query` with an answer equal to the reference's, or nil when
    /// it can. Such queries are reported apart, never silently dropped.
    func limitation(of query: BenchQuery) -> Limitation?
    /// A searcher for one worker thread (its own connection, where the system has them).
    func makeSearcher() throws -> any Searcher
}

/// Asks one system queries, from one thread.
public protocol Searcher: AnyObject {
    /// The page's session ids, in the system's order.
    func search(_ query: BenchQuery) throws -> [String]
}

/// What a peer cannot express, as reports name it.
public enum Limitation: String, Sendable, Codable, CaseIterable {
    case relevance = "the project's relevance ranking"
    case typos = "typo tolerance with the project's edit distance"
    case text = "full-text search"
}

/// A peer that answers the spatial, time, type and spots filters and the distance, start-time
/// and credits orders, with or without words as its engine allows.
extension SearchSystem {
    func standardLimitation(of query: BenchQuery, hasFullText: Bool) -> Limitation? {
        if query.search.sort == .relevance { return .relevance }
        if query.hasWords {
            if !hasFullText { return .text }
            if query.needsTypoTolerance { return .typos }
        }
        return nil
    }
}

/// A failure of a system under test (a peer refusing SQL, a connection lost), said plainly.
public struct BenchError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
