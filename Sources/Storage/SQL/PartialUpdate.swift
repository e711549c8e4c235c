import SQL

/// An `UPDATE … SET` of only the columns a change names, one row by id: what a PATCH becomes.
struct PartialUpdate {
    let table: String
    private var sets: [String] = []
    private var values: [SQLValue]

    init(table: String, id: String) {
        self.table = table
        values = [.text(id)]
    }

    mutating func set(_ column: String, _ value: SQLValue) {
        values.append(value)
        sets.append("\(column) = $\(values.count)")
    }

    func run(on db: any SQLConnection) throws {
        guard !sets.isEmpty else { return }
        try db.query("UPDATE \(table) SET \(sets.joined(separator: ", ")) WHERE id = $1", values)
    }
}
