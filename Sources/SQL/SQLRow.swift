/// The columns of a statement's result, shared by all its rows, and the table the statement
/// reads (or writes) first, so a column that is missing or of the wrong kind is reported as
/// `table.column` rather than crashing.
public final class SQLColumns: Sendable {
    public let names: [String]
    public let table: String

    init(names: [String], table: String) {
        self.names = names
        self.table = table
    }

    func index(of name: String) -> Int? { names.firstIndex(of: name) }

    /// The first table a statement names after FROM, INTO or UPDATE ("query" when none).
    static func mainTable(of sql: String) -> String {
        let words = sql.split(whereSeparator: { $0.isWhitespace || $0 == "(" || $0 == ")" || $0 == "," })
        for (i, word) in words.enumerated().dropLast() where ["FROM", "INTO", "UPDATE"].contains(word.uppercased()) {
            let name = words[i + 1]
            if name.first?.isLetter == true { return String(name) }
        }
        return "query"
    }
}

/// One result row. Reads are typed and throw `SQLError.schema` naming the table and column
/// when the column is absent or holds something else, so a schema drift is an error to log,
/// never a crash.
public struct SQLRow: Sendable {
    public let columns: SQLColumns
    public let values: [SQLValue]

    /// The raw value, `.null` when the column is absent: for reads that accept a missing value.
    public subscript(_ name: String) -> SQLValue {
        guard let i = columns.index(of: name) else { return .null }
        return values[i]
    }

    private func value(_ name: String) throws(SQLError) -> SQLValue {
        guard let i = columns.index(of: name) else { throw mismatch(name, "is not in the result") }
        return values[i]
    }

    private func mismatch(_ column: String, _ problem: String) -> SQLError {
        .schema(table: columns.table, column: column, problem: problem)
    }

    public func text(_ name: String) throws(SQLError) -> String {
        guard let v = try optionalText(name) else { throw mismatch(name, "is NULL where text was expected") }
        return v
    }

    public func optionalText(_ name: String) throws(SQLError) -> String? {
        switch try value(name) {
        case .null: return nil
        case .text(let v): return v
        case let other: throw mismatch(name, "holds \(other) where text was expected")
        }
    }

    public func int64(_ name: String) throws(SQLError) -> Int64 {
        guard let v = try optionalInt64(name) else { throw mismatch(name, "is NULL where an integer was expected") }
        return v
    }

    public func optionalInt64(_ name: String) throws(SQLError) -> Int64? {
        switch try value(name) {
        case .null: return nil
        case .integer(let v): return v
        // SUM over an empty set, or an aggregate PostgreSQL widens to numeric.
        case .real(let v) where v == v.rounded(): return Int64(v)
        case let other: throw mismatch(name, "holds \(other) where an integer was expected")
        }
    }

    public func int(_ name: String) throws(SQLError) -> Int { Int(try int64(name)) }

    public func double(_ name: String) throws(SQLError) -> Double {
        switch try value(name) {
        case .real(let v): return v
        case .integer(let v): return Double(v)
        case let other: throw mismatch(name, "holds \(other) where a number was expected")
        }
    }

    /// A 0/1 flag.
    public func bool(_ name: String) throws(SQLError) -> Bool {
        switch try value(name) {
        case .integer(let v): return v != 0
        case let other: throw mismatch(name, "holds \(other) where a 0/1 flag was expected")
        }
    }

    /// A text column read as one of an enum's cases.
    public func value<T: RawRepresentable>(_ name: String, as _: T.Type) throws(SQLError) -> T where T.RawValue == String {
        let raw = try text(name)
        guard let v = T(rawValue: raw) else { throw mismatch(name, "holds '\(raw)', not a known \(T.self)") }
        return v
    }
}
