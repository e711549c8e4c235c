import Marketplace
public import SearchReference

/// The reference as a system of the comparison: every session tested one by one, then sorted
/// (`BruteForceSearch`, the one the oracle tests check the index against). Every other system
/// is checked against it before any timing counts, and it is timed beside them.
public final class BruteForce: SearchSystem {
    public let name = "brute"
    let reference: BruteForceSearch

    public init(catalog: ReferenceCatalog) {
        reference = BruteForceSearch(catalog: catalog)
    }

    public func limitation(of query: BenchQuery) -> Limitation? { nil }

    public func makeSearcher() throws -> any Searcher { BruteForceSearcher(reference: reference) }
}

final class BruteForceSearcher: Searcher {
    let reference: BruteForceSearch

    init(reference: BruteForceSearch) {
        self.reference = reference
    }

    func search(_ query: BenchQuery) throws -> [String] {
        reference.search(query.search).prefix(query.search.limit).map(\.sessionId)
    }
}
