import SQL

/// Every committed change to the catalog or to a session's spots made through this process's
/// store, for the search index (one consumer). A transaction that rolls back publishes nothing;
/// changes other processes make arrive through `ChangeListener` on PostgreSQL.
final class ChangeFeed: Sendable {
    let changes: AsyncStream<CatalogChange>
    private let sink: AsyncStream<CatalogChange>.Continuation

    init() {
        (changes, sink) = AsyncStream.makeStream(of: CatalogChange.self, bufferingPolicy: .bufferingNewest(100_000))
    }

    deinit {
        sink.finish()
    }

    /// Runs a transaction that may change sessions or gyms, and publishes the changes it returns
    /// once it has committed.
    func transaction<T: Sendable>(
        on database: any Database, _ body: @escaping @Sendable (any SQLConnection) throws -> (T, [CatalogChange])
    ) async throws -> T {
        let (result, changes) = try await database.transaction(body)
        for change in changes { sink.yield(change) }
        return result
    }
}
