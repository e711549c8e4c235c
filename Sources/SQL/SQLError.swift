/// What a connection can report. `busy` (a deadlock, a serialization failure, a locked SQLite
/// file) and `unavailable` (the database cannot be reached, or its disk is full) pass with time;
/// `conflict` is a row that already exists; `schema` is a column that is missing or holds
/// something else, named by table and column; `database` is anything else.
public enum SQLError: Error, Equatable, Sendable, CustomStringConvertible {
    case busy(String)
    case unavailable(String)
    case conflict(String)
    case schema(table: String, column: String, problem: String)
    case database(String)

    public var description: String {
        switch self {
        case .busy(let message): "database busy: \(message)"
        case .unavailable(let message): "database unavailable: \(message)"
        case .conflict(let what): what
        case .schema(let table, let column, let problem): "schema mismatch: \(table).\(column) \(problem)"
        case .database(let message): "database error: \(message)"
        }
    }
}
