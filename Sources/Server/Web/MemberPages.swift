import Booking
import Datasets
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// The members' pages: sign up with the code sent to a phone or email, sign in and out, a
/// session's page with its booking and cancellation rules, booking and joining a waitlist,
/// buying credits or a gym's pack through the provider's checkout, "My classes" with a check-in
/// QR code for each upcoming booking, and cancelling with the refund rule shown first.
///
/// They act through the same store calls and rules as the JSON API; a browser is signed in by
/// its session cookie and every form carries the CSRF token (`WebSessions`). Every page works
/// without JavaScript.
struct MemberPages {
    let services: ServerServices
    var pages: WebPages { get throws { try WebRoutes.installed.get() } }
    var web: WebSessions { services.web }
    var auth: AuthRoutes { AuthRoutes(services: services) }

    func register(on router: Router<AppContext>) {
        let handlers = WebHandlers(services: services)
        handlers.page(router, .get, "signup") { request, context, visit in
            try form("signup", Credentials(visitor: visit, next: Self.next(request), title: visit.words("Sign up · StudioLoop")))
        }
        handlers.action(router, "signup") { request, context, form, visit in
            var view = Credentials(visitor: visit, next: Self.next(form["next"]), title: visit.words("Sign up · StudioLoop"), firstName: form["first_name"] ?? "", lastName: form["last_name"] ?? "",
                                   contact: form["contact"] ?? "")
            do {
                let contact = view.contact.trimmingCharacters(in: .whitespaces)
                let isPhone = contact.hasPrefix("+") || contact.first?.isNumber == true
                let opened = try await auth.openAccount(
                    email: isPhone ? nil : contact, phone: isPhone ? contact : nil, password: form["password"] ?? "",
                    firstName: view.firstName, lastName: view.lastName
                )
                return try await signedIn(opened.user, goingTo: "/verify?next=" + Self.queryEscaped(view.next))
            } catch let error as APIError where error.status.code < 500 {
                view.error = visit.words.message(error.message)
                return try self.form("signup", view, status: error.status)
            }
        }
        handlers.page(router, .get, "login") { request, context, visit in
            try form("login", Credentials(visitor: visit, next: Self.next(request), title: visit.words("Sign in · StudioLoop")))
        }
        handlers.action(router, "login") { request, context, form, visit in
            var view = Credentials(visitor: visit, next: Self.next(form["next"]), title: visit.words("Sign in · StudioLoop"), contact: form["contact"] ?? "")
            do {
                let contact = view.contact.trimmingCharacters(in: .whitespaces)
                let login = try AuthRoutes.contact(
                    email: contact.contains("@") ? contact : nil, phone: contact.contains("@") ? nil : contact
                )
                let user = try await auth.signIn(login, password: form["password"] ?? "")
                return try await signedIn(user, goingTo: view.next)
            } catch let error as APIError where error.status.code < 500 {
                view.error = visit.words.message(error.message)
                return try self.form("login", view, status: error.status)
            }
        }
        handlers.action(router, "logout") { _, _, _, visit in
            if let token = visit.sessionToken { try await services.store.accounts.endWebSession(token: token, now: services.clock.now()) }
            var response = Self.redirect("/")
            response.setCookie(web.signedOut())
            return response
        }
        handlers.page(router, .get, "verify") { request, context, visit in
            guard let user = visit.user else { return Self.signIn(then: "/verify") }
            let account = try await services.store.accounts.account(id: user)
            return try form("verify", Verification(visitor: visit, next: Self.next(request), sentTo: Self.pendingContact(account)?.description))
        }
        handlers.action(router, "verify") { request, context, form, visit in
            guard let user = visit.user else { return Self.signIn(then: "/verify") }
            let account = try await services.store.accounts.account(id: user)
            var view = Verification(visitor: visit, next: Self.next(form["next"]), sentTo: Self.pendingContact(account)?.description)
            guard let contact = Self.pendingContact(account) else { return Self.redirect(view.next) }
            do {
                if form["resend"] != nil {
                    try await services.store.accounts.resendCode(to: contact, now: services.clock.now())
                    view.notice = visit.words("A new code is on its way.")
                    return try self.form("verify", view)
                }
                guard try await auth.verify(contact, code: form["code"] ?? "") == user else {
                    throw APIError(.invalidCode, "that code is for another account")
                }
                return Self.redirect(view.next)
            } catch let error as APIError where error.status.code < 500 {
                view.error = visit.words.message(error.message)
                return try self.form("verify", view, status: error.status)
            }
        }
        handlers.page(router, .get, "sessions/{id}") { request, context, visit in
            try await sessionPage(try context.parameters.require("id"), visit: visit)
        }
        handlers.action(router, "sessions/{id}/book") { request, context, form, visit in
            let id = try context.parameters.require("id")
            guard let user = visit.user else { return Self.signIn(then: "/sessions/\(id)") }
            do {
                let booking = try await book(session: id, member: user, joinWaitlist: form["waitlist"] == "1")
                return Self.redirect("/me/bookings/\(booking)?booked=1")
            } catch let error as APIError where error.status.code < 500 {
                return try await sessionPage(id, visit: visit, error: visit.words.message(error.message), status: error.status)
            }
        }
        handlers.page(router, .get, "me") { _, _, visit in
            guard let user = visit.user else { return Self.signIn(then: "/me") }
            return try await myClasses(user, visit: visit)
        }
        handlers.page(router, .get, "me/bookings/{id}") { request, context, visit in
            let id = try context.parameters.require("id")
            guard let user = visit.user else { return Self.signIn(then: "/me/bookings/\(id)") }
            let booking = try await ownBooking(id, of: user)
            let cancelled = request.uri.queryParameters["cancelled"]
            var view = BookingPage(
                visitor: visit, booking: try await card(for: booking, visit.words), justBooked: request.uri.queryParameters["booked"] == "1",
                // Said only when the booking is cancelled, whatever the URL claims.
                justCancelled: cancelled != nil && booking.status == .cancelled
            )
            view.title = "\(booking.className) · \(view.booking.when) · StudioLoop"
            return try self.form("booking", view)
        }
        handlers.page(router, .get, "me/bookings/{id}/cancel") { request, context, visit in
            let id = try context.parameters.require("id")
            guard let user = visit.user else { return Self.signIn(then: "/me/bookings/\(id)/cancel") }
            return try await cancelPage(try await ownBooking(id, of: user), visit: visit)
        }
        handlers.action(router, "me/bookings/{id}/cancel") { request, context, _, visit in
            let id = try context.parameters.require("id")
            guard let user = visit.user else { return Self.signIn(then: "/me/bookings/\(id)/cancel") }
            let booking = try await ownBooking(id, of: user)
            do {
                _ = try await services.store.bookings.cancel(bookingId: booking.id, member: user, reason: nil, now: services.clock.now())
                services.metrics.booking(outcome: "cancelled")
                return Self.redirect("/me/bookings/\(booking.id)?cancelled=1")
            } catch let error as APIError where error.status.code < 500 {
                return try await cancelPage(booking, visit: visit, error: visit.words.message(error.message), status: error.status)
            }
        }
        handlers.page(router, .get, "buy") { request, context, visit in
            guard let user = visit.user else { return Self.signIn(then: request.uri.description) }
            return try await buyPage(user, gym: request.uri.queryParameters["gym"].map(String.init), next: Self.next(request), visit: visit)
        }
        handlers.action(router, "buy") { request, context, form, visit in
            let next = Self.next(form["next"])
            guard let user = visit.user else { return Self.signIn(then: "/buy") }
            guard try await services.store.accounts.isVerified(user) else {
                return Self.redirect("/verify?next=" + Self.queryEscaped("/buy?next=" + Self.queryEscaped(next)))
            }
            do {
                guard let package = form["package_id"], !package.isEmpty, let key = form["key"], key.count == 43 else {
                    throw APIError.validation("choose what to buy")
                }
                let payment = try await PaymentRoutes(services: services).purchase(
                    .init(packageId: package, tenantId: nil, currency: nil, provider: nil), member: user, idempotencyKey: "web-" + key
                )
                guard let url = payment.checkoutURL else { throw APIError(.providerUnavailable, "the payment provider is not answering; try again in a minute") }
                return Self.redirect(url)
            } catch let error as APIError where error.status.code < 500 {
                return try await buyPage(user, gym: form["gym"], next: next, visit: visit, error: visit.words.message(error.message), status: error.status)
            }
        }
    }

