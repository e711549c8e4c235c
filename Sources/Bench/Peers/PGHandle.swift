import CLibPQ
import Foundation

/// A bare libpq connection for the benchmark: prepared statements with text parameters, COPY
/// for loading, and nothing between the server and the timing.
final class PGHandle {
    let handle: OpaquePointer

    init(url: String) throws {
        guard let handle = PQconnectdb(url), PQstatus(handle) == CONNECTION_OK else {
            throw BenchError("postgis: cannot connect to \(url) (Benchmarks/peers-setup starts a server)")
        }
        self.handle = handle
        try execute("SET client_min_messages = warning")
    }

    deinit { PQfinish(handle) }

    func execute(_ sql: String) throws {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, sql)
    }

    func prepare(_ name: String, _ sql: String) throws {
        let result = PQprepare(handle, name, sql, 0, nil)
        defer { PQclear(result) }
        try check(result, sql)
    }

    /// Runs a prepared statement; the first column of every row.
    func firstColumn(_ name: String, _ parameters: [String?]) throws -> [String] {
        let cStrings = parameters.map { $0.flatMap { strdup($0) } }
        defer { cStrings.forEach { free($0) } }
        let result = cStrings.map { UnsafePointer($0) }.withUnsafeBufferPointer {
            PQexecPrepared(handle, name, Int32(parameters.count), $0.baseAddress, nil, nil, 0)
        }
        defer { PQclear(result) }
        try check(result, name)
        return (0..<PQntuples(result)).map { String(cString: PQgetvalue(result, $0, 0)) }
    }

    /// `COPY table FROM STDIN` with tab-separated lines.
    func copy(_ sql: String, lines: some Sequence<String>) throws {
        try execute(sql)  // enters COPY IN state; PGRES_COPY_IN is accepted by `check`
        var buffer = ""
        func flush() throws {
            guard !buffer.isEmpty else { return }
            let sent = buffer.withCString { PQputCopyData(handle, $0, Int32(strlen($0))) }
            guard sent == 1 else { throw BenchError("postgis: COPY failed: \(String(cString: PQerrorMessage(handle)))") }
            buffer.removeAll(keepingCapacity: true)
        }
        for line in lines {
            buffer += line
            buffer += "\n"
            if buffer.utf8.count > 1 << 20 { try flush() }
        }
        try flush()
        guard PQputCopyEnd(handle, nil) == 1 else { throw BenchError("postgis: COPY end failed") }
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            try check(result, sql)
        }
    }

    private func check(_ result: OpaquePointer?, _ what: String) throws {
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_COPY_IN: return
        default:
            let message = result.map { String(cString: PQresultErrorMessage($0)) } ?? String(cString: PQerrorMessage(handle))
            throw BenchError("postgis: \(message.trimmingCharacters(in: .whitespacesAndNewlines)) (in \(what.prefix(120)))")
        }
    }
}
