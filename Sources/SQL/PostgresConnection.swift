import CLibPQ
import Foundation

/// One PostgreSQL connection through libpq. Parameters go as text beside the statement, never
/// spliced into SQL; statements with parameters are prepared once per connection and kept,
/// unless the connection goes through a transaction-mode pooler (`preparesStatements` false).
public final class PostgresConnection: SQLConnection, @unchecked Sendable {
    // @unchecked: a connection is only used by one thread at a time (the pool hands it out).
    private let handle: OpaquePointer
    private var statements = StatementCache<Prepared>()
    private var preparedCount = 0
    private let preparesStatements: Bool
    public let dialect = SQLDialect.postgres
    public private(set) var changes = 0
    public private(set) var writeProgress = 0

    private struct Prepared {
        let name: String
        let columns: SQLColumns
    }

    public init(url: String, preparesStatements: Bool = true) throws(SQLError) {
        self.preparesStatements = preparesStatements
        guard let handle = PQconnectdb(url) else { throw .unavailable("cannot allocate a libpq connection") }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.oneLine(String(cString: PQerrorMessage(handle)))
            PQfinish(handle)
            throw .unavailable("cannot connect to PostgreSQL: \(message)")
        }
        self.handle = handle
        try query("SET client_min_messages = warning")
    }

    deinit {
        PQfinish(handle)
    }

    /// Set when a statement failed for want of the server (a connection or shutdown error):
    /// through a pooler the connection itself survives, but it may lead to a server that is
    /// gone or no longer the primary, so it is replaced (and a multi-host URL tried afresh).
    private var abandoned = false

    public var isBroken: Bool { abandoned || PQstatus(handle) != CONNECTION_OK }

    @discardableResult
    public func query(_ sql: String, _ parameters: [SQLValue]) throws(SQLError) -> [SQLRow] {
        // Statements without parameters (transaction control, settings, DDL) go as they are.
        guard !parameters.isEmpty else {
            let result = PQexec(handle, sql)
            defer { PQclear(result) }
            return try rows(of: result, sql: sql, columns: nil)
        }
        let prepared = preparesStatements ? try prepare(sql) : nil
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
            if let prepared {
                PQexecPrepared(handle, prepared.name, Int32(parameters.count), values.baseAddress, nil, nil, 0)
            } else {
                PQexecParams(handle, sql, Int32(parameters.count), nil, values.baseAddress, nil, nil, 0)
            }
        }
        defer { PQclear(result) }
        do {
            return try rows(of: result, sql: sql, columns: prepared?.columns)
        } catch {
            // A kept plan the schema has outgrown ("cached plan must not change result type") is
            // dropped; the transaction that met it is retried and prepares it afresh.
            if case .busy = error { statements.remove(sql) { _ = PQexec(handle, "DEALLOCATE \($0.name)").map(PQclear) } }
            throw error
        }
    }

    public func execute(_ script: String) throws(SQLError) {
        let result = PQexec(handle, script)
        defer { PQclear(result) }
        _ = try rows(of: result, sql: script, columns: nil)
    }

    /// `COPY … FROM STDIN` (text format): each of `lines` is one row, its columns separated by
    /// tabs. Sent in chunks of about a megabyte.
    public func copy(_ sql: String, lines: some Sequence<String>) throws(SQLError) {
        let started = PQexec(handle, sql)
        defer { PQclear(started) }
        guard PQresultStatus(started) == PGRES_COPY_IN else {
            _ = try rows(of: started, sql: sql, columns: nil)
            throw .database("\(sql.prefix(60)) did not start a COPY")
        }
        var buffer: [UInt8] = []
        func flush() throws(SQLError) {
            guard !buffer.isEmpty else { return }
            let sent = buffer.withUnsafeBufferPointer { bytes in
                bytes.withMemoryRebound(to: CChar.self) { PQputCopyData(handle, $0.baseAddress, Int32($0.count)) }
            }
            guard sent == 1 else { throw lost() }
            buffer.removeAll(keepingCapacity: true)
        }
        for line in lines {
            buffer.append(contentsOf: line.utf8)
            buffer.append(UInt8(ascii: "\n"))
            if buffer.count > 1 << 20 { try flush() }
        }
        try flush()
        guard PQputCopyEnd(handle, nil) == 1 else { throw lost() }
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            _ = try rows(of: result, sql: sql, columns: nil)
        }
    }

    /// The kept statement for `sql`, prepared on first use.
    private func prepare(_ sql: String) throws(SQLError) -> Prepared {
        if let kept = statements[sql] { return kept }
        preparedCount += 1
        let name = "sl\(preparedCount)"
        let made = PQprepare(handle, name, sql, 0, nil)
        defer { PQclear(made) }
        _ = try rows(of: made, sql: sql, columns: nil)
        let described = PQdescribePrepared(handle, name)
        defer { PQclear(described) }
        _ = try rows(of: described, sql: sql, columns: nil)
        let columns = SQLColumns(
            names: (0..<PQnfields(described)).map { String(cString: PQfname(described, $0)) }, table: SQLColumns.mainTable(of: sql)
        )
        let prepared = Prepared(name: name, columns: columns)
        statements.insert(prepared, for: sql) { _ = PQexec(handle, "DEALLOCATE \($0.name)").map(PQclear) }
        return prepared
    }

    private func rows(of result: OpaquePointer?, sql: String, columns known: SQLColumns?) throws(SQLError) -> [SQLRow] {
        guard let result else { throw lost() }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK:
            break
        default:
            if isBroken { throw lost() }
            func field(_ code: Character) -> String {
                PQresultErrorField(result, Int32(code.asciiValue!)).map { String(cString: $0) } ?? ""
            }
            let error = Self.error(state: field("C"), message: Self.oneLine(field("M")), sql: sql)
            if case .unavailable = error { abandoned = true }
            throw error
        }
        changes = Int(String(cString: PQcmdTuples(result))) ?? 0
        writeProgress += 1
        let rowCount = PQntuples(result), columnCount = PQnfields(result)
        guard rowCount > 0 else { return [] }
        let columns = known ?? SQLColumns(
            names: (0..<columnCount).map { String(cString: PQfname(result, $0)) }, table: SQLColumns.mainTable(of: sql)
        )
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

    private func lost() -> SQLError {
        .unavailable("lost the connection to PostgreSQL: \(Self.oneLine(String(cString: PQerrorMessage(handle))))")
    }

    /// A failed statement's SQLSTATE as the store's error.
    static func error(state: String, message: String, sql: String) -> SQLError {
        switch state {
        // Serialization failure, deadlock, lock not available, a kept plan the schema outgrew:
        // the transaction may be tried again.
        case "40001", "40P01", "55P03", "0A000": return .busy(message)
        // A row that already exists.
        case "23505": return .conflict(message)
        // Connection exceptions, the server shutting down or starting, out of disk or memory, and
        // a read-only server (a standby this connection reached, or the old primary after a
        // failover): not now, and not through this connection.
        case _ where state.hasPrefix("08") || state.hasPrefix("53") || ["57P01", "57P02", "57P03", "25006"].contains(state):
            return .unavailable(message)
        case "42703", "42P01":
            // `column "x" does not exist`, `column s.x does not exist`, `relation "t" does not exist`
            let name = message.split(separator: " ").dropFirst().first.map { $0.trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
            let column = name.map { String($0.split(separator: ".").last ?? "") } ?? "?"
            return .schema(table: SQLColumns.mainTable(of: sql), column: column, problem: "does not exist")
        default:
            return .database("\(state) \(message) in: \(sql.prefix(120))")
        }
    }

    static func oneLine(_ message: String) -> String {
        message.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }

    /// Waits up to `timeoutMilliseconds` for NOTIFY payloads on channels this connection
    /// LISTENs to, and returns those that arrived. Throws if the connection is lost.
    public func notifications(timeoutMilliseconds: Int32) throws(SQLError) -> [String] {
        var poller = pollfd(fd: PQsocket(handle), events: Int16(POLLIN), revents: 0)
        guard poller.fd >= 0 else { throw .unavailable("the PostgreSQL connection is closed") }
        _ = poll(&poller, 1, timeoutMilliseconds)
        guard PQconsumeInput(handle) == 1 else { throw lost() }
        var payloads: [String] = []
        while let notification = PQnotifies(handle) {
            payloads.append(String(cString: notification.pointee.extra))
            PQfreemem(notification)
        }
        return payloads
    }
}
