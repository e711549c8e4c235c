import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

@testable import Server

/// A browser as the pages see it: it keeps the cookies the server sets and sends forms with
/// the CSRF token of the page they came from.
struct PageBrowser {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    /// The browser's `Accept-Language`, if it sends one.
    var language: String?

    mutating func get(_ path: String) async throws -> JSONResponse {
        let response = try await client.json(path, headers: headers())
        keep(response)
        return response
    }

    /// Sends a form as the page at `page` would, with that page's CSRF token unless `csrf` says otherwise.
    mutating func post(_ path: String, _ fields: [String: String], csrf: String? = nil, from page: String? = nil, origin: String? = nil) async throws -> JSONResponse {
        var fields = fields
        if let csrf { fields["csrf"] = csrf } else if let page { fields["csrf"] = Self.field("csrf", in: try await get(page).text) }
        var headers = headers()
        headers[.contentType] = "application/x-www-form-urlencoded"
        if let origin { headers[.origin] = origin }
        let body = fields.map { "\(Self.escape($0.key))=\(Self.escape($0.value))" }.joined(separator: "&")
        let response = try await client.json(path, method: .post, raw: body, headers: headers)
        keep(response)
        return response
    }

    func headers() -> HTTPFields {
        var headers: HTTPFields = [.accept: "text/html"]
        if let language { headers[.acceptLanguage] = language }
        if !cookies.isEmpty { headers[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ") }
        return headers
    }

    mutating func keep(_ response: JSONResponse) {
        for line in response.headers[values: .setCookie] {
            let pair = line.split(separator: ";")[0].split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            if pair.count == 2 { cookies[pair[0]] = pair[1].isEmpty ? nil : pair[1] }
        }
    }

    /// A hidden or text field's value in a page.
    static func field(_ name: String, in html: String) -> String? {
        guard let range = html.range(of: #"name="\#(name)" value=""#) else { return nil }
        return String(html[range.upperBound...].prefix { $0 != "\"" })
    }

    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }
}

@Suite("Members' pages")
struct MemberPagesTests {
    @Test("a new member signs up, confirms the code, pays in the sandbox checkout, books, sees the QR code, and cancels with the refund rule shown first", arguments: StoreKind.allCases)
    func journey(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            let gym = try await fixture.openGym("<script>alert(1)</script> Gym", owner: owner.token, client: client)
            let session = try await fixture.addSession(gym, at: ServerFixture.start + 2 * 86_400, owner: owner.token, client: client)
            var browser = PageBrowser(client: client)

            let anonymous = try await browser.get("/sessions/\(session)")
            #expect(anonymous.status == .ok && anonymous.text.contains("Sign up to book"), "\(anonymous.text)")
            #expect(!anonymous.text.contains("<script>alert"), "a class name is never markup")
            #expect(anonymous.text.contains("&lt;script&gt;alert(1)&lt;/script&gt; Gym Bootcamp"))
            #expect(browser.cookies[WebSessions.browserCookie] != nil, "the first page gives the browser its id")

            let email = "lerato-\(UUID().uuidString.prefix(6).lowercased())@example.com"
            let signedUp = try await browser.post("/signup", [
                "first_name": "Lerato", "last_name": "Mokoena", "contact": email, "password": "jozi runner 4", "next": "/sessions/\(session)",
            ], from: "/signup")
            #expect(signedUp.status == .seeOther, "\(signedUp.text)")
            #expect(signedUp.headers[.location] == "/verify?next=/sessions/\(session)")
            let cookie = try #require(signedUp.headers[values: .setCookie].first { $0.hasPrefix(WebSessions.sessionCookie + "=") })
            #expect(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && cookie.contains("Path=/"), "\(cookie)")
            #expect(!cookie.contains("Secure"), "plain HTTP in development: Secure would keep the cookie from the browser")

            let user = try #require(try await fixture.store.accounts.credentials(email: email)?.userId)
            let asking = try await browser.get("/verify?next=/sessions/\(session)")
            #expect(asking.text.contains("We sent a six-digit code to \(email)"))
            let wrong = try await browser.post("/verify", ["code": "000000", "next": "/me"], from: "/verify")
            #expect(wrong.status == .unprocessableContent || wrong.status == .badRequest, "\(wrong.status)")
            let code = try await fixture.outboxField("code", kind: "email_verification", user: user)
            let verified = try await browser.post("/verify", ["code": code, "next": "/sessions/\(session)"], from: "/verify")
            #expect(verified.status == .seeOther && verified.headers[.location] == "/sessions/\(session)", "\(verified.text)")

            // No credits yet: the page says what is missing and where to buy it.
            let short = try await browser.get("/sessions/\(session)")
            #expect(short.text.contains(#"data-testid="error-message">Insufficient credits for this class<"#), "\(short.text)")
            let buying = try await browser.get("/buy?gym=\(gym.slug)&next=/sessions/\(session)")
            let key = try #require(PageBrowser.field("key", in: buying.text))
            // Browsers hold the form's redirect to the provider's checkout to the page's form-action.
            #expect(buying.headers[.contentSecurityPolicy]?.contains("form-action 'self' https: \(fixture.services.publicURL)") == true)
            #expect(try await browser.get("/me").headers[.contentSecurityPolicy]?.hasSuffix("form-action 'self'") == true, "other pages keep 'self'")
            let checkout = try await browser.post("/buy", ["package_id": "credits-5", "key": key, "next": "/sessions/\(session)"], from: "/buy")
            #expect(checkout.status == .seeOther, "\(checkout.text)")
            let checkoutURL = try #require(checkout.headers[.location])
            #expect(checkoutURL.contains("/sandbox/checkout/"))
            // The same form again (a double tap) is the same purchase.
            let again = try await browser.post("/buy", ["package_id": "credits-5", "key": key], from: "/buy")
            #expect(again.headers[.location] == checkoutURL)
            let paid = try await client.json(String(checkoutURL[checkoutURL.range(of: "/sandbox")!.lowerBound...]), method: .post, raw: "outcome=pay",
                                             headers: [.contentType: "application/x-www-form-urlencoded"])
            #expect(paid.text.contains("credited 5 credits"), "\(paid.text)")

            let ready = try await browser.get("/sessions/\(session)")
            #expect(ready.text.contains("Paid with 2 credits of your StudioLoop credits"), "\(ready.text)")
            #expect(ready.text.contains("Cancel before Thu 26 Nov 08:00 and your 2 credits come back."), "on Kigali's clock")
            let booked = try await browser.post("/sessions/\(session)/book", [:], from: "/sessions/\(session)")
            #expect(booked.status == .seeOther, "\(booked.text)")
            let location = try #require(booked.headers[.location])
            let bookingId = String(location.dropFirst("/me/bookings/".count).prefix { $0 != "?" })
            let confirmation = try await browser.get(location)
            #expect(confirmation.text.contains(#"data-testid="booking-success""#) && confirmation.text.contains(#"data-testid="qr-code""#))
            let details = try await fixture.store.bookings.details(id: bookingId)
            let qr = try #require(fixture.store.bookings.qrCode(for: details))
            #expect(confirmation.text.contains(#"data-code="\#(qr)""#), "the page shows the booking's own check-in code")
            #expect(confirmation.text.contains("<svg") && !confirmation.text.contains("<script>alert"))

            let mine = try await browser.get("/me")
            #expect(mine.text.contains(#"id="booking-\#(bookingId)""#) && mine.text.contains("3 credits"), "\(mine.text)")
            let rule = try await browser.get("/me/bookings/\(bookingId)/cancel")
            #expect(rule.text.contains("Cancel before Thu 26 Nov 08:00 and your 2 credits come back."), "\(rule.text)")
            let cancelled = try await browser.post("/me/bookings/\(bookingId)/cancel", [:], from: "/me/bookings/\(bookingId)/cancel")
            #expect(cancelled.status == .seeOther && cancelled.headers[.location] == "/me/bookings/\(bookingId)?cancelled=1")
            let after = try await browser.get("/me/bookings/\(bookingId)?cancelled=1")
            #expect(after.text.contains(#"data-testid="cancellation-success""#) && after.text.contains(#"data-testid="booking-status">Cancelled<"#))
            #expect(try await browser.get("/me").text.contains("5 credits"), "the credits came back")
            #expect(try await fixture.store.bookings.details(id: bookingId).status == .cancelled)

            // Signing out ends the session on the server, not only in this browser.
            let ended = browser.cookies[WebSessions.sessionCookie]
            _ = try await browser.post("/logout", [:], from: "/me")
            #expect(browser.cookies[WebSessions.sessionCookie] == nil)
            browser.cookies[WebSessions.sessionCookie] = ended
            let replayed = try await browser.get("/me")
            #expect(replayed.status == .seeOther && replayed.headers[.location] == "/login?next=/me")
        }
    }

    @Test("every form refuses a missing or wrong CSRF token, or another site's page, and changes nothing")
    func forgedFormsChangeNothing() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let member = try await fixture.member("forged", universalCredits: 10, client: client)
            let email = try await fixture.email(of: member.token, client: client)
            let (sessionId, _, _) = fixture.openSession()
            var browser = PageBrowser(client: client)
            let login = try await browser.post("/login", ["contact": email, "password": "correct horse 9"], from: "/login")
            #expect(login.status == .seeOther && login.headers[.location] == "/me", "\(login.text)")
            let csrf = try #require(PageBrowser.field("csrf", in: try await browser.get("/me").text))

            let forms: [(String, [String: String])] = [
                ("/signup", ["first_name": "X", "last_name": "Y", "contact": "forged-new@example.com", "password": "jozi runner 4"]),
                ("/login", ["contact": email, "password": "correct horse 9"]),
                ("/verify", ["code": "123456"]),
                ("/sessions/\(sessionId)/book", [:]),
                ("/buy", ["package_id": "credits-5", "key": String(repeating: "k", count: 43)]),
                ("/me/bookings/none/cancel", [:]),
                ("/logout", [:]),
            ]
            for (path, fields) in forms {
                let missing = try await browser.post(path, fields, csrf: "")
                #expect(missing.status == .forbidden, "\(path) without a token: \(missing.status)")
                let wrong = try await browser.post(path, fields, csrf: String(csrf.reversed()))
                #expect(wrong.status == .forbidden, "\(path) with a wrong token: \(wrong.status)")
                let elsewhere = try await browser.post(path, fields, csrf: csrf, origin: "https://evil.example")
                #expect(elsewhere.status == .forbidden, "\(path) from another site: \(elsewhere.status)")
                #expect(elsewhere.headers[.contentType] == "text/html; charset=utf-8", "a page, not JSON")
            }
            // Another browser's token is no good in this one.
            var other = PageBrowser(client: client)
            let theirs = try #require(PageBrowser.field("csrf", in: try await other.get("/login").text))
            #expect(try await browser.post("/sessions/\(sessionId)/book", [:], csrf: theirs).status == .forbidden)

            #expect(try await fixture.store.bookings.bookings(of: member.id).isEmpty, "no booking was made")
            #expect(try await fixture.store.accounts.credentials(email: "forged-new@example.com") == nil, "no account was opened")
            #expect(try await browser.get("/me").status == .ok, "still signed in: the forged sign-out did nothing")
        }
    }

    @Test("pages ask for sign-in before member pages, go back only to this site, and keep one member's bookings from another")
    func signInAndIsolation() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            var browser = PageBrowser(client: client)
            for path in ["/me", "/buy", "/verify"] {
                let page = try await browser.get(path)
                #expect(page.status == .seeOther && page.headers[.location]?.hasPrefix("/login?next=") == true, "\(path)")
            }
            let one = try await fixture.member("one", universalCredits: 10, client: client)
            let booked = try await client.json("/api/v1/marketplace/bookings", method: .post, token: one.token, body: ["class_schedule_id": fixture.openSession().sessionId])
            let bookingId = try #require(booked.object["id"] as? String)
            let two = try await fixture.member("two", client: client)
            let email = try await fixture.email(of: two.token, client: client)
            let login = try await browser.post("/login", ["contact": email, "password": "correct horse 9", "next": "//evil.example/x"], from: "/login")
            #expect(login.headers[.location] == "/me", "never off the site")
            #expect(try await browser.get("/me/bookings/\(bookingId)").status == .notFound)
            #expect(try await browser.post("/me/bookings/\(bookingId)/cancel", [:], from: "/me").status == .notFound)
            #expect(try await fixture.store.bookings.details(id: bookingId).status == .confirmed)
            let badLogin = try await browser.post("/login", ["contact": email, "password": "wrong password 1"], from: "/login")
            #expect(badLogin.status == .unauthorized && badLogin.text.contains("the email, phone or password is wrong"))
        }
    }

    @Test("session cookies are Secure outside development")
    func secureCookies() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        let web = WebSessions(accounts: fixture.store.accounts, secret: Array("a secret".utf8), secureCookies: true)
        #expect(web.signedIn("token").secure && web.signedIn("token").httpOnly && web.signedIn("token").sameSite == .lax)
        #expect(web.signedOut().secure && web.signedOut().maxAge == 0)
    }
}

