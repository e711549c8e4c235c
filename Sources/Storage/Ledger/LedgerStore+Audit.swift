import Booking

/// What a ledger audit found: every transaction balanced, and every member balance equal to
/// the sum of its postings and to the credits left in the member's lots.
public struct LedgerAudit: Equatable, Sendable {
    public var transactions: Int
    public var unbalancedTransactions: [String]
    /// Accounts whose posting sum differs from the credits left in their lots.
    public var mismatchedAccounts: [String]
    public var negativeAccounts: [String]

    public var isClean: Bool { unbalancedTransactions.isEmpty && mismatchedAccounts.isEmpty && negativeAccounts.isEmpty }
}

extension LedgerStore {
    /// Checks the books: every transaction sums to zero in each unit, no member's credits are
    /// negative, and each member credit account's postings add up to the credits left in that
    /// member's lots for that gym (or universal).
    public func auditLedger() async throws -> LedgerAudit {
        try await database.transaction { db in
            try db.setContext(.system)
            let transactions = try db.one("SELECT COUNT(*) AS n FROM ledger_transactions").int("n")
            let unbalanced = try db.query(
                "SELECT transaction_id FROM ledger_postings GROUP BY transaction_id, unit HAVING SUM(amount) <> 0"
            ).compactMap { $0["transaction_id"].text }
            var fromPostings: [String: Int64] = [:]
            for row in try db.query(
                "SELECT account, SUM(amount) AS total FROM ledger_postings WHERE account LIKE 'member:%' AND unit = 'credits' GROUP BY account"
            ) { try fromPostings[row.text("account")] = row.int64("total") }
            var fromLots: [String: Int64] = [:]
            for row in try db.query("SELECT user_id, tenant_id, SUM(remaining) AS total FROM member_credits GROUP BY user_id, tenant_id") {
                let account = try LedgerAccount.memberCredits(row.text("user_id"), tenant: row["tenant_id"].text).name
                fromLots[account] = try row.int64("total")
            }
            let accounts = Set(fromPostings.keys).union(fromLots.keys)
            return LedgerAudit(
                transactions: transactions, unbalancedTransactions: unbalanced.sorted(),
                mismatchedAccounts: accounts.filter { (fromPostings[$0] ?? 0) != (fromLots[$0] ?? 0) }.sorted(),
                negativeAccounts: fromPostings.filter { $0.value < 0 }.map(\.key).sorted()
            )
        }
    }
}
