/// An append-only double-entry ledger in memory: the rules the stores must keep, in one place
/// that tests can drive. Balances are sums of postings, never stored apart from them.
public struct LedgerBook: Sendable {
    public private(set) var transactions: [LedgerTransaction] = []
    private var ids: Set<String> = []
    private var reversed: Set<String> = []
    private var balances: [BalanceKey: Int64] = [:]

    struct BalanceKey: Hashable {
        var account: LedgerAccount
        var unit: LedgerUnit
    }

    /// Accounts that may never go below zero (members' credits).
    private let nonNegative: @Sendable (LedgerAccount) -> Bool

    public init(nonNegative: @escaping @Sendable (LedgerAccount) -> Bool = { $0.name.hasPrefix("member:") }) {
        self.nonNegative = nonNegative
    }

    public func balance(_ account: LedgerAccount, _ unit: LedgerUnit) -> Int64 {
        balances[BalanceKey(account: account, unit: unit)] ?? 0
    }

    /// Appends a transaction, refusing a repeated id, a second reversal of the same
    /// transaction, and anything that would take a non-negative account below zero.
    public mutating func post(_ transaction: LedgerTransaction) throws(LedgerError) {
        guard !ids.contains(transaction.id) else { throw .duplicateTransaction(transaction.id) }
        if let original = transaction.reverses {
            guard ids.contains(original) else { throw .unknownTransaction(original) }
            guard !reversed.contains(original) else { throw .alreadyReversed(original) }
        }
        for posting in transaction.postings where nonNegative(posting.account) {
            let after = balance(posting.account, posting.unit) + transaction.postings
                .filter { $0.account == posting.account && $0.unit == posting.unit }.reduce(0) { $0 + $1.amount }
            if after < 0 { throw .wouldGoNegative(posting.account, posting.unit) }
        }
        for posting in transaction.postings { balances[BalanceKey(account: posting.account, unit: posting.unit), default: 0] += posting.amount }
        ids.insert(transaction.id)
        if let original = transaction.reverses { reversed.insert(original) }
        transactions.append(transaction)
    }
}

#if STUDIOLOOP_INVARIANTS
extension LedgerBook {
    /// Recomputes every balance from the postings and checks each transaction balances;
    /// traps on any difference. Compiled into checked (debug) builds only; tests call it after
    /// every posting.
    public func _checkInvariants() {
        var recomputed: [BalanceKey: Int64] = [:]
        for transaction in transactions {
            var sums: [LedgerUnit: Int64] = [:]
            for posting in transaction.postings {
                sums[posting.unit, default: 0] += posting.amount
                recomputed[BalanceKey(account: posting.account, unit: posting.unit), default: 0] += posting.amount
            }
            precondition(sums.values.allSatisfy { $0 == 0 }, "transaction \(transaction.id) does not balance")
        }
        precondition(recomputed.filter { $0.value != 0 } == balances.filter { $0.value != 0 }, "a balance differs from its postings")
        for (key, value) in balances where nonNegative(key.account) {
            precondition(value >= 0, "\(key.account) is negative")
        }
    }
}
#endif
