public import Marketplace

/// The project's own in-memory index.
public final class IndexSystem: SearchSystem {
    public let name = "studioloop"
    public let index: MarketplaceIndex

    public init(index: MarketplaceIndex) {
        self.index = index
    }

    public func limitation(of query: BenchQuery) -> Limitation? { nil }

    public func makeSearcher() throws -> any Searcher { IndexSearcher(index: index) }
}

final class IndexSearcher: Searcher {
    let index: MarketplaceIndex

    init(index: MarketplaceIndex) {
        self.index = index
    }

    func search(_ query: BenchQuery) throws -> [String] {
        do {
            return try index.search(query.search).results.map(\.sessionId)
        } catch {
            throw BenchError("the index refused query \(query.number): \(error)")
        }
    }
}
