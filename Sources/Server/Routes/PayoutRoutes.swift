import Booking
import Datasets
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Storage

/// Paying gyms: where a gym's money goes, what it is owed and how it came to be, and the
/// payout runs platform operators make (Stripe Connect transfers, or an EFT batch file for the
/// bank).
struct PayoutRoutes {
    let services: ServerServices

    struct AccountBody: Decodable {
        var method: String
        var stripeAccountId: String?
        var bankName: String?
        var accountHolder: String?
        var accountNumber: String?
        var branchCode: String?
    }

    struct AccountView: Encodable, Sendable {
        var method: PayoutMethod
        var stripeAccountId: String?
        var bankName: String?
        var accountHolder: String?
        /// Only its last four digits.
        var accountNumberLast4: String?
        var branchCode: String?
    }

    struct RunBody: Decodable {
        /// Pays what was owed up to this moment (ISO 8601); now unless given.
        var until: String?
    }

    struct PayoutView: Encodable, Sendable {
        var payoutId: String
        var batchId: String
        var tenantId: String
        var amountCents: Int64
        var currency: String
        var method: PayoutMethod
        var reference: String
        var status: PayoutStatus
        var providerReference: String?
        var lastError: String?
        var until: String
        var createdAt: String
    }

    struct OwedView: Encodable, Sendable {
        var currency: String
        var owedCents: Int64
    }

    struct LineView: Encodable, Sendable {
        var periodStart: String
        var periodEnd: String
        var currency: String
        var bookings: Int
        var refunds: Int
        var grossCents: Int64
        var commissionCents: Int64
        var netCents: Int64
    }

    struct Statement: Encodable, Sendable {
        var from: String
        var to: String
        var balance: [OwedView]
        var statement: [LineView]
        var payouts: [PayoutView]
    }

    struct RunView: Encodable, Sendable {
        struct Skipped: Encodable, Sendable {
            var tenantId: String
            var owedCents: Int64
            var currency: String
            var reason: String
        }
        var batchId: String
        var payouts: [PayoutView]
        var skipped: [Skipped]
        /// The batch's EFT lines as a CSV for the bank.
        var eftCsv: String
    }