    // MARK: Pages

    struct Credentials: PageModel, Sendable {
        var visitor: WebVisit
        var next: String
        var title: String
        var firstName = ""
        var lastName = ""
        var contact = ""
        var error: String?
    }

    struct Verification: PageModel, Sendable {
        var visitor: WebVisit
        var next: String
        var sentTo: String?
        var notice: String?
        var error: String?
        var title: String { visitor.words("Confirm your number or email · StudioLoop") }
    }

    struct SessionPage: PageModel, Sendable {
        var visitor: WebVisit
        var title: String
        var description: String
        var canonical: String
        var id: String
        var className: String
        var classDescription: String
        var gymName: String
        var gymSlug: String
        var when: String
        var duration: String
        var instructor: String?
        var credits: String
        var spotsLeft: Int
        var spots: String
        var isFull: Bool
        var isOver: Bool
        var cancellationRule: String
        /// How the booking would be paid, when the member can pay for it.
        var payment: String?
        /// What the member lacks, with where to buy it.
        var shortfall: String?
        var buyLink: String
        var error: String?
    }

    struct BookingCard: Sendable {
        var id: String
        var className: String
        var gymName: String
        var gymSlug: String
        var sessionId: String
        var when: String
        var status: String
        var isConfirmed: Bool
        var isUpcoming: Bool
        var waitlistPosition: Int?
        var credits: String
        var qrCode: String?
        var qrSVG: String?
        /// The short code under the QR code, for the desk to type.
        var deskCode: String?
    }

