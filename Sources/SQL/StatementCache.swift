/// A connection's prepared statements by their SQL. The store's statements are a fixed set of
/// a few hundred, so the cache is bounded only as a guard: past `capacity` it starts again.
struct StatementCache<Statement> {
    private var kept: [String: Statement] = [:]
    let capacity: Int

    init(capacity: Int = 512) {
        self.capacity = capacity
    }

    subscript(sql: String) -> Statement? { kept[sql] }

    /// Keeps `statement`; `release` frees whatever is dropped to make room.
    mutating func insert(_ statement: Statement, for sql: String, release: (Statement) -> Void) {
        if kept.count >= capacity { removeAll(release) }
        kept[sql] = statement
    }

    mutating func remove(_ sql: String, release: (Statement) -> Void) {
        if let statement = kept.removeValue(forKey: sql) { release(statement) }
    }

    mutating func removeAll(_ release: (Statement) -> Void) {
        kept.values.forEach(release)
        kept.removeAll()
    }
}
