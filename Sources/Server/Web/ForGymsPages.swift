import Booking
import Domain
import Foundation
import Geo
import HTTPTypes
import Hummingbird
import Marketplace
import Storage

/// The gyms' side of the marketing site: what a gym gets, the tiers and their commission, and
/// "open your gym": sign up (or in), name the gym and its place, and land on its dashboard to
/// add the first class.
struct ForGymsPages {
    let services: ServerServices
    var pages: WebPages { get throws { try WebRoutes.installed.get() } }

    func register(on router: Router<AppContext>) {
        let handlers = WebHandlers(services: services)
        handlers.page(router, .get, "for-gyms") { _, _, visit in
            let rates = services.store.bookings.rates
            let words = visit.words
            let tiers = SubscriptionTier.allCases.map { tier in
                Tier(name: words(tier.rawValue.prefix(1).uppercased() + tier.rawValue.dropFirst()), commission: Self.percent(rates.basisPoints[tier] ?? 0, words.format))
            }
            return try pages.page("forgyms", ForGyms(
                visitor: visit, tiers: tiers, starter: tiers[0].commission, title: words("StudioLoop for gyms and studios"),
                description: words("Run your timetable, front desk and payments on StudioLoop, and fill spare spots with members from across the city.")
            ))
        }
        handlers.page(router, .get, "open-gym") { request, _, visit in
            guard visit.user != nil else { return MemberPages.redirect("/signup?next=/open-gym") }
            return try page(visit, typed: nil)
        }
        handlers.action(router, "open-gym") { request, _, form, visit in
            guard let user = visit.user else { return MemberPages.redirect("/signup?next=/open-gym") }
            guard try await services.store.accounts.isVerified(user) else { return MemberPages.redirect("/verify?next=/open-gym") }
            do {
                let tenant = try await GymAdminRoutes(services: services).openGym(try newGym(form), owner: user)
                var response = MemberPages.redirect("/dashboard/\(tenant.slug)/classes?opened=1")
                // The nav's Dashboard link comes from the session; a new owner sees it at once.
                response.headers[.cacheControl] = "no-store"
                return response
            } catch {
                return try await DashboardForms.refused(error) { try page(visit, typed: form, error: visit.words.message($0.message), status: $0.status) }
            }
        }
    }

    /// The gym a form describes: its place from the area picker (the area's centre, city,
    /// country and time zone), or an exact spot when one is given.
    private func newGym(_ form: WebForm) throws -> GymAdminRoutes.NewGym {
        let picked = form["area"] ?? ""
        let area: NamedArea? = picked.hasPrefix("city:")
            ? WebRoutes(services: services).cityCenter(String(picked.dropFirst(5))) : services.areas.area(named: picked)
        guard !picked.isEmpty, let area else { throw APIError.validation("choose the city and area the gym is in") }
        var location = Location(lat: area.site.latitude, lng: area.site.longitude)
        if let exact = form["location"]?.trimmingCharacters(in: .whitespaces), !exact.isEmpty {
            let parts = exact.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 2 else { throw APIError.validation("the exact spot is latitude,longitude such as -26.1457,28.0416 (or leave it empty)") }
            location = Location(lat: parts[0], lng: parts[1])
            guard GreatCircle.distanceKm(Coordinate(latitude: parts[0], longitude: parts[1]), area.site) <= 100 else {
                throw APIError.validation("the exact spot is more than 100 km from \(area.name): check the area or the spot")
            }
        }
        let slug = (form["slug"] ?? "").trimmingCharacters(in: .whitespaces)
        return GymAdminRoutes.NewGym(
            name: form["name"] ?? "", slug: slug.isEmpty ? nil : slug.lowercased(), email: form["email"] ?? "", phone: form["phone"] ?? "",
            address: Address(
                street: form["street"] ?? "", suburb: area.name == area.city ? "" : area.name, city: area.city, province: "",
                postalCode: form["postal_code"] ?? "", country: area.country
            ),
            location: location, timezone: area.timezone, marketplaceEnabled: DashboardForms.checked(form, "marketplace_enabled"), currency: nil
        )
    }

    struct Tier: Sendable {
        var name: String
        var commission: String
    }

    struct ForGyms: PageModel, Sendable {
        var visitor: WebVisit
        var tiers: [Tier]
        var starter: String
        var title: String
        var description: String
    }

    struct OpenGym: PageModel, Sendable {
        var visitor: WebVisit
        var name: String
        var slug: String
        var email: String
        var phone: String
        var street: String
        var postalCode: String
        var location: String
        /// The picker's options, as HTML.
        var cityOptions: String
        var marketplace: Bool
        var error: String?
        var title: String { visitor.words("Open your gym · StudioLoop") }
    }

    private func page(_ visit: WebVisit, typed: WebForm?, error: String? = nil, status: HTTPResponse.Status = .ok) throws -> Response {
        let view = OpenGym(
            visitor: visit, name: typed?["name"] ?? "", slug: typed?["slug"] ?? "", email: typed?["email"] ?? "", phone: typed?["phone"] ?? "",
            street: typed?["street"] ?? "", postalCode: typed?["postal_code"] ?? "", location: typed?["location"] ?? "",
            cityOptions: services.cityPicker.plain(selected: typed?["area"] ?? ""),
            marketplace: typed.map { DashboardForms.checked($0, "marketplace_enabled") } ?? true, error: error
        )
        return try pages.page("opengym", view, status: status)
    }

    /// 2 000 basis points → "20%"; 1 250 → "12.5%" (as the locale writes a percentage).
    static func percent(_ basisPoints: Int64, _ format: LocalFormat) -> String {
        (Double(basisPoints) / 10_000).formatted(.percent.precision(.fractionLength(0...1)).locale(format.locale))
    }
}