    struct BookingPage: PageModel, Sendable {
        var visitor: WebVisit
        var booking: BookingCard
        var justBooked: Bool
        var justCancelled: Bool
        var title = "StudioLoop"
    }

    struct BalanceRow: Sendable {
        var name: String
        var credits: String
        var expiry: String?
    }

    struct MyClasses: PageModel, Sendable {
        var visitor: WebVisit
        var name: String
        var upcoming: [BookingCard]
        var past: [BookingCard]
        var balances: [BalanceRow]
        var unverified: Bool
        var title: String
        /// Stored, not computed: the templates read fields by reflection.
        var hasPast = false
    }

    struct CancelPage: PageModel, Sendable {
        var visitor: WebVisit
        var booking: BookingCard
        var rule: String
        var error: String?
        var title: String
    }

    struct BuyOption: Sendable {
        var id: String
        var label: String
        var price: String
    }

    struct BuyPage: PageModel, Sendable {
        var visitor: WebVisit
        var next: String
        var gym: String?
        var gymName: String?
        var packs: [BuyOption]
        var credits: [BuyOption]
        /// A fresh idempotency key per form shown: sending the form twice buys once.
        var key: String
        var error: String?
        var title: String
        var hasPacks = false
    }

    private func sessionPage(_ id: String, visit: WebVisit, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let now = services.clock.now()
        guard let tenant = try await services.store.catalog.sessionTenant(id),
            let gym = try await services.store.catalog.gyms(from: now - 86_400, to: now + Int64(services.horizonDays + 1) * 86_400, tenant: tenant).first,
            let session = gym.sessions.first(where: { SessionSchedule.sessionID(classId: gym.classes[$0.classIndex].id, start: $0.start) == id }),
            gym.tenant.isActive
        else { throw APIError.notFound("no class session with id '\(id)'") }
        let terms = try await services.store.bookings.terms(sessionId: id)
        let fitness = gym.classes[session.classIndex]
        let clock = ZoneClock(zoneOrUTC: gym.tenant.timezone), words = visit.words
        let when = words.format.dayAndTime(session.start, clock.zone)
        let credits = WebRoutes.credits(terms.credits, words), spots = WebRoutes.spotsLeft(terms.facts.spotsLeft, words)
        let names: KeyValuePairs = ["class": fitness.name, "gym": gym.tenant.name, "when": when, "spots": spots, "credits": credits]
        var view = SessionPage(
            visitor: visit, title: words("{class} at {gym}, {when} · StudioLoop", names),
            description: words("{class} at {gym}, {when}: {spots}, {credits}.", names),
            canonical: services.publicURL + "/sessions/" + id, id: id, className: fitness.name, classDescription: fitness.description,
            gymName: gym.tenant.name, gymSlug: gym.tenant.slug, when: when, duration: words.count(fitness.durationMinutes, "{n} minute", "{n} minutes"),
            instructor: gym.instructors.first { $0.id == fitness.instructorId }.map { "\($0.firstName) \($0.lastName.prefix(1))." },
            credits: credits, spotsLeft: terms.facts.spotsLeft, spots: spots,
            isFull: terms.facts.spotsLeft == 0, isOver: session.start <= now || session.isCancelled,
            cancellationRule: Self.cancellationRule(terms, clock: clock, now: now, words: words), payment: nil, shortfall: nil,
            buyLink: "/buy?gym=\(gym.tenant.slug)&next=" + Self.queryEscaped("/sessions/\(id)"), error: error
        )
        if let user = visit.user {
            let statement = try await services.store.ledger.creditStatement(member: user, now: now)
            switch Self.payment(for: terms, statement: statement) {
            case .gymCredits: view.payment = words("Paid with {credits} of your credits at {gym}.", ["credits": credits, "gym": gym.tenant.name])
            case .universalCredits: view.payment = words("Paid with {credits} of your StudioLoop credits.", ["credits": credits])
            case .short(let have):
                view.shortfall = have == 0
                    ? words("You need {credits} for this class and have none that work here.", ["credits": credits])
                    : words.count(have, "You need {credits} for this class and have {n} that works here.", "You need {credits} for this class and have {n} that work here.", ["credits": credits])
            }
        }
        return try form("session", view, status: status)
    }

