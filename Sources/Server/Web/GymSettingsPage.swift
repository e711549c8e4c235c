import Booking
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// The dashboard's gym settings: its name and contacts, its address, whether it is on the
/// marketplace, and its booking rules (an empty box returns a rule to the platform's default).
/// Saved through the same checks as `PATCH /tenants/{slug}`; the index follows.
struct GymSettingsPage {
    let services: ServerServices
    var dashboard: DashboardPages { DashboardPages(services: services) }
    var pages: WebPages { get throws { try WebRoutes.installed.get() } }

    func register(on router: Router<AppContext>) {
        let handlers = WebHandlers(services: services)
        handlers.page(router, .get, "dashboard/{slug}/settings") { request, context, visit in
            let desk = try await dashboard.desk(context, visit, then: request.uri.path)
            return try await page(desk, saved: request.uri.queryParameters["saved"] != nil)
        }
        handlers.action(router, "dashboard/{slug}/settings") { request, context, form, visit in
            let desk = try await dashboard.desk(context, visit, then: request.uri.path)
            do {
                let gym = desk.gym.tenant
                func rule(_ field: String, _ name: String, _ range: ClosedRange<Int>) throws -> Int?? {
                    .some(try DashboardForms.optionalNumber(form, field, name, range))
                }
                var address = gym.address
                address.street = form["street"] ?? ""
                address.suburb = form["suburb"] ?? ""
                address.city = form["city"] ?? ""
                address.province = form["province"] ?? ""
                address.postalCode = form["postal_code"] ?? ""
                let patch = GymSettingsRoutes.GymPatch(
                    name: form["name"] ?? "", email: form["email"] ?? "", phone: form["phone"] ?? "", address: address, location: nil, timezone: nil,
                    marketplaceEnabled: DashboardForms.checked(form, "marketplace_enabled"),
                    settings: .init(
                        bookingWindowHours: try rule("booking_window_hours", "booking opens (hours ahead)", 1...2_160),
                        cancellationWindowHours: try rule("cancellation_window_hours", "free cancellation (hours before)", 0...336),
                        waitlistCutoffMinutes: try rule("waitlist_cutoff_minutes", "waitlist cut-off (minutes before)", 0...2_880),
                        lateCancelPolicy: form["late_cancel_policy"] ?? "", noShowLimit: try rule("no_show_limit", "no-show limit", 1...50),
                        noShowBlockDays: try rule("no_show_block_days", "days a no-show limit blocks", 1...365)
                    )
                )
                let now = services.clock.now()
                _ = try await services.store.catalog.updateGym(
                    tenant: desk.tenant, staff: desk.user, changes: try GymSettingsRoutes(services: services).changes(patch),
                    until: now + Int64(services.horizonDays) * 86_400, now: now
                )
                return MemberPages.redirect("/dashboard/\(desk.slug)/settings?saved=1")
            } catch {
                return try await DashboardForms.refused(error) { try await page(desk, typed: form, error: desk.words.message($0.message), status: $0.status) }
            }
        }
    }

    struct Field: Sendable {
        var name: String
        var label: String
        var value: String
        /// What an empty box means.
        var placeholder: String
    }

    struct SettingsPage: PageModel, Sendable {
        var visitor: WebVisit
        var desk: DashboardPages.Header
        var title: String
        var contacts: [Field]
        var address: [Field]
        var rules: [Field]
        var marketplace: Bool
        var policies: [DashboardForms.Choice]
        var notice: String?
        var error: String?
    }

    private func page(_ desk: DashboardPages.Desk, typed: WebForm? = nil, saved: Bool = false, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard desk.canManage else { throw APIError.forbidden("only the gym's owner and admins change its settings") }
        let gym = desk.gym.tenant
        let settings = try await services.store.catalog.settings(tenant: desk.tenant)
        let defaults = GymSettingsRoutes.SettingsView(GymSettings(), defaultCutoffSeconds: services.store.bookings.promotionCutoffSeconds)
        let words = desk.words
        func field(_ name: String, _ label: String, _ stored: String, placeholder: String = "") -> Field {
            Field(name: name, label: words(label), value: typed?[name] ?? stored, placeholder: placeholder)
        }
        func rule(_ name: String, _ label: String, _ stored: Int?, _ fallback: Int?) -> Field {
            field(name, label, stored.map(String.init) ?? "", placeholder: fallback.map { words("default: {n}", ["n": words.format.number($0)]) } ?? words("no limit"))
        }
        let view = SettingsPage(
            visitor: desk.visitor, desk: .init(desk, .settings), title: words("Settings · {gym} · StudioLoop", ["gym": desk.gymName]),
            contacts: [field("name", "Gym name", gym.name), field("email", "Email", gym.email), field("phone", "Phone", gym.phone)],
            address: [
                field("street", "Street", gym.address.street), field("suburb", "Suburb", gym.address.suburb), field("city", "City", gym.address.city),
                field("province", "Province or region", gym.address.province), field("postal_code", "Postal code", gym.address.postalCode),
            ],
            rules: [
                rule("booking_window_hours", "Booking opens, hours ahead", settings.bookingWindowHours, defaults.bookingWindowHours),
                rule("cancellation_window_hours", "Free cancellation until, hours before", settings.cancellationWindowHours, defaults.cancellationWindowHours),
                rule("waitlist_cutoff_minutes", "Waitlist moves up until, minutes before", settings.waitlistCutoffMinutes, defaults.waitlistCutoffMinutes),
                rule("no_show_limit", "No-shows in 30 days that stop booking", settings.noShowLimit, nil),
                rule("no_show_block_days", "Days such a member waits", settings.noShowBlockDays, defaults.noShowBlockDays),
            ],
            marketplace: typed.map { DashboardForms.checked($0, "marketplace_enabled") } ?? gym.marketplaceEnabled,
            policies: [
                .init(value: "forfeit", label: words("Late cancellations lose their credits"), selected: (typed?["late_cancel_policy"] ?? settings.lateCancelPolicy.rawValue) == "forfeit"),
                .init(value: "refund", label: words("Late cancellations get their credits back"), selected: (typed?["late_cancel_policy"] ?? settings.lateCancelPolicy.rawValue) == "refund"),
            ],
            notice: saved ? words("Saved.") : nil, error: error
        )
        return try pages.page("settings", view, status: status)
    }
}