    func register(on api: RouterGroup<AppContext>) {
        api.put("tenants/{slug}/payout-account") { request, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let account = try Self.account(try await request.json(AccountBody.self, context: context))
            try await services.store.payouts.setAccount(account, tenant: tenant, by: user, now: services.clock.now())
            return Reply(Self.view(account))
        }
        api.get("tenants/{slug}/payout-account") { _, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            guard let account = try await services.store.payouts.account(tenant: tenant, by: user) else {
                throw APIError.notFound("this gym has no payout account yet: its owner sets one with PUT")
            }
            return Reply(Self.view(account))
        }
        api.get("tenants/{slug}/payouts") { request, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let now = services.clock.now()
            let query = request.uri.queryParameters
            let to = try query.get("to").map { try Self.time(String($0), "to") } ?? now + 1
            let from = try query.get("from").map { try Self.time(String($0), "from") } ?? to - 90 * 86_400
            let payouts = services.store.payouts
            let lines = try await payouts.statement(tenant: tenant, by: user, from: from, to: to)
            return Reply(Statement(
                from: ISO8601.format(from), to: ISO8601.format(to),
                balance: try await payouts.balance(tenant: tenant, by: user).map { OwedView(currency: $0.currency, owedCents: $0.cents) },
                statement: lines.map {
                    LineView(
                        periodStart: ISO8601.format($0.periodStart), periodEnd: ISO8601.format($0.periodEnd), currency: $0.currency, bookings: $0.bookings,
                        refunds: $0.refunds, grossCents: $0.grossCents, commissionCents: $0.commissionCents, netCents: $0.netCents
                    )
                },
                payouts: try await payouts.payouts(tenant: tenant, by: user).map(Self.view)
            ))
        }
        api.post("payouts") { request, context in
            let user = try context.requireUser()
            let body = try await request.optionalJSON(RunBody.self, context: context) ?? RunBody()
            let now = services.clock.now()
            let until = try body.until.map { try Self.time($0, "until") } ?? now
            guard until <= now else { throw APIError.validation("until must not be in the future: a payout pays what is already owed") }
            let run = try await services.store.payouts.run(by: user, until: until, now: now)
            try await services.sendDueTransfers(now: now)
            let batch = try await services.store.payouts.batch(run.batchId, by: user)
            return Reply(RunView(
                batchId: run.batchId, payouts: batch.map { Self.view($0.payout) },
                skipped: run.skipped.map { .init(tenantId: $0.tenantId, owedCents: $0.owed.cents, currency: $0.owed.currency, reason: $0.reason) },
                eftCsv: "/api/v1/payouts/\(run.batchId)/eft.csv"
            ), status: .created)
        }
        api.get("payouts/{batch_id}/eft.csv") { _, context in
            let user = try context.requireUser()
            let batch = try await services.store.payouts.batch(try context.parameters.require("batch_id"), by: user)
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8", .contentDisposition: "attachment; filename=\"studioloop-eft.csv\"", .cacheControl: "no-store",
                ],
                body: .init(byteBuffer: ByteBuffer(string: Self.eftCSV(batch)))
            )
        }
    }

    /// One line per EFT payout: what the bank needs to pay it, and our reference.
    static func eftCSV(_ batch: [(payout: Payout, account: PayoutAccount?, gymName: String)]) -> String {
        var rows = [["bank", "branch_code", "account_number", "account_holder", "amount", "currency", "reference", "gym"]]
        for (payout, account, gym) in batch where payout.method == .eft {
            // The bank takes major units: 1234.50, or whole francs for a currency without cents.
            let cents = payout.amount.cents
            let major = Money.zeroDecimalCurrencies.contains(payout.amount.currency) ? String(cents) : String(format: "%lld.%02lld", cents / 100, cents % 100)
            rows.append([
                account?.bankName ?? "", account?.branchCode ?? "", account?.accountNumber ?? "", account?.accountHolder ?? "", major,
                payout.amount.currency, payout.reference, gym,
            ])
        }
        return rows.map { $0.map(AnalyticsRoutes.field).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    /// The account a body describes, checked: a Stripe account id, or complete bank details.
    static func account(_ body: AccountBody) throws -> PayoutAccount {
        guard let method = PayoutMethod(rawValue: body.method) else {
            throw APIError.validation("method must be one of \(PayoutMethod.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        switch method {
        case .stripeConnect:
            guard let id = body.stripeAccountId, id.hasPrefix("acct_"), (6...64).contains(id.count), id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw APIError.validation("stripe_account_id must be the gym's connected account, acct_…")
            }
            guard [body.bankName, body.accountHolder, body.accountNumber, body.branchCode].allSatisfy({ $0 == nil }) else {
                throw APIError.validation("a stripe_connect account takes no bank details")
            }
            return PayoutAccount(method: .stripeConnect, stripeAccountId: id)
        case .eft:
            guard body.stripeAccountId == nil else { throw APIError.validation("an eft account takes no stripe_account_id") }
            guard let bank = body.bankName, let holder = body.accountHolder, let number = body.accountNumber, let branch = body.branchCode else {
                throw APIError.validation("an eft account needs bank_name, account_holder, account_number and branch_code")
            }
            guard (6...20).contains(number.count), number.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw APIError.validation("account_number must be 6 to 20 digits")
            }
            guard (3...11).contains(branch.count), branch.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isUppercase) }) else {
                throw APIError.validation("branch_code must be 3 to 11 digits or capital letters (a branch code or SWIFT code)")
            }
            return PayoutAccount(
                method: .eft, bankName: try CleanText.check(bank, "bank_name", 2...80), accountHolder: try CleanText.check(holder, "account_holder", 2...120),
                accountNumber: number, branchCode: branch
            )
        }
    }

    static func view(_ account: PayoutAccount) -> AccountView {
        AccountView(
            method: account.method, stripeAccountId: account.stripeAccountId, bankName: account.bankName, accountHolder: account.accountHolder,
            accountNumberLast4: account.accountNumber.map { String($0.suffix(4)) }, branchCode: account.branchCode
        )
    }

    static func view(_ payout: Payout) -> PayoutView {
        PayoutView(
            payoutId: payout.id, batchId: payout.batchId, tenantId: payout.tenantId, amountCents: payout.amount.cents, currency: payout.amount.currency,
            method: payout.method, reference: payout.reference, status: payout.status, providerReference: payout.providerReference,
            lastError: payout.lastError, until: ISO8601.format(payout.until), createdAt: ISO8601.format(payout.createdAt)
        )
    }

    static func time(_ text: String, _ name: String) throws -> Int64 {
        guard let time = ISO8601.parse(text) else { throw APIError.validation("\(name) must be an ISO 8601 time such as 2026-12-01T00:00:00Z") }
        return time
    }
}