    enum Payment: Equatable {
        case gymCredits, universalCredits
        case short(have: Int)
    }

    /// How a booking is paid: the gym's own credits first, then universal credits where the gym
    /// is on the marketplace.
    static func payment(for terms: SessionTerms, statement: CreditStatement) -> Payment {
        let atGym = statement.balances.first { $0.tenantId == terms.facts.tenantId }?.credits ?? 0
        let universal = terms.marketplaceEnabled ? statement.balances.first { $0.tenantId == nil }?.credits ?? 0 : 0
        if atGym >= terms.credits { return .gymCredits }
        if universal >= terms.credits { return .universalCredits }
        return .short(have: max(atGym, universal))
    }

    /// Books with what the member can pay with; returns the booking's id.
    private func book(session: String, member: String, joinWaitlist: Bool) async throws -> String {
        let now = services.clock.now()
        let terms: SessionTerms
        do { terms = try await services.store.bookings.terms(sessionId: session) } catch StoreError.notFound { throw APIError.notFound("no class session with id '\(session)'") }
        let statement = try await services.store.ledger.creditStatement(member: member, now: now)
        do {
            let outcome = try await services.store.bookings.book(
                member: member, sessionId: session, marketplace: Self.payment(for: terms, statement: statement) == .universalCredits,
                joinWaitlist: joinWaitlist, statedCredits: nil, now: now
            )
            services.metrics.booking(outcome: outcome.status.rawValue)
            return outcome.booking.id
        } catch StoreError.refused(let refusal) {
            services.metrics.booking(outcome: refusal.rawValue.lowercased())
            throw APIError(refusal)
        }
    }

