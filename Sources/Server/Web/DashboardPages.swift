import Booking
import Datasets
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// The gym's side of the site at `/dashboard`: the day's sessions at the front desk, each
/// session's roster with check-in by name, by the desk code a member reads out, or by the QR
/// code (typed by a scanner, or read by the device's camera where the browser can), and the
/// owner's analytics with charts drawn on the server and a CSV export.
///
/// Every page and form acts through the same store calls as the JSON API, so the store's own
/// checks decide who may do what: any of the gym's staff at the desk, owners and admins for the
/// numbers. Every page works without JavaScript.
struct DashboardPages {
    let services: ServerServices
    var pages: WebPages { get throws { try WebRoutes.installed.get() } }

    func register(on router: Router<AppContext>) {
        let handlers = WebHandlers(services: services)
        handlers.page(router, .get, "dashboard") { _, _, visit in
            guard let user = visit.user else { return MemberPages.signIn(then: "/dashboard") }
            let gyms = try await services.store.accounts.account(id: user).roles.filter(\.role.isStaff)
            let invites = try await services.store.staff.invites(for: user, now: services.clock.now())
            if gyms.count == 1, invites.isEmpty { return MemberPages.redirect("/dashboard/\(gyms[0].tenantSlug)") }
            var choices: [GymChoice.Gym] = []
            for gym in gyms {
                let name = try await services.store.catalog.tenant(slug: gym.tenantSlug)?.tenant.name ?? gym.tenantSlug
                choices.append(.init(slug: gym.tenantSlug, name: name, role: Self.role(gym.role, visit.words)))
            }
            return try pages.page("dashboard", GymChoice(
                visitor: visit, gyms: choices, invites: invites.map { .init(id: $0.id, gymName: $0.tenantName, role: Self.role($0.role, visit.words)) },
                title: visit.words("Dashboard · StudioLoop"), hasInvites: !invites.isEmpty
            ))
        }
        handlers.page(router, .get, "dashboard/{slug}") { request, context, visit in
            let desk = try await desk(context, visit, then: request.uri.path)
            return try await dayPage(desk, day: try day(request.uri.queryParameters["date"].map(String.init), desk))
        }
        handlers.page(router, .get, "dashboard/{slug}/sessions/{id}") { request, context, visit in
            let desk = try await desk(context, visit, then: request.uri.path)
            return try await rosterPage(desk, session: try context.parameters.require("id"), checked: request.uri.queryParameters["checked"].map(String.init))
        }
        handlers.action(router, "dashboard/{slug}/checkin") { request, context, form, visit in
            let desk = try await desk(context, visit, then: "/dashboard/\(try context.parameters.require("slug"))")
            let session = form["session"].flatMap { $0.isEmpty ? nil : $0 }
            do {
                let booking = try await checkIn(code: form["code"] ?? "", at: desk, day: try day(form["date"], desk))
                return try await backToRoster(desk, booking: booking)
            } catch {
                let problem = APIError(from: error)
                guard problem.status.code < 500 else { throw error }
                let message = desk.words.message(problem.message)
                if let session { return try await rosterPage(desk, session: session, error: message, status: problem.status) }
                return try await dayPage(desk, day: try day(form["date"], desk), error: message, status: problem.status)
            }
        }
        let bookings = services.store.bookings
        typealias FrontDesk = @Sendable (_ booking: String, _ tenant: String, _ staff: String, _ now: Int64) async throws -> Void
        let acts: [(String, FrontDesk)] = [("checkin", bookings.checkInByName), ("undo-checkin", bookings.undoCheckIn), ("no-show", bookings.markNoShow)]
        for (path, act) in acts {
            handlers.action(router, RouterPath("dashboard/{slug}/bookings/{booking_id}/\(path)")) { request, context, form, visit in
                let desk = try await desk(context, visit, then: "/dashboard/\(try context.parameters.require("slug"))")
                let id = try context.parameters.require("booking_id")
                do {
                    try await act(id, desk.tenant, desk.user, services.clock.now())
                    return try await backToRoster(desk, booking: id)
                } catch {
                    let problem = APIError(from: error)
                    guard problem.status.code < 500, let session = form["session"] else { throw error }
                    return try await rosterPage(desk, session: session, error: desk.words.message(problem.message), status: problem.status)
                }
            }
        }
        handlers.page(router, .get, "dashboard/{slug}/analytics") { request, context, visit in
            let desk = try await desk(context, visit, then: request.uri.path)
            return try await analyticsPage(desk, period: try period(request, desk))
        }
        handlers.page(router, .get, "dashboard/{slug}/analytics.csv") { request, context, visit in
            let desk = try await desk(context, visit, then: request.uri.path)
            let period = try period(request, desk)
            let analytics = try await services.store.analytics.analytics(tenant: desk.tenant, staff: desk.user, from: period.from, to: period.to)
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/csv; charset=utf-8", .cacheControl: "no-store",
                    .contentDisposition: "attachment; filename=\"\(desk.slug)-analytics-\(period.fromText)-\(period.toText).csv\"",
                ],
                body: .init(byteBuffer: ByteBuffer(string: AnalyticsRoutes.csv(analytics)))
            )
        }
    }

    struct GymChoice: PageModel, Sendable {
        var visitor: WebVisit
        var gyms: [Gym]
        var invites: [Invite]
        var title: String
        var hasInvites = false

        struct Invite: Sendable {
            var id: String
            var gymName: String
            var role: String
        }

        struct Gym: Sendable {
            var slug: String
            var name: String
            var role: String
        }
    }

    // MARK: Who is at the desk

    /// The signed-in staff member at the gym of the URL's slug.
    struct Desk: Sendable {
        var visitor: WebVisit
        var user: String
        var tenant: String
        var slug: String
        var gymName: String
        var clock: ZoneClock
        var canManage: Bool
        /// The gym as read for this request: its details and classes, for the pages that show them.
        var gym: StoredGym

        var words: Words { visitor.words }
    }

    /// Sign-in first; then the gym, and the visitor's role there (only its staff go on).
    func desk(_ context: AppContext, _ visit: WebVisit, then path: String) async throws -> Desk {
        guard let user = visit.user else { throw WebHandlers.WebRedirect.signIn(then: path) }
        let slug = try context.parameters.require("slug")
        guard let gym = try await services.store.catalog.tenant(slug: slug) else { throw APIError.notFound("no gym with slug '\(slug)'") }
        guard let role = try await services.store.staff.role(of: user, at: gym.tenant.id), role.isStaff else {
            throw APIError.forbidden("you are not on the staff of \(gym.tenant.name); its owner can invite you")
        }
        return Desk(
            visitor: visit, user: user, tenant: gym.tenant.id, slug: slug, gymName: gym.tenant.name,
            clock: ZoneClock(zoneOrUTC: gym.tenant.timezone), canManage: role.canManage, gym: gym
        )
    }

    // MARK: The day

    /// The dashboard's heading: the gym, and its tabs (the managing ones for owners and admins).
    struct Header: Sendable {
        var slug: String
        var gymName: String
        var canManage: Bool
        var tabs: [Tab]

        struct Tab: Sendable {
            var label: String
            var href: String
            var current: Bool
        }

        enum Section: String, CaseIterable {
            case desk = "", classes, packs, staff, members, settings, payouts, analytics

            var label: String {
                switch self {
                case .desk: "Front desk"
                case .classes: "Classes"
                case .packs: "Packs"
                case .staff: "Staff"
                case .members: "Members"
                case .settings: "Settings"
                case .payouts: "Payouts"
                case .analytics: "Analytics"
                }
            }

            /// What every staff member sees; the rest is for managers.
            var forAllStaff: Bool { self == .desk || self == .members }
        }

        init(_ desk: Desk, _ section: Section) {
            slug = desk.slug
            gymName = desk.gymName
            canManage = desk.canManage
            tabs = Section.allCases.filter { desk.canManage || $0.forAllStaff }.map {
                Tab(label: desk.words($0.label), href: "/dashboard/\(desk.slug)" + ($0 == .desk ? "" : "/\($0.rawValue)"), current: $0 == section)
            }
        }
    }

    struct DayPage: PageModel, Sendable {
        var visitor: WebVisit
        var desk: Header
        var title: String
        var date: String
        var dayLabel: String
        var previous: String
        var next: String
        var isToday: Bool
        var sessions: [DayRow]
        var error: String?
        var hasSessions = false
    }

    struct DayRow: Sendable {
        var id: String
        var time: String
        var className: String
        var booked: Int
        var checkedIn: Int
        var waitlisted: Int
        var noShows: Int
        var capacity: Int
        var status: String
        var isCancelled: Bool
    }

    private func dayPage(_ desk: Desk, day: Int64, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        var clock = desk.clock
        let from = clock.instant(day: day, minuteOfDay: 0), to = clock.instant(day: day + 1, minuteOfDay: 0)
        let now = services.clock.now()
        let sessions = try await services.store.bookings.day(tenant: desk.tenant, staff: desk.user, from: from, to: to)
        let words = desk.words, zone = clock.zone
        let rows = sessions.map {
            DayRow(
                id: $0.sessionId, time: "\(words.format.time($0.start, zone))–\(words.format.time($0.end, zone))", className: $0.className,
                booked: $0.confirmed + $0.checkedIn + $0.noShows, checkedIn: $0.checkedIn, waitlisted: $0.waitlisted, noShows: $0.noShows,
                capacity: $0.capacity,
                status: words($0.isCancelled ? "Cancelled" : now >= $0.end ? "Over" : now >= $0.start ? "On now" : "Coming up"),
                isCancelled: $0.isCancelled
            )
        }
        let label = words.format.longDay(from, zone)
        let view = DayPage(
            visitor: desk.visitor, desk: Header(desk, .desk), title: "\(label) · \(desk.gymName) · StudioLoop", date: Self.date(day), dayLabel: label,
            previous: "/dashboard/\(desk.slug)?date=\(Self.date(day - 1))", next: "/dashboard/\(desk.slug)?date=\(Self.date(day + 1))",
            isToday: day == clock.localDay(at: now), sessions: rows, error: error, hasSessions: !rows.isEmpty
        )
        return try pages.page("desk", view, status: status)
    }

    // MARK: A session's roster

    struct RosterPage: PageModel, Sendable {
        var visitor: WebVisit
        var desk: Header
        var title: String
        var sessionId: String
        var className: String
        var when: String
        var date: String
        var counts: String
        var members: [RosterRow]
        var notice: String?
        var error: String?
        var hasMembers = false
    }

    struct RosterRow: Sendable {
        var bookingId: String
        var name: String
        var status: String
        var detail: String?
        var canCheckIn: Bool
        var canUndo: Bool
        var canMarkNoShow: Bool
        var isMarketplace: Bool
        var justCheckedIn: Bool
    }

    private func rosterPage(
        _ desk: Desk, session id: String, checked: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let entries: [RosterEntry]
        do { entries = try await services.store.bookings.roster(sessionId: id, tenant: desk.tenant, staff: desk.user) } catch StoreError.notFound {
            throw APIError.notFound("no session with id '\(id)' at \(desk.gymName)")
        }
        guard let session = try await services.store.catalog.scheduledSession(id: id) else { throw APIError.notFound("no session with id '\(id)'") }
        let now = services.clock.now(), zone = desk.clock.zone, words = desk.words
        // The buttons the store would accept now: check-in from half an hour before class.
        let started = now >= session.startTime, open = now >= session.startTime - BookingRules.checkInOpensSeconds && now <= session.endTime
        let rows = entries.map { entry in
            RosterRow(
                bookingId: entry.bookingId, name: "\(entry.firstName) \(entry.lastName)", status: Self.label(entry.status, position: entry.waitlistPosition, words),
                detail: entry.checkedInAt.map { at in
                    let time = words.format.time(at, zone)
                    return entry.checkInMethod.map { words("at {time} by {method}", ["time": time, "method": Self.method($0, words)]) } ?? words("at {time}", ["time": time])
                },
                canCheckIn: entry.status == .confirmed && open, canUndo: entry.status == .checkedIn && open,
                canMarkNoShow: entry.status == .confirmed && started, isMarketplace: entry.isMarketplace, justCheckedIn: entry.bookingId == checked
            )
        }
        let checkedIn = entries.count { $0.status == .checkedIn || $0.status == .completed }
        let booked = entries.count { [.confirmed, .checkedIn, .completed, .noShow].contains($0.status) }
        let waitlisted = entries.count { $0.status == .waitlisted }
        let when = "\(words.format.dayAndTime(session.startTime, zone))–\(words.format.time(session.endTime, zone))"
        let counts: KeyValuePairs = ["booked": words.format.number(booked), "capacity": words.format.number(session.capacity), "in": words.format.number(checkedIn)]
        let view = RosterPage(
            visitor: desk.visitor, desk: Header(desk, .desk), title: "\(session.className), \(when) · \(desk.gymName) · StudioLoop",
            sessionId: id, className: session.className, when: when, date: Self.date(desk.clock.localDay(at: session.startTime)),
            counts: words("{booked} of {capacity} booked · {in} checked in", counts) + (waitlisted > 0 ? " · " + words.count(waitlisted, "{n} waiting", "{n} waiting") : ""),
            members: rows,
            notice: entries.first { $0.bookingId == checked && $0.status == .checkedIn }.map { words("{name} is checked in.", ["name": "\($0.firstName) \($0.lastName)"]) },
            error: error, hasMembers: !rows.isEmpty
        )
        return try pages.page("roster", view, status: status)
    }

    /// Checks a member in by what was typed or scanned: a QR code's full text, or a desk code
    /// among the bookings of the day at the desk. Returns the booking's id.
    private func checkIn(code typed: String, at desk: Desk, day: Int64) async throws -> String {
        let text = typed.trimmingCharacters(in: .whitespacesAndNewlines)
        let now = services.clock.now()
        if let decoded = CheckInToken.decode(text) {
            guard decoded.claims.tenantId == desk.tenant else { throw APIError.validation("this code is for a booking at another gym") }
            try await services.store.bookings.checkIn(bookingId: decoded.claims.bookingId, token: text, staff: desk.user, now: now)
            return decoded.claims.bookingId
        }
        guard let code = DeskCode.normalized(text) else {
            throw APIError.validation("type the member's six-character desk code (under their QR code), or scan the QR code")
        }
        var clock = desk.clock
        do {
            return try await services.store.bookings.checkIn(
                deskCode: code, tenant: desk.tenant, staff: desk.user, from: clock.instant(day: day, minuteOfDay: 0),
                to: clock.instant(day: day + 1, minuteOfDay: 0), now: now
            )
        } catch StoreError.notFound {
            let date = desk.words.format.day(clock.instant(day: day, minuteOfDay: 0), clock.zone)
            throw APIError.notFound(desk.words("No booking has the desk code {code} on {day}.", ["code": DeskCode.display(code), "day": date]))
        }
    }

    private func backToRoster(_ desk: Desk, booking: String) async throws -> Response {
        let details = try await services.store.bookings.details(id: booking)
        return MemberPages.redirect("/dashboard/\(desk.slug)/sessions/\(details.sessionId)?checked=\(booking)#booking-\(booking)")
    }

    // MARK: Analytics

    struct Period: Sendable {
        var from: Int64
        var to: Int64
        var fromText: String
        var toText: String
    }

    struct AnalyticsPage: PageModel, Sendable {
        var visitor: WebVisit
        var desk: Header
        var title: String
        var from: String
        var to: String
        var csv: String
        var figures: [Figure]
        var money: [MoneyRow]
        var fillChart: String
        var noShowChart: String
        var heatMap: String
        var moneyChart: String?
        var classes: [ClassRow]
        var weeks: [WeekRow]
        var hasMoney = false
        var hasClasses = false
    }

    struct Figure: Sendable {
        var label: String
        var value: String
        var testId: String
    }

    struct MoneyRow: Sendable {
        var currency: String
        var gross: String
        var commission: String
        var payout: String
    }

    struct ClassRow: Sendable {
        var name: String
        var bookings: String
        var fillRate: String
    }

    struct WeekRow: Sendable {
        var week: String
        var sessions: String
        var taken: String
        var capacity: String
        var fillRate: String
        var noShowRate: String
    }

    /// The period a report covers, in the gym's local days: `from` and `to` (inclusive) as
    /// `YYYY-MM-DD`; by default the last 12 weeks and the two weeks ahead that members can book.
    private func period(_ request: Request, _ desk: Desk) throws -> Period {
        var clock = desk.clock
        let today = clock.localDay(at: services.clock.now())
        let parameters = request.uri.queryParameters
        let first = try parameters["from"].map { try day(String($0), desk, name: "from") } ?? today - 83
        let last = try parameters["to"].map { try day(String($0), desk, name: "to") } ?? today + Int64(services.horizonDays)
        guard first <= last else { throw APIError.validation("the report's to date must not be before its from date") }
        guard last - first < 366 else { throw APIError.validation("a report covers at most 366 days") }
        return Period(
            from: clock.instant(day: first, minuteOfDay: 0), to: clock.instant(day: last + 1, minuteOfDay: 0), fromText: Self.date(first),
            toText: Self.date(last)
        )
    }

    private func analyticsPage(_ desk: Desk, period: Period) async throws -> Response {
        let a = try await services.store.analytics.analytics(tenant: desk.tenant, staff: desk.user, from: period.from, to: period.to)
        let taken = ["confirmed", "checked_in", "completed", "no_show"].reduce(0) { $0 + a.bookingsByStatus[$1, default: 0] }
        let words = desk.words, format = words.format
        func short(_ weekStart: String) -> String {
            guard let seconds = ISO8601.parse(weekStart) else { return weekStart }
            return format.shortDate(seconds, .gmt)
        }
        var grid = Array(repeating: Array(repeating: 0, count: 24), count: 7)
        for slot in a.slots { grid[slot.weekday - 1][slot.hour] = slot.bookings }
        let currency = a.months.first?.currency
        let moneyBars = a.months.filter { $0.currency == currency }.map { line in
            SVGCharts.MoneyBar(
                label: Self.monthLabel(line.month, format), commission: line.commissionCents, payout: line.payoutCents,
                format: { format.money(Money(cents: $0, currency: line.currency)) }
            )
        }
        let view = AnalyticsPage(
            visitor: desk.visitor, desk: Header(desk, .analytics), title: words("Analytics · {gym} · StudioLoop", ["gym": desk.gymName]),
            from: period.fromText, to: period.toText,
            csv: "/dashboard/\(desk.slug)/analytics.csv?from=\(period.fromText)&to=\(period.toText)",
            figures: [
                Figure(label: words("Sessions held"), value: format.number(a.sessions), testId: "sessions-held"),
                Figure(label: words("Bookings"), value: format.number(taken), testId: "bookings"),
                Figure(
                    label: words("Checked in"), value: format.number(a.bookingsByStatus["checked_in", default: 0] + a.bookingsByStatus["completed", default: 0]),
                    testId: "checked-in"
                ),
                Figure(label: words("Fill rate"), value: format.percent(a.fillRate), testId: "fill-rate"),
                Figure(label: words("No-show rate"), value: format.percent(a.noShowRate), testId: "no-show-rate"),
                Figure(label: words("Late cancels"), value: format.number(a.lateCancels), testId: "late-cancels"),
                Figure(label: words("From the marketplace"), value: format.percent(a.marketplaceShare), testId: "marketplace-share"),
            ],
            money: a.money.map {
                MoneyRow(
                    currency: $0.currency, gross: format.money(Money(cents: $0.grossCents, currency: $0.currency)),
                    commission: format.money(Money(cents: $0.commissionCents, currency: $0.currency)),
                    payout: format.money(Money(cents: $0.payoutCents, currency: $0.currency))
                )
            },
            fillChart: SVGCharts.rates(
                a.weeks.map {
                    .init(label: short($0.weekStart), rate: $0.fillRate,
                          detail: words("{taken} of {capacity} spots", ["taken": format.number($0.taken), "capacity": format.number($0.capacity)]))
                },
                title: words("Fill rate by week"), id: "chart-fill", words
            ),
            noShowChart: SVGCharts.rates(
                a.weeks.map {
                    .init(label: short($0.weekStart), rate: $0.noShowRate,
                          detail: words("{missed} of {settled} settled bookings", ["missed": format.number($0.noShows), "settled": format.number($0.settled)]))
                },
                title: words("No-show rate by week"), id: "chart-no-show", words
            ),
            heatMap: SVGCharts.heatMap(grid, title: words("Bookings by weekday and hour"), id: "chart-heat", words),
            moneyChart: moneyBars.isEmpty
                ? nil : SVGCharts.money(moneyBars, title: words("Gross, commission and payout by month ({currency})", ["currency": currency ?? ""]), id: "chart-money", words),
            classes: a.popularClasses.map { ClassRow(name: $0.name, bookings: format.number($0.bookings), fillRate: format.percent($0.fillRate)) },
            weeks: a.weeks.map {
                WeekRow(
                    week: short($0.weekStart), sessions: format.number($0.sessions), taken: format.number($0.taken), capacity: format.number($0.capacity),
                    fillRate: format.percent($0.fillRate), noShowRate: format.percent($0.noShowRate)
                )
            },
            hasMoney: !a.money.isEmpty, hasClasses: !a.popularClasses.isEmpty
        )
        return try pages.page("analytics", view)
    }

    // MARK: Words and dates

    /// A local day from `YYYY-MM-DD`, else today at the gym.
    private func day(_ text: String?, _ desk: Desk, name: String = "date") throws -> Int64 {
        guard let text, !text.isEmpty else { return desk.clock.localDay(at: services.clock.now()) }
        guard let day = CivilTime.days(iso: text) else { throw APIError.validation("\(name) must be a day such as 2026-12-02") }
        return day
    }

    static func date(_ day: Int64) -> String {
        let d = CivilTime.date(days: day)
        return String(format: "%04d-%02d-%02d", d.year, d.month, d.day)
    }

    /// "Nov 2026" from `2026-11`.
    static func monthLabel(_ month: String, _ format: LocalFormat) -> String {
        let parts = month.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 2, (1...12).contains(parts[1]) else { return month }
        return format.month(year: parts[0], month: parts[1])
    }

    /// A booking's state as the desk reads it (shorter than a member's own words for it).
    static func label(_ status: BookingStatus, position: Int?, _ words: Words) -> String {
        switch status {
        case .confirmed: words("Booked")
        case .waitlisted: position.map { words("Waitlist #{n}", ["n": words.format.number($0)]) } ?? words("Waitlist")
        case .checkedIn: words("Checked in")
        case .completed: words("Attended")
        case .noShow: words("No-show")
        case .cancelled: words("Cancelled")
        }
    }

    static func method(_ raw: String, _ words: Words) -> String {
        switch CheckInMethod(rawValue: raw) {
        case .qr: words("QR code")
        case .name: words("name")
        case .deskCode: words("desk code")
        case .selfService: words("themself")
        case nil: raw
        }
    }

    static func role(_ role: StaffRole, _ words: Words) -> String {
        switch role {
        case .owner: words("owner")
        case .admin: words("admin")
        case .instructor: words("instructor")
        case .member: words("member")
        }
    }
}
