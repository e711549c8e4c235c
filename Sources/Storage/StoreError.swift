public import Booking
import SQL

/// What can go wrong in the store. `refused` carries a booking rule's refusal (the client's
/// doing); `notFound`, `invalid`, `conflict` (a row that already exists, such as a second
/// account with one email) and `unprocessable` are the client's too. `busy` (a conflict that
/// outlasted the retries) and `unavailable` (the database cannot be reached, or its disk is
/// full) pass with time; `schema` and `database` are faults of the server.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case refused(BookingRefusal)
    case notFound(String)
    case invalid(String)
    case conflict(String)
    /// Well-formed but contradicting what was asked before (an idempotency key reused with other
    /// parameters).
    case unprocessable(String)
    case busy(String)
    /// Asked for more often than allowed (codes sent to one phone); try again in so many seconds.
    case tooMany(retryAfter: Int)
    case unavailable(String)
    /// A column the store reads is missing or holds something else: the schema drifted.
    case schema(table: String, column: String, problem: String)
    case database(String)

    public var description: String {
        switch self {
        case .refused(let refusal): refusal.rawValue
        case .notFound(let what): "\(what) not found"
        case .invalid(let why): why
        case .conflict(let what): what
        case .unprocessable(let why): why
        case .busy(let message): "database busy: \(message)"
        case .tooMany(let seconds): "asked for too often; try again in \(seconds) s"
        case .unavailable(let message): "database unavailable: \(message)"
        case .schema(let table, let column, let problem): "schema mismatch: \(table).\(column) \(problem)"
        case .database(let message): "database error: \(message)"
        }
    }
}

extension StoreError {
    /// A connection's error as the store's: the same case, for the API to map.
    init(_ error: SQLError) {
        switch error {
        case .busy(let why): self = .busy(why)
        case .unavailable(let why): self = .unavailable(why)
        case .conflict(let what): self = .conflict(what)
        case .schema(let table, let column, let problem): self = .schema(table: table, column: column, problem: problem)
        case .database(let message): self = .database(message)
        }
    }

    /// Runs `body`, reporting a connection's error as the store's.
    static func reporting<T>(_ body: () throws(SQLError) -> T) throws(StoreError) -> T {
        do { return try body() } catch { throw StoreError(error) }
    }
}