    private func myClasses(_ user: String, visit: WebVisit) async throws -> Response {
        let now = services.clock.now()
        let account = try await services.store.accounts.account(id: user)
        let bookings = try await services.store.bookings.bookings(of: user, limit: 200)
        let statement = try await services.store.ledger.creditStatement(member: user, now: now)
        // Expiry dates on the clock of the member's latest class (credits carry no place of their own).
        let zone = ZoneClock(zoneOrUTC: bookings.first?.timezone ?? "UTC").zone, words = visit.words
        var upcoming: [BookingCard] = [], past: [BookingCard] = []
        for booking in bookings {
            let card = try await card(for: booking, words)
            if booking.endTime > now, [.confirmed, .waitlisted, .checkedIn].contains(booking.status) { upcoming.append(card) } else if past.count < 20 { past.append(card) }
        }
        let view = MyClasses(
            visitor: visit, name: account.firstName, upcoming: upcoming.reversed(), past: past,
            balances: statement.balances.filter { $0.credits > 0 }.map {
                BalanceRow(
                    name: $0.tenantSlug.map { words("At {gym}", ["gym": $0]) } ?? words("StudioLoop credits (any marketplace gym)"),
                    credits: WebRoutes.credits($0.credits, words),
                    expiry: $0.nextExpiry.map { words("the first expire {day}", ["day": words.format.day($0, zone)]) }
                )
            },
            unverified: !(account.emailVerified || account.phoneVerified), title: words("My classes · StudioLoop"), hasPast: !past.isEmpty
        )
        return try form("me", view)
    }

    private func card(for booking: BookingDetails, _ words: Words) async throws -> BookingCard {
        let now = services.clock.now()
        let zone = ZoneClock(zoneOrUTC: booking.timezone).zone
        let code = booking.endTime > now ? services.store.bookings.qrCode(for: booking) : nil
        return BookingCard(
            id: booking.id, className: booking.className, gymName: booking.gymName, gymSlug: booking.gymSlug, sessionId: booking.sessionId,
            when: words.format.dayAndTime(booking.startTime, zone), status: Self.statusLabel(booking, words), isConfirmed: booking.status == .confirmed,
            isUpcoming: booking.endTime > now && [.confirmed, .waitlisted].contains(booking.status), waitlistPosition: booking.waitlistPosition,
            credits: WebRoutes.credits(booking.creditsCharged, words), qrCode: code,
            qrSVG: code.flatMap { QRCodeSVG.svg(for: $0, label: words("Check-in code for {class}", ["class": booking.className])) },
            deskCode: code == nil ? nil : DeskCode.display(DeskCode.of(bookingId: booking.id))
        )
    }

    private func cancelPage(_ booking: BookingDetails, visit: WebVisit, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let terms = try await services.store.bookings.terms(sessionId: booking.sessionId)
        let clock = ZoneClock(zoneOrUTC: booking.timezone), words = visit.words
        let rule = booking.status == .waitlisted
            ? words("You are on the waitlist: leaving it costs nothing.")
            : Self.cancellationRule(terms, clock: clock, now: services.clock.now(), charged: booking.creditsCharged, words: words)
        let view = CancelPage(
            visitor: visit, booking: try await card(for: booking, words), rule: rule, error: error, title: words("Cancel a booking · StudioLoop")
        )
        return try form("cancel", view, status: status)
    }

