import Booking
import Datasets
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// The dashboard's money: the gym's own packs and monthly plans with their prices (on sale or
/// not), and its payouts: what it is owed, monthly statements from the ledger, the payouts
/// made, and where the owner wants the money sent.
struct GymMoneyPages {
    let services: ServerServices
    var dashboard: DashboardPages { DashboardPages(services: services) }
    var pages: WebPages { get throws { try WebRoutes.installed.get() } }

    func register(on router: Router<AppContext>) {
        let handlers = WebHandlers(services: services)
        handlers.page(router, .get, "dashboard/{slug}/packs") { request, context, visit in
            let desk = try await dashboard.desk(context, visit, then: request.uri.path)
            return try await packsPage(desk, saved: request.uri.queryParameters["saved"] != nil)
        }
        handlers.action(router, "dashboard/{slug}/packs") { request, context, form, visit in
            let desk = try await dashboard.desk(context, visit, then: request.uri.path)
            do {
                let currency = try await currency(desk)
                _ = try await services.store.packages.create(
                    tenant: desk.tenant, by: desk.user, name: try CleanText.check(form["name"] ?? "", "name", 1...80),
                    credits: try DashboardForms.number(form, "credits", "credits", 1...1_000),
                    price: Money(cents: try DashboardForms.price(form["price"] ?? "", currency: currency), currency: currency),
                    validityDays: try DashboardForms.optionalNumber(form, "validity_days", "days valid", 1...3_650),
                    recurring: DashboardForms.checked(form, "recurring"), now: services.clock.now()
                )
                return MemberPages.redirect("/dashboard/\(desk.slug)/packs?saved=1")
            } catch {
                return try await DashboardForms.refused(error) { try await packsPage(desk, typed: form, error: desk.words.message($0.message), status: $0.status) }
            }
        }
        handlers.action(router, "dashboard/{slug}/packs/{id}") { request, context, form, visit in
            let desk = try await dashboard.desk(context, visit, then: request.uri.path)
            do {
                let currency = try await currency(desk)
                let changes = CreditPackageChanges(
                    name: try CleanText.check(form["name"] ?? "", "name", 1...80), credits: try DashboardForms.number(form, "credits", "credits", 1...1_000),
                    priceCents: try DashboardForms.price(form["price"] ?? "", currency: currency),
                    validityDays: .some(try DashboardForms.optionalNumber(form, "validity_days", "days valid", 1...3_650)),
                    isActive: DashboardForms.checked(form, "is_active")
                )
                _ = try await services.store.packages.update(
                    id: try context.parameters.require("id"), tenant: desk.tenant, by: desk.user, changes: changes, now: services.clock.now()
                )
                return MemberPages.redirect("/dashboard/\(desk.slug)/packs?saved=1")
            } catch {
                return try await DashboardForms.refused(error) { try await packsPage(desk, error: desk.words.message($0.message), status: $0.status) }
            }
        }
        handlers.page(router, .get, "dashboard/{slug}/payouts") { request, context, visit in
            let desk = try await dashboard.desk(context, visit, then: request.uri.path)
            return try await payoutsPage(desk, saved: request.uri.queryParameters["saved"] != nil)
        }
        handlers.action(router, "dashboard/{slug}/payouts/account") { request, context, form, visit in
            let desk = try await dashboard.desk(context, visit, then: request.uri.path)
            func given(_ field: String) -> String? { form[field].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0.trimmingCharacters(in: .whitespaces) } }
            do {
                let method = form["method"] ?? ""
                let eft = method == PayoutMethod.eft.rawValue
                let account = try PayoutRoutes.account(PayoutRoutes.AccountBody(
                    method: method, stripeAccountId: eft ? nil : given("stripe_account_id"), bankName: eft ? given("bank_name") : nil,
                    accountHolder: eft ? given("account_holder") : nil, accountNumber: eft ? given("account_number")?.filter { $0 != " " } : nil,
                    branchCode: eft ? given("branch_code") : nil
                ))
                try await services.store.payouts.setAccount(account, tenant: desk.tenant, by: desk.user, now: services.clock.now())
                return MemberPages.redirect("/dashboard/\(desk.slug)/payouts?saved=1")
            } catch {
                return try await DashboardForms.refused(error) { try await payoutsPage(desk, error: desk.words.message($0.message), status: $0.status) }
            }
        }
    }

    private func currency(_ desk: DashboardPages.Desk) async throws -> String {
        guard let gym = try await services.store.catalog.gymCommerce(desk.tenant) else { throw APIError.notFound("no such gym") }
        return services.currency(of: gym)
    }

    // MARK: Packs

    struct PackRow: Sendable {
        var id: String
        var name: String
        var credits: Int
        var price: String
        var priceField: String
        var validity: String
        var isActive: Bool
        /// "Pack · 10 credits for R 450,00".
        var summary: String
    }

    struct PacksPage: PageModel, Sendable {
        var visitor: WebVisit
        var desk: DashboardPages.Header
        var title: String
        var currency: String
        var packs: [PackRow]
        var new: NewPack
        var notice: String?
        var error: String?
        var hasPacks = false
    }

    struct NewPack: Sendable {
        var name: String
        var credits: String
        var price: String
        var validityDays: String
        var recurring: Bool
    }

    private func packsPage(
        _ desk: DashboardPages.Desk, typed: WebForm? = nil, saved: Bool = false, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        guard desk.canManage else { throw APIError.forbidden("only the gym's owner and admins set its packs and prices") }
        let packs = try await services.store.packages.list(tenant: desk.tenant, includeInactive: true)
        let words = desk.words
        let rows = packs.map {
            PackRow(
                id: $0.id, name: $0.name, credits: $0.credits, price: words.format.money($0.price), priceField: DashboardForms.priceField($0.price),
                validity: $0.validityDays.map(String.init) ?? "", isActive: $0.isActive,
                summary: words($0.recurring ? "Monthly plan" : "Pack") + " · "
                    + words.count($0.credits, "{n} credit for {price}", "{n} credits for {price}", ["price": words.format.money($0.price)])
            )
        }
        let view = PacksPage(
            visitor: desk.visitor, desk: .init(desk, .packs), title: words("Packs and prices · {gym} · StudioLoop", ["gym": desk.gymName]), currency: try await currency(desk),
            packs: rows,
            new: NewPack(
                name: typed?["name"] ?? "", credits: typed?["credits"] ?? "10", price: typed?["price"] ?? "", validityDays: typed?["validity_days"] ?? "90",
                recurring: typed.map { DashboardForms.checked($0, "recurring") } ?? false
            ),
            notice: saved ? words("Saved. Members see the packs on sale on the gym's page and when they buy credits.") : nil, error: error, hasPacks: !rows.isEmpty
        )
        return try pages.page("packs", view, status: status)
    }

    // MARK: Payouts

    struct PayoutsPage: PageModel, Sendable {
        var visitor: WebVisit
        var desk: DashboardPages.Header
        var title: String
        var owed: [String]
        var lines: [Line]
        var payouts: [PayoutRow]
        var account: String?
        var isOwner: Bool
        var notice: String?
        var error: String?
        var hasLines = false
        var hasPayouts = false
    }

    struct Line: Sendable {
        var month: String
        var bookings: String
        var refunds: String
        var gross: String
        var commission: String
        var net: String
    }

    struct PayoutRow: Sendable {
        var date: String
        var amount: String
        var method: String
        var reference: String
        var status: String
    }

    private func payoutsPage(_ desk: DashboardPages.Desk, saved: Bool = false, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard desk.canManage else { throw APIError.forbidden("only the gym's owner and admins see its payouts") }
        let payouts = services.store.payouts
        let now = services.clock.now()
        let owed = try await payouts.balance(tenant: desk.tenant, by: desk.user)
        let lines = try await payouts.statement(tenant: desk.tenant, by: desk.user, from: now - 365 * 86_400, to: now + 1)
        let made = try await payouts.payouts(tenant: desk.tenant, by: desk.user)
        let account = try await payouts.account(tenant: desk.tenant, by: desk.user)
        let isOwner = try await services.store.staff.role(of: desk.user, at: desk.tenant) == .owner
        let clock = desk.clock, words = desk.words, format = words.format
        func money(_ cents: Int64, _ currency: String) -> String { format.money(Money(cents: cents, currency: currency)) }
        let view = PayoutsPage(
            visitor: desk.visitor, desk: .init(desk, .payouts), title: words("Payouts · {gym} · StudioLoop", ["gym": desk.gymName]),
            owed: owed.filter { $0.cents != 0 }.map(format.money),
            lines: lines.reversed().map {
                let date = CivilTime.date(days: clock.localDay(at: $0.periodStart))
                return Line(
                    month: format.month(year: date.year, month: date.month), bookings: format.number($0.bookings), refunds: format.number($0.refunds),
                    gross: money($0.grossCents, $0.currency), commission: money($0.commissionCents, $0.currency), net: money($0.netCents, $0.currency)
                )
            },
            payouts: made.map {
                PayoutRow(
                    date: format.day($0.createdAt, clock.zone), amount: format.money($0.amount),
                    method: $0.method == .eft ? words("bank transfer") : "Stripe", reference: $0.reference, status: DashboardForms.label($0.status.rawValue, words)
                )
            },
            account: account.map {
                switch $0.method {
                case .eft:
                    words("Bank transfer to {bank} account ending {last4}, {holder}", [
                        "bank": $0.bankName ?? "", "last4": String(($0.accountNumber ?? "").suffix(4)), "holder": $0.accountHolder ?? "",
                    ])
                case .stripeConnect: words("Stripe, to the connected account {account}", ["account": $0.stripeAccountId ?? ""])
                }
            },
            isOwner: isOwner, notice: saved ? words("Saved: the next payouts go there.") : nil, error: error, hasLines: !lines.isEmpty, hasPayouts: !made.isEmpty
        )
        return try pages.page("payouts", view, status: status)
    }
}
