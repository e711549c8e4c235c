public import Booking
import Domain
import Foundation
import SQL

/// How a gym is paid.
public enum PayoutMethod: String, Sendable, Codable, CaseIterable {
    /// A Stripe Connect transfer to the gym's connected account.
    case stripeConnect = "stripe_connect"
    /// A line in the EFT batch file the platform's bank pays from.
    case eft
}

/// Where a payout is: waiting for its transfer, paid by it, or exported in an EFT batch.
public enum PayoutStatus: String, Sendable, Codable, CaseIterable {
    case pending, paid, exported
}

/// Where a gym's money goes: a connected Stripe account, or a bank account.
public struct PayoutAccount: Equatable, Sendable {
    public var method: PayoutMethod
    public var stripeAccountId: String?
    public var bankName: String?
    public var accountHolder: String?
    public var accountNumber: String?
    public var branchCode: String?

    public init(
        method: PayoutMethod, stripeAccountId: String? = nil, bankName: String? = nil, accountHolder: String? = nil, accountNumber: String? = nil,
        branchCode: String? = nil
    ) {
        self.method = method
        self.stripeAccountId = stripeAccountId
        self.bankName = bankName
        self.accountHolder = accountHolder
        self.accountNumber = accountNumber
        self.branchCode = branchCode
    }
}

public struct Payout: Equatable, Sendable {
    public var id: String
    public var batchId: String
    public var tenantId: String
    public var amount: Money
    public var method: PayoutMethod
    /// Ours, on the bank statement or the transfer: "SL-1A2B3C4D".
    public var reference: String
    public var status: PayoutStatus
    public var providerReference: String?
    public var lastError: String?
    /// The ledger up to this moment is what it pays.
    public var until: Int64
    public var createdAt: Int64
    public var updatedAt: Int64
}

/// What a payout run did: the payouts it made, and the gyms it could not pay, with why.
public struct PayoutRun: Equatable, Sendable {
    public struct Skipped: Equatable, Sendable {
        public var tenantId: String
        public var owed: Money
        public var reason: String
    }
    public var batchId: String
    public var payouts: [Payout]
    public var skipped: [Skipped]
}

/// A Stripe Connect transfer a payout waits for.
public struct DueTransfer: Equatable, Sendable {
    public var payoutId: String
    public var destination: String
    public var amount: Money
    public var reference: String
}

/// A gym's money over one period in one currency, from its ledger.
public struct StatementLine: Equatable, Sendable {
    public var periodStart: Int64
    public var periodEnd: Int64
    public var currency: String
    /// Marketplace bookings made, and those of them given back (cancelled in time, or by the gym).
    public var bookings: Int
    public var refunds: Int
    public var grossCents: Int64
    public var commissionCents: Int64
    /// What the gym is owed for the period: gross less commission.
    public var netCents: Int64
}

/// A gym's payouts: what it is owed, statements of how it came to be owed, and the payouts that
/// paid it. Operators run payouts; a gym's owner says where its money goes.
public struct PayoutStore: Sendable {
    let database: any Database

    static let columns = """
        id, batch_id, tenant_id, currency, amount_cents, method, reference, status, provider_ref, last_error, until_time, created_at, updated_at
        """
}

extension PayoutStore {
    // MARK: Operators

    /// Makes `user` a platform operator, who runs payouts.
    public func grantOperator(_ user: String, now: Int64) async throws {
        try await database.transaction { db in
            try db.setContext(.system)
            try db.query("INSERT INTO platform_operators (user_id, granted_at) VALUES ($1, $2) ON CONFLICT DO NOTHING", .text(user), .integer(now))
        }
    }

    public func isOperator(_ user: String) async throws -> Bool {
        try await database.transaction { db in try Self.isOperator(user, on: db) }
    }

    static func isOperator(_ user: String, on db: any SQLConnection) throws -> Bool {
        try db.setContext(.system)
        return try db.query("SELECT 1 FROM platform_operators WHERE user_id = $1", .text(user)).first != nil
    }

    static func requireOperator(_ user: String, on db: any SQLConnection) throws {
        guard try isOperator(user, on: db) else { throw StoreError.refused(.forbidden) }
    }

    // MARK: A gym's payout account