    private func buyPage(
        _ user: String, gym slug: String?, next: String, visit: WebVisit, error: String? = nil, status: HTTPResponse.Status = .ok
    ) async throws -> Response {
        let words = visit.words
        var view = BuyPage(
            visitor: visit, next: next, gym: nil, gymName: nil, packs: [],
            credits: services.prices.all.filter { !$0.recurring }.map {
                BuyOption(
                    id: $0.id, label: words.count($0.credits, "{n} StudioLoop credit, for any marketplace gym", "{n} StudioLoop credits, for any marketplace gym"),
                    price: words.format.money(Money(cents: $0.priceCents, currency: $0.currency))
                )
            },
            key: WebSessions.randomId(), error: error, title: words("Buy credits · StudioLoop")
        )
        if let slug, let tenant = try await services.store.catalog.tenant(slug: slug) {
            view.gym = slug
            view.gymName = tenant.tenant.name
            view.packs = try await services.store.packages.list(tenant: tenant.tenant.id).filter { !$0.recurring }.map {
                BuyOption(
                    id: $0.id, label: words.count($0.credits, "{pack}: {n} credit at {gym}", "{pack}: {n} credits at {gym}", ["pack": $0.name, "gym": tenant.tenant.name]),
                    price: words.format.money($0.price)
                )
            }
            view.hasPacks = !view.packs.isEmpty
        }
        // The form is answered with the provider's checkout: a hosted page on the provider's own
        // https origin (Stripe, Yoco), or the sandbox on this server's public address.
        return try pages.page("buy", view, status: status, formLeadsTo: ["https:", services.publicURL])
    }

    private func ownBooking(_ id: String, of user: String) async throws -> BookingDetails {
        guard let booking = try? await services.store.bookings.details(id: id), booking.userId == user else {
            throw APIError.notFound("booking not found")
        }
        return booking
    }

    // MARK: Rules in words

    /// The refund rule as a member reads it before cancelling.
    static func cancellationRule(_ terms: SessionTerms, clock: ZoneClock, now: Int64, charged: Int? = nil, words: Words) -> String {
        let count = charged ?? terms.credits
        let deadline = terms.facts.start - Int64(terms.facts.cancellationWindowHours) * 3600
        let when = words.format.dayAndTime(deadline, clock.zone)
        if now < deadline {
            return words.count(count, "Cancel before {when} and your {n} credit comes back.", "Cancel before {when} and your {n} credits come back.", ["when": when])
        }
        if terms.facts.policy.lateCancelRefunds {
            return words.count(count, "It is past the cancellation deadline, but this gym gives your {n} credit back anyway.",
                               "It is past the cancellation deadline, but this gym gives your {n} credits back anyway.")
        }
        return words("It is past the cancellation deadline ({when}): cancelling now gives no credits back.", ["when": when])
    }

    static func statusLabel(_ booking: BookingDetails, _ words: Words) -> String {
        switch booking.status {
        case .confirmed: words("Booked")
        case .waitlisted: booking.waitlistPosition.map { words("On the waitlist, number {n}", ["n": words.format.number($0)]) } ?? words("On the waitlist")
        case .checkedIn: words("Checked in")
        case .completed: words("Attended")
        case .noShow: words("Missed")
        case .cancelled: words("Cancelled")
        }
    }

    /// The contact still to prove: the sign-in phone, else the email; nil once one is proven.
    static func pendingContact(_ account: Account) -> Contact? {
        guard !account.emailVerified, !account.phoneVerified else { return nil }
        if let phone = account.loginPhone { return .phone(phone) }
        return account.email.map { .email($0) }
    }

    // MARK: Plumbing

    private func form(_ template: String, _ model: some PageModel, status: HTTPResponse.Status = .ok) throws -> Response {
        try pages.page(template, model, status: status)
    }

    private func signedIn(_ user: String, goingTo path: String) async throws -> Response {
        let token = try await services.store.accounts.startWebSession(user: user, now: services.clock.now())
        var response = Self.redirect(path)
        response.setCookie(web.signedIn(token))
        return response
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    static func signIn(then path: String) -> Response { redirect("/login?next=" + queryEscaped(path)) }

    /// Where to go after a form: a path on this site only (never `//elsewhere`), else My classes.
    static func next(_ text: String?) -> String {
        guard let text, text.hasPrefix("/"), !text.hasPrefix("//"), !text.hasPrefix("/\\"), text.count <= 500,
            text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F })
        else { return "/me" }
        return text
    }

    static func next(_ request: Request) -> String { next(request.uri.queryParameters["next"].map(String.init)) }

    static func queryEscaped(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~/"))) ?? ""
    }
}
