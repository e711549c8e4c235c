import Booking
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// A browser on the pages: who is signed in, from the session cookie, and the CSRF token every
/// form on its pages carries.
struct WebVisit: Sendable {
    /// The signed-in member, if any.
    var user: String?
    /// The session cookie's token, to end it when signing out.
    var sessionToken: String?
    /// The browser's random id (its `sl_browser` cookie), from which its CSRF token is made.
    var browser: String
    /// True on a first visit: the page sets the browser cookie.
    var isNewBrowser: Bool
    /// What every form sends back in its `csrf` field.
    var csrf: String
    /// Stored, not computed: the templates read fields by reflection.
    var signedIn: Bool
    /// Works at a gym: the pages offer the dashboard.
    var isStaff = false
    /// The language the pages speak to this browser, and its locale's formats.
    var language: PageLanguage = .en
    var locale = Locale(identifier: PageLanguage.en.defaultLocale)
    /// Set when this request picked the language (`?lang=`): the answer keeps it in a cookie.
    var pickedLanguage = false
    /// The page's `lang` and `dir`, and the picker's links to this page in each language.
    var lang = "en"
    var dir = "ltr"
    var languages: [LanguageLink] = []

    struct LanguageLink: Sendable {
        var code: String
        var name: String
        var href: String
        var current: Bool
    }

    /// The visitor's phrases and formats.
    var words: Words {
        Words(language: language, format: LocalFormat(locale: locale), translations: .shared)
    }
}

/// Browser sign-in for the pages. The JSON API keeps its bearer tokens; pages use a session
/// cookie (HttpOnly, SameSite=Lax, Secure outside development) holding a random token whose
/// hash the store keeps, so signing out, a password reset or a stolen refresh token ends it
/// on every server at once. Forms carry a CSRF token: an HMAC of the browser's own random
/// cookie under a key derived from the server's secret, so any server behind the same secret
/// checks it and another site can neither read nor make one.
struct WebSessions: Sendable {
    static let sessionCookie = "sl_session"
    static let browserCookie = "sl_browser"
    static let languageCookie = "sl_lang"

    let accounts: AccountStore
    let csrfKey: SymmetricKey
    let secureCookies: Bool

    /// The CSRF key is derived from `secret` (the JWT secret), never the secret itself.
    init(accounts: AccountStore, secret: [UInt8], secureCookies: Bool) {
        self.accounts = accounts
        csrfKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: SymmetricKey(data: secret), info: Data("studioloop web forms csrf v1".utf8), outputByteCount: 32
        )
        self.secureCookies = secureCookies
    }

    /// Who is asking, and the token their forms carry.
    func visit(_ request: Request, now: Int64) async throws -> WebVisit {
        let cookies = request.cookies
        let known = cookies[Self.browserCookie]?.value.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        let browser = known.flatMap { $0.count == 43 ? $0 : nil } ?? Self.randomId()
        let token = cookies[Self.sessionCookie]?.value
        var holder: AccountStore.WebSessionHolder?
        if let token { holder = try await accounts.webSessionUser(token: token, now: now) }
        var visit = WebVisit(
            user: holder?.user, sessionToken: holder == nil ? nil : token, browser: browser, isNewBrowser: browser != known,
            csrf: csrfToken(browser: browser), signedIn: holder != nil, isStaff: holder?.isStaff == true
        )
        let picked = request.uri.queryParameters["lang"].flatMap { PageLanguage(rawValue: String($0)) }
        (visit.language, visit.locale) = PageLanguage.negotiate(
            picked: picked?.rawValue ?? cookies[Self.languageCookie]?.value, acceptLanguage: request.headers[.acceptLanguage]
        )
        visit.pickedLanguage = picked != nil
        visit.lang = visit.language.rawValue
        visit.dir = visit.language.isRightToLeft ? "rtl" : "ltr"
        visit.languages = PageLanguage.allCases.map {
            .init(code: $0.rawValue, name: $0.name, href: Self.link(request, language: $0), current: $0 == visit.language)
        }
        return visit
    }

    /// This page's address in `language`: its query with `lang` set.
    static func link(_ request: Request, language: PageLanguage) -> String {
        var components = URLComponents()
        components.path = request.uri.path
        let kept = request.uri.queryParameters.filter { $0.key != "lang" }.map { URLQueryItem(name: String($0.key), value: String($0.value)) }
        components.queryItems = kept + [URLQueryItem(name: "lang", value: language.rawValue)]
        return components.string ?? "?lang=\(language.rawValue)"
    }

    /// 256 random bits, base64url: 43 characters.
    static func randomId() -> String { CheckInToken.base64url(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }) }

    func csrfToken(browser: String) -> String {
        CheckInToken.base64url(Array(HMAC<SHA256>.authenticationCode(for: Data(browser.utf8), using: csrfKey)))
    }

    /// Refuses a state-changing form whose CSRF token is missing or wrong, or which another
    /// site's page sent (its `Origin`, when the browser names one, is not this server's).
    func check(_ form: WebForm, visit: WebVisit, request: Request) throws {
        if let origin = request.headers[.origin], origin != "null" {
            let host = URLComponents(string: origin).map { [$0.host, $0.port.map(String.init)].compactMap { $0 }.joined(separator: ":") }
            guard let host, host == request.head.authority else {
                throw APIError.forbidden("this form was sent from another site; open the page on StudioLoop and send it from there")
            }
        }
        guard let sent = form["csrf"], !visit.isNewBrowser,
            HMAC<SHA256>.isValidAuthenticationCode(CheckInToken.bytes(base64url: sent) ?? [], authenticating: Data(visit.browser.utf8), using: csrfKey)
        else { throw APIError.forbidden("this form has expired or did not come from this site; reload the page and send it again") }
    }

    /// The cookies a page answer sets: the browser's id on a first visit.
    func cookies(for visit: WebVisit) -> [Cookie] {
        (visit.isNewBrowser ? [cookie(Self.browserCookie, visit.browser, maxAge: 400 * 86_400)] : [])
            + (visit.pickedLanguage ? [cookie(Self.languageCookie, visit.language.rawValue, maxAge: 400 * 86_400)] : [])
    }

    func signedIn(_ token: String) -> Cookie { cookie(Self.sessionCookie, token, maxAge: Int(AccountStore.webSessionLifetime)) }
    func signedOut() -> Cookie { cookie(Self.sessionCookie, "", maxAge: 0) }

    private func cookie(_ name: String, _ value: String, maxAge: Int) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: true, sameSite: .lax)
    }
}

/// A form's fields, from an `application/x-www-form-urlencoded` body (the first of each name).
struct WebForm: Sendable {
    var fields: [String: String]

    subscript(_ name: String) -> String? { fields[name] }

    /// Form bodies are small: 16 KB is far past any form on these pages.
    static func read(_ request: Request) async throws -> WebForm {
        let body = try await request.body.collect(upTo: 16 * 1024)
        return WebForm(encoded: String(buffer: body))
    }

    init(encoded: String) {
        var fields: [String: String] = [:]
        for pair in encoded.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ s: Substring) -> String { String(s).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "" }
            let name = decoded(parts[0])
            if fields[name] == nil { fields[name] = parts.count > 1 ? decoded(parts[1]) : "" }
        }
        self.fields = fields
    }
}