    /// Sets where the gym's money goes. Only its owner may.
    public func setAccount(_ account: PayoutAccount, tenant: String, by owner: String, now: Int64) async throws {
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: owner))
            try Authorization.require(owner, at: tenant, on: db) { $0 == .owner }
            try db.query(
                """
                INSERT INTO payout_accounts (tenant_id, method, stripe_account_id, bank_name, account_holder, account_number, branch_code, updated_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (tenant_id) DO UPDATE SET method = excluded.method, stripe_account_id = excluded.stripe_account_id,
                    bank_name = excluded.bank_name, account_holder = excluded.account_holder, account_number = excluded.account_number,
                    branch_code = excluded.branch_code, updated_at = excluded.updated_at
                """, .text(tenant), .text(account.method.rawValue), SQLValue(account.stripeAccountId), SQLValue(account.bankName),
                SQLValue(account.accountHolder), SQLValue(account.accountNumber), SQLValue(account.branchCode), .integer(now)
            )
        }
    }

    /// The gym's payout account, for its owner and admins, or an operator.
    public func account(tenant: String, by user: String) async throws -> PayoutAccount? {
        try await database.transaction { db in
            try Self.requireManagerOrOperator(user, of: tenant, on: db)
            return try Self.account(tenant, on: db)
        }
    }

    static func account(_ tenant: String, on db: any SQLConnection) throws -> PayoutAccount? {
        try db.query(
            "SELECT method, stripe_account_id, bank_name, account_holder, account_number, branch_code FROM payout_accounts WHERE tenant_id = $1",
            .text(tenant)
        ).first.map {
            try PayoutAccount(
                method: $0.value("method", as: PayoutMethod.self), stripeAccountId: $0["stripe_account_id"].text, bankName: $0["bank_name"].text,
                accountHolder: $0["account_holder"].text, accountNumber: $0["account_number"].text, branchCode: $0["branch_code"].text
            )
        }
    }

    /// Acts in the gym's context for its owner or an admin, or as the bookkeeping for an operator.
    static func requireManagerOrOperator(_ user: String, of tenant: String, on db: any SQLConnection) throws {
        if try isOperator(user, on: db) { return }
        try db.setContext(.tenant(tenant, user: user))
        try Authorization.requireManager(user, of: tenant, on: db)
    }

    // MARK: Running payouts

    /// Pays every gym what the ledger says it is owed up to `until`, per currency: each payout
    /// claims the payable transactions it pays (each at most once: the database refuses a
    /// second claim), so a run repeated, or two at once, pays nothing twice. An EFT payout is
    /// exported and posted at once; a Stripe Connect one waits for its transfer
    /// (`dueTransfers`). Gyms without a payout account are skipped, and paid by a later run.
    public func run(by operatorUser: String, until: Int64, now: Int64) async throws -> PayoutRun {
        guard until <= now else { throw StoreError.invalid("a payout pays what is owed up to now, not beyond") }
        return try await database.transaction { db in
            try Self.requireOperator(operatorUser, on: db)
            let batch = UUID().uuidString.lowercased()
            var run = PayoutRun(batchId: batch, payouts: [], skipped: [])
            let owed = try db.query(
                """
                SELECT p.account, p.unit, CAST(SUM(p.amount) AS BIGINT) AS total FROM ledger_postings p
                JOIN ledger_transactions t ON t.id = p.transaction_id
                WHERE p.account LIKE 'gym:%:payable' AND t.kind <> 'payout' AND t.created_at <= $1
                  AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.transaction_id = p.transaction_id)
                GROUP BY p.account, p.unit ORDER BY p.account, p.unit
                """, .integer(until)
            )
            for row in owed {
                let account = try row.text("account")
                let tenant = String(account.dropFirst("gym:".count).dropLast(":payable".count))
                guard case .cents(let currency)? = LedgerUnit(try row.text("unit")) else { continue }
                let amount = Money(cents: -(try row.int64("total")), currency: currency)
                guard amount.cents > 0 else { continue }  // refunds outweigh bookings: carried to the next run
                guard let destination = try Self.account(tenant, on: db) else {
                    run.skipped.append(.init(tenantId: tenant, owed: amount, reason: "no payout account: the owner sets one with PUT /tenants/{slug}/payout-account"))
                    continue
                }
                if destination.method == .stripeConnect, destination.stripeAccountId == nil {
                    run.skipped.append(.init(tenantId: tenant, owed: amount, reason: "the payout account names no Stripe account"))
                    continue
                }
                let id = UUID().uuidString.lowercased()
                let reference = "SL-" + id.prefix(8).uppercased()
                let exported = destination.method == .eft
                try db.query(
                    """
                    INSERT INTO payouts (\(Self.columns), created_by)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL, $9, $10, $10, $11)
                    """, .text(id), .text(batch), .text(tenant), .text(currency), .integer(amount.cents), .text(destination.method.rawValue),
                    .text(reference), .text((exported ? PayoutStatus.exported : .pending).rawValue), .integer(until), .integer(now), .text(operatorUser)
                )
                try db.query(
                    """
                    INSERT INTO payout_items (transaction_id, payout_id, amount_cents)
                    SELECT p.transaction_id, $1, -p.amount FROM ledger_postings p JOIN ledger_transactions t ON t.id = p.transaction_id
                    WHERE p.account = $2 AND p.unit = $3 AND t.kind <> 'payout' AND t.created_at <= $4
                      AND NOT EXISTS (SELECT 1 FROM payout_items i WHERE i.transaction_id = p.transaction_id)
                    """, .text(id), .text(account), row["unit"], .integer(until)
                )
                // What was claimed is what is paid, even if a booking committed between the sum
                // above and the claim (PostgreSQL reads each statement afresh).
                let claimed = Money(cents: try db.one("SELECT CAST(SUM(amount_cents) AS BIGINT) AS total FROM payout_items WHERE payout_id = $1", .text(id)).int64("total"), currency: currency)
                guard claimed.cents > 0 else { throw StoreError.conflict("the gym's ledger changed during the payout run; run it again") }
                try db.query("UPDATE payouts SET amount_cents = $2 WHERE id = $1", .text(id), .integer(claimed.cents))
                if exported { try Self.postPayout(id, tenant: tenant, amount: claimed, now: now, on: db) }
                run.payouts.append(try Self.payout(id, on: db))
            }
            return run
        }
    }

    /// The Stripe Connect payouts still waiting for their transfer, oldest first.
    public func dueTransfers() async throws -> [DueTransfer] {
        try await database.transaction { db in
            try db.setContext(.system)
            return try db.query(
                """
                SELECT p.id, p.amount_cents, p.currency, p.reference, a.stripe_account_id FROM payouts p
                JOIN payout_accounts a ON a.tenant_id = p.tenant_id
                WHERE p.status = 'pending' AND p.method = 'stripe_connect' AND a.stripe_account_id IS NOT NULL ORDER BY p.created_at, p.id
                """
            ).map {
                try DueTransfer(
                    payoutId: $0.text("id"), destination: $0.text("stripe_account_id"),
                    amount: Money(cents: $0.int64("amount_cents"), currency: $0.text("currency")), reference: $0.text("reference")
                )
            }
        }
    }

    /// Stripe made the transfer: the payout is paid, and the ledger moves it (once).
    @discardableResult
    public func transferSucceeded(_ id: String, providerReference: String, now: Int64) async throws -> Payout {
        try await database.transaction { db in
            try db.setContext(.system)
            guard let row = try db.query(
                """
                UPDATE payouts SET status = 'paid', provider_ref = $2, last_error = NULL, updated_at = $3 WHERE id = $1 AND status = 'pending'
                RETURNING tenant_id, amount_cents, currency
                """, .text(id), .text(providerReference), .integer(now)
            ).first else { return try Self.payout(id, on: db) }
            try Self.postPayout(id, tenant: row.text("tenant_id"), amount: Money(cents: row.int64("amount_cents"), currency: row.text("currency")), now: now, on: db)
            return try Self.payout(id, on: db)
        }
    }

    /// The transfer did not go through: the payout waits, with why, for the next run to retry
    /// (under the same idempotency key).
    @discardableResult
    public func transferFailed(_ id: String, error: String, now: Int64) async throws -> Payout {
        try await database.transaction { db in
            try db.setContext(.system)
            try db.query("UPDATE payouts SET last_error = $2, updated_at = $3 WHERE id = $1 AND status = 'pending'", .text(id), .text(error), .integer(now))
            return try Self.payout(id, on: db)
        }
    }

    static func postPayout(_ id: String, tenant: String, amount: Money, now: Int64, on db: any SQLConnection) throws {
        let transaction = UUID().uuidString.lowercased()
        try LedgerRows.post(LedgerEntries.payout(id: transaction, tenant: tenant, amount: amount, at: now), on: db)
        try db.query("UPDATE payouts SET ledger_transaction_id = $2 WHERE id = $1", .text(id), .text(transaction))
    }

    // MARK: Reading

    /// The payouts of one run, for the EFT batch file: each with the gym's bank details.
    public func batch(_ batchId: String, by operatorUser: String) async throws -> [(payout: Payout, account: PayoutAccount?, gymName: String)] {
        try await database.transaction { db in
            try Self.requireOperator(operatorUser, on: db)
            return try db.query("SELECT p.id, t.name FROM payouts p JOIN tenants t ON t.id = p.tenant_id WHERE p.batch_id = $1 ORDER BY t.name, p.currency", .text(batchId))
                .map { row in
                    let payout = try Self.payout(row.text("id"), on: db)
                    return (payout, try Self.account(payout.tenantId, on: db), try row.text("name"))
                }
        }
    }

    /// A gym's payouts, newest first, for its owner and admins or an operator.
    public func payouts(tenant: String, by user: String, limit: Int = 50) async throws -> [Payout] {
        try await database.transaction { db in
            try Self.requireManagerOrOperator(user, of: tenant, on: db)
            return try db.query("SELECT id FROM payouts WHERE tenant_id = $1 ORDER BY created_at DESC, id LIMIT $2", .text(tenant), .integer(Int64(limit)))
                .map { try Self.payout($0.text("id"), on: db) }
        }
    }

    /// What the gym is owed now, per currency (its payable account's balance).
    public func balance(tenant: String, by user: String) async throws -> [Money] {
        try await database.transaction { db in
            try Self.requireManagerOrOperator(user, of: tenant, on: db)
            try db.setContext(.system)
            return try db.query(
                "SELECT unit, CAST(SUM(amount) AS BIGINT) AS total FROM ledger_postings WHERE account = $1 GROUP BY unit ORDER BY unit",
                .text(LedgerAccount.gymPayable(tenant).name)
            ).compactMap { row in
                guard case .cents(let currency)? = LedgerUnit(try row.text("unit")) else { return nil }
                return Money(cents: -(try row.int64("total")), currency: currency)
            }
        }
    }

    /// The gym's statement for [`from`, `to`): per calendar month (UTC) and currency, its
    /// marketplace bookings and their refunds, gross, commission and net, summed from the very
    /// postings of its payable and the platform's revenue.
    public func statement(tenant: String, by user: String, from: Int64, to: Int64) async throws -> [StatementLine] {
        guard from < to, to - from <= 370 * 86_400 else { throw StoreError.invalid("a statement covers up to a year: from must be before to") }
        return try await database.transaction { db in
            try Self.requireManagerOrOperator(user, of: tenant, on: db)
            try db.setContext(.system)
            let rows = try db.query(
                """
                SELECT t.id, t.kind, t.reverses, t.created_at, p.account, p.unit, p.amount FROM ledger_transactions t
                JOIN ledger_postings p ON p.transaction_id = t.id
                WHERE t.created_at >= $2 AND t.created_at < $3 AND t.kind <> 'payout' AND p.account IN ($1, $4)
                  AND EXISTS (SELECT 1 FROM ledger_postings g WHERE g.transaction_id = t.id AND g.account = $1)
                ORDER BY t.created_at, t.id
                """, .text(LedgerAccount.gymPayable(tenant).name), .integer(from), .integer(to), .text(LedgerAccount.platformRevenue.name)
            )
            var lines: [String: StatementLine] = [:]
            var counted: Set<String> = []
            for row in rows {
                guard case .cents(let currency)? = LedgerUnit(try row.text("unit")) else { continue }
                let at = try row.int64("created_at"), (start, end) = Self.month(containing: at)
                let key = "\(start)|\(currency)"
                var line = lines[key] ?? StatementLine(
                    periodStart: start, periodEnd: end, currency: currency, bookings: 0, refunds: 0, grossCents: 0, commissionCents: 0, netCents: 0
                )
                let amount = -(try row.int64("amount"))
                if try row.text("account") == LedgerAccount.platformRevenue.name {
                    line.commissionCents += amount
                } else {
                    line.netCents += amount
                }
                line.grossCents += amount
                if counted.insert(try row.text("id")).inserted {
                    if row["reverses"].text != nil { line.refunds += 1 } else { line.bookings += 1 }
                }
                lines[key] = line
            }
            return lines.values.sorted { ($0.periodStart, $0.currency) < ($1.periodStart, $1.currency) }
        }
    }

    /// The calendar month (UTC) holding `time`: its first second and the first of the next.
    static func month(containing time: Int64) -> (Int64, Int64) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: TimeInterval(time))
        let start = calendar.date(from: calendar.dateComponents([.year, .month], from: date))!
        let end = calendar.date(byAdding: .month, value: 1, to: start)!
        return (Int64(start.timeIntervalSince1970), Int64(end.timeIntervalSince1970))
    }

    static func payout(_ id: String, on db: any SQLConnection) throws -> Payout {
        guard let row = try db.query("SELECT \(columns) FROM payouts WHERE id = $1", .text(id)).first else { throw StoreError.notFound("payout") }
        return try Payout(
            id: id, batchId: row.text("batch_id"), tenantId: row.text("tenant_id"),
            amount: Money(cents: row.int64("amount_cents"), currency: row.text("currency")), method: row.value("method", as: PayoutMethod.self),
            reference: row.text("reference"), status: row.value("status", as: PayoutStatus.self), providerReference: row["provider_ref"].text,
            lastError: row["last_error"].text, until: row.int64("until_time"), createdAt: row.int64("created_at"), updatedAt: row.int64("updated_at")
        )
    }
}