extension MemberPagesTests {
    @Test("a member chooses the channel and the kinds of message on the web, as the API stores them")
    func notificationPreferences() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let member = try await fixture.member("quiet", client: client)
            var browser = PageBrowser(client: client)
            #expect(try await browser.get("/me/notifications").headers[.location] == "/login?next=/me/notifications")
            _ = try await browser.post("/login", ["contact": try await fixture.email(of: member.token, client: client), "password": "correct horse 9"], from: "/login")
            let page = try await browser.get("/me/notifications")
            #expect(page.text.contains(#"name="kind_class_reminder" value="1" checked"#) && !page.text.contains("kind_gym_new_booking"), "members see no staff kinds")
            let refused = try await browser.post("/me/notifications", ["channel": "pigeon"], from: "/me/notifications")
            #expect(refused.status == .badRequest)
            let noPhone = try await browser.post("/me/notifications", ["channel": "whatsapp"], from: "/me/notifications")
            #expect(noPhone.status.code == 400 && noPhone.text.contains("needs a phone number"), "the store's own rule, shown on the page")
            // Everything kept but the reminders and the check-in message.
            var fields = ["channel": "email"]
            for group in NotificationPages.groups where !group.staffOnly {
                for kind in group.kinds where kind.kind != "class_reminder" && kind.kind != "checked_in" { fields["kind_\(kind.kind)"] = "1" }
            }
            let saved = try await browser.post("/me/notifications", fields, from: "/me/notifications")
            #expect(saved.status == .seeOther && saved.headers[.location] == "/me/notifications?saved=1", "\(saved.text)")
            let stored = try await fixture.store.accounts.notificationSettings(member: member.id)
            #expect(stored.channel == .email && Set(stored.optOuts) == ["class_reminder", "checked_in"], "\(stored)")
            let again = try await browser.get("/me/notifications?saved=1")
            #expect(again.text.contains(#"name="kind_class_reminder" value="1">"#) && again.text.contains(#"value="email" checked"#))
            let api = try await client.json("/api/v1/users/notifications", token: member.token)
            #expect(Set(api.object["opt_outs"] as? [String] ?? []) == ["class_reminder", "checked_in"], "\(api.text)")
        }
    }
}
