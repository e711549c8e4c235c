import CLibPQ
import Foundation

/// One PostgreSQL connection through libpq. Parameters go as text with the statement
/// (PQexecParams), never spliced into SQL.
public final class PostgresConnection: SQLConnection, @unchecked Sendable {
    // @unchecked: a connection is only used by the one worker thread that owns it.
    private let handle: OpaquePointer
    public let dialect = SQLDialect.postgres
    public private(set) var changes = 0

    public init(url: String) throws(StoreError) {
        guard let handle = PQconnectdb(url) else { throw .database("cannot allocate a libpq connection") }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = String(cString: PQerrorMessage(handle))
                .split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
            PQfinish(handle)
            throw .database("cannot connect to PostgreSQL: \(message)")
        }
        self.handle = handle
        try query("SET client_min_messages = warning")
    }

    deinit {
        PQfinish(handle)
    }

    @discardableResult
    public func query(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> [SQLRow] {
        let texts: [String?] = parameters.map { value in
            switch value {
            case .null: nil
            case .integer(let v): String(v)
            case .real(let v): "\(v)"
            case .text(let v): v
            }
        }
        let cStrings = texts.map { $0.flatMap { strdup($0) } }
        defer { cStrings.forEach { free($0) } }
        let result = cStrings.map { UnsafePointer($0) }.withUnsafeBufferPointer { values in
            PQexecParams(handle, sql, Int32(parameters.count), nil, values.baseAddress, nil, nil, 0)
        }
        guard let result else { throw .database(String(cString: PQerrorMessage(handle))) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            break
        default:
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) } ?? ""
            let message = String(cString: PQresultErrorMessage(result)).trimmingCharacters(in: .whitespacesAndNewlines)
            // 40001 serialization failure, 40P01 deadlock, 55P03 lock not available: retryable.
            if ["40001", "40P01", "55P03"].contains(state) { throw .busy(message) }
            // 23505 unique violation: a row that already exists.
            if state == "23505" { throw .conflict(message) }
            throw .database("\(state) \(message) in: \(sql.prefix(120))")
        }
        changes = Int(String(cString: PQcmdTuples(result))) ?? 0
        let rowCount = PQntuples(result), columnCount = PQnfields(result)
        let columns = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        let types = (0..<columnCount).map { PQftype(result, $0) }
        return (0..<rowCount).map { row in
            SQLRow(columns: columns, values: (0..<columnCount).map { column in
                if PQgetisnull(result, row, column) == 1 { return .null }
                let text = String(cString: PQgetvalue(result, row, column))
                switch types[Int(column)] {
                case 20, 21, 23: return Int64(text).map(SQLValue.integer) ?? .text(text)  // int8, int2, int4
                case 1700: return Int64(text).map(SQLValue.integer) ?? Double(text).map(SQLValue.real) ?? .text(text)  // numeric (SUM)
                case 700, 701: return Double(text).map(SQLValue.real) ?? .text(text)  // float4, float8
                default: return .text(text)
                }
            })
        }
    }

    /// Waits up to `timeoutMilliseconds` for NOTIFY payloads on channels this connection
    /// LISTENs to, and returns those that arrived. Throws if the connection is lost.
    func notifications(timeoutMilliseconds: Int32) throws(StoreError) -> [String] {
        var poller = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        guard poller.fd >= 0 else { throw .database("the PostgreSQL connection is closed") }
        _ = poll(&poller, 1, timeoutMilliseconds)
        guard PQconsumeInput(handle) == 1 else { throw .database(String(cString: PQerrorMessage(handle))) }
        var payloads: [String] = []
        while let notification = PQnotifies(handle) {
            payloads.append(String(cString: notification.pointee.extra))
            PQfreemem(notification)
        }
        return payloads
    }
}
