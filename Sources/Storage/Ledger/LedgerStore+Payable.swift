public import Booking

/// One movement on a gym's payable account.
public struct PayablePosting: Equatable, Sendable {
    public var transactionId: String
    public var kind: String
    /// Cents owed to the gym by this movement (negative for a refund that takes it back).
    public var owed: Int64
    public var createdAt: Int64
}

extension LedgerStore {
    /// What the platform owes a gym for its marketplace bookings, read in the gym's own
    /// context, with the movements that make it up, newest first.
    public func payable(tenant: String, currency: String, limit: Int = 100) async throws -> (owed: Money, postings: [PayablePosting]) {
        guard (1...1_000).contains(limit) else { throw StoreError.invalid("limit must be between 1 and 1000") }
        return try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: nil))
            let account = LedgerAccount.gymPayable(tenant).name, unit = LedgerUnit.cents(currency: currency).description
            // The account is a liability: credit (negative) postings are what the gym is owed.
            let total = try db.one(
                "SELECT COALESCE(SUM(amount), 0) AS total FROM ledger_postings WHERE account = $1 AND unit = $2", .text(account), .text(unit)
            ).int64("total")
            // The transactions' headers are bookkeeping; the gym sees its postings' own lines.
            try db.setContext(.system)
            let postings = try db.query(
                """
                SELECT p.transaction_id, t.kind, p.amount, t.created_at FROM ledger_postings p
                JOIN ledger_transactions t ON t.id = p.transaction_id
                WHERE p.account = $1 AND p.unit = $2 ORDER BY t.created_at DESC, p.transaction_id LIMIT $3
                """, .text(account), .text(unit), .integer(Int64(limit))
            ).map {
                try PayablePosting(transactionId: $0.text("transaction_id"), kind: $0.text("kind"), owed: -$0.int64("amount"),
                               createdAt: $0.int64("created_at"))
            }
            return (Money(cents: -total, currency: currency), postings)
        }
    }
}
