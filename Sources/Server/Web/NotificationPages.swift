import Foundation
import HTTPTypes
import Hummingbird
import Notifications
import Storage

/// A member's notification preferences on the web: the channel messages go by, and which kinds
/// they get, the same settings as `PUT /users/notifications`. Account messages (codes, password
/// resets) always go.
struct NotificationPages {
    let services: ServerServices
    var pages: WebPages { get throws { try WebRoutes.installed.get() } }

    /// The kinds a member may turn off, in groups as a person thinks of them.
    static let groups: [(title: String, staffOnly: Bool, kinds: [(kind: String, label: String)])] = [
        ("Bookings", false, [
            ("booking_confirmed", "A booking is confirmed"), ("booking_waitlisted", "I am on a waitlist"),
            ("booking_cancelled", "A booking is cancelled"), ("session_cancelled", "The gym cancels a class I booked"),
        ]),
        ("Waitlists", false, [
            ("waitlist_promoted", "A spot opened and I am in"), ("waitlist_skipped_no_credits", "A spot opened but I lacked the credits"),
            ("waitlist_closed", "The waitlist closed before class"),
        ]),
        ("At the gym", false, [("class_reminder", "A reminder before class"), ("checked_in", "I am checked in")]),
        ("Credits and plans", false, [
            ("credits_purchased", "Credits bought"), ("subscription_renewed", "A monthly plan renewed"),
            ("subscription_renewal_failed", "A plan's payment failed"), ("subscription_cancelling", "A plan is ending"),
            ("subscription_lapsed", "A plan lapsed"),
        ]),
        ("For my gym's staff", true, [
            ("gym_new_booking", "A new booking"), ("gym_cancellation", "A cancellation"), ("gym_waitlist_promotion", "Someone moved up a waitlist"),
            ("gym_roster_digest", "The morning's rosters"), ("gym_tier_renewed", "The gym's tier renewed"),
        ]),
    ]

    func register(on router: Router<AppContext>) {
        let handlers = WebHandlers(services: services)
        handlers.page(router, .get, "me/notifications") { request, _, visit in
            guard let user = visit.user else { return MemberPages.signIn(then: "/me/notifications") }
            let settings = try await services.store.accounts.notificationSettings(member: user)
            return try page(visit, settings, saved: request.uri.queryParameters["saved"] != nil)
        }
        handlers.action(router, "me/notifications") { _, _, form, visit in
            guard let user = visit.user else { return MemberPages.signIn(then: "/me/notifications") }
            guard let channel = NotificationChannelKind(rawValue: form["channel"] ?? "") else {
                let settings = try await services.store.accounts.notificationSettings(member: user)
                return try page(visit, settings, error: "choose how messages reach you", status: .badRequest)
            }
            // A box left unticked is a kind turned off; the staff's kinds only count for staff.
            var off = Self.groups.filter { !$0.staffOnly || visit.isStaff }.flatMap(\.kinds).map(\.kind).filter { form["kind_\($0)"] == nil }
            if DashboardForms.checked(form, "stop_all") { off.append("*") }
            do {
                _ = try await services.store.accounts.setNotificationSettings(member: user, NotificationSettings(channel: channel, optOuts: off))
                return MemberPages.redirect("/me/notifications?saved=1")
            } catch {
                let settings = try await services.store.accounts.notificationSettings(member: user)
                return try await DashboardForms.refused(error) { try page(visit, settings, error: visit.words.message($0.message), status: $0.status) }
            }
        }
    }

    struct Group: Sendable {
        var title: String
        var kinds: [Kind]
    }

    struct Kind: Sendable {
        var kind: String
        var label: String
        var on: Bool
    }

    struct PreferencesPage: PageModel, Sendable {
        var visitor: WebVisit
        var channels: [DashboardForms.Choice]
        var groups: [Group]
        var stopAll: Bool
        var notice: String?
        var error: String?
        var title: String { visitor.words("Notifications · StudioLoop") }
    }

    private func page(
        _ visit: WebVisit, _ settings: NotificationSettings, saved: Bool = false, error: String? = nil, status: HTTPResponse.Status = .ok
    ) throws -> Response {
        let off = Set(settings.optOuts), words = visit.words
        let labels = ["whatsapp": "WhatsApp", "sms": "SMS", "email": "Email"]
        let view = PreferencesPage(
            visitor: visit,
            channels: ["whatsapp", "sms", "email"].map { .init(value: $0, label: words(labels[$0]!), selected: settings.channel.rawValue == $0) },
            groups: Self.groups.filter { !$0.staffOnly || visit.isStaff }.map { group in
                Group(title: words(group.title), kinds: group.kinds.map { Kind(kind: $0.kind, label: words($0.label), on: !off.contains($0.kind)) })
            },
            stopAll: off.contains("*"), notice: saved ? words("Saved.") : nil, error: error
        )
        return try pages.page("notifications", view, status: status)
    }
}
