import Booking
import SQL

/// The ledger as rows: a transaction's header and postings, written and read back whole.
enum LedgerRows {
    static func post(_ transaction: LedgerTransaction, on db: any SQLConnection) throws {
        try db.query(
            "INSERT INTO ledger_transactions (id, kind, reverses, created_at) VALUES ($1, $2, $3, $4)",
            .text(transaction.id), .text(transaction.kind), SQLValue(transaction.reverses), .integer(transaction.createdAt)
        )
        for (seq, posting) in transaction.postings.enumerated() {
            try db.query(
                "INSERT INTO ledger_postings (transaction_id, seq, account, unit, amount) VALUES ($1, $2, $3, $4, $5)",
                .text(transaction.id), .integer(Int64(seq)), .text(posting.account.name), .text(posting.unit.description),
                .integer(posting.amount)
            )
        }
    }

    static func transaction(_ id: String, on db: any SQLConnection) throws -> LedgerTransaction {
        guard let header = try db.query("SELECT kind, reverses, created_at FROM ledger_transactions WHERE id = $1", .text(id)).first else {
            throw StoreError.notFound("ledger transaction")
        }
        let postings = try db.query("SELECT account, unit, amount FROM ledger_postings WHERE transaction_id = $1 ORDER BY seq", .text(id))
            .map { row throws -> Posting in
                guard let unit = row["unit"].text.flatMap(LedgerUnit.init) else { throw StoreError.database("unknown ledger unit in \(id)") }
                return try Posting(LedgerAccount(row.text("account")), row.int64("amount"), unit)
            }
        do {
            return try LedgerTransaction(
                id: id, kind: header.text("kind"), postings: postings, reverses: header["reverses"].text,
                createdAt: header.int64("created_at")
            )
        } catch {
            throw StoreError.database("ledger transaction \(id) does not balance")
        }
    }
}
