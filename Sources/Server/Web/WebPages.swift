import Foundation
import HTTPTypes
import Hummingbird
import Mustache

/// The pages people open, rendered on the server from the Mustache templates in
/// `Resources/templates` (which escape every value they are given), with the stylesheet from
/// `Resources/static` (the stylesheet and the few scripts that enhance a page). Every page carries a Content-Security-Policy that allows only this
/// server's own scripts, styles and images.
struct WebPages: Sendable {
    /// The templates in each language, translated once when they load.
    let libraries: [PageLanguage: MustacheLibrary]
    /// The static files by name, with their content type.
    let assets: [String: Asset]

    struct Asset: Sendable {
        var bytes: [UInt8]
        var contentType: String
        var tag: String
    }

    static let assetTypes = [
        "site.css": "text/css; charset=utf-8", "desk.js": "text/javascript; charset=utf-8", "discover.js": "text/javascript; charset=utf-8", "map.js": "text/javascript; charset=utf-8",
        "me.js": "text/javascript; charset=utf-8", "sw.js": "text/javascript; charset=utf-8",
    ]

    /// Leaflet, from Debian's libjs-leaflet (`scripts/install-deps`), served as `/static/leaflet/…`;
    /// where it is missing the results keep the map drawn on the server.
    static let leafletFolder = URL(filePath: "/usr/share/javascript/leaflet")
    static let leafletFiles = [("leaflet.js", "leaflet.min.js", "text/javascript; charset=utf-8"), ("leaflet.css", "leaflet.css", "text/css; charset=utf-8")]

    static let securityHeaders: HTTPFields = [
        // Map tiles are the one thing from elsewhere: OpenStreetMap's, as pictures.
        .contentSecurityPolicy: "default-src 'self'; img-src 'self' data: https://tile.openstreetmap.org; style-src 'self'; script-src 'self'; object-src 'none'; "
            + "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        .xContentTypeOptions: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
    ]

    static let templates = [
        "head", "foot", "message", "discover", "gym", "session", "signup", "login", "verify", "me", "booking", "cancel", "buy",
        "dashnav", "deskcheckin", "dashboard", "desk", "roster", "analytics", "classform", "classes", "class", "packs", "payouts", "staff",
        "members", "settings", "forgyms", "opengym", "notifications",
    ]

    /// Loads the templates installed beside the binary; fails at start-up when one is missing
    /// or does not parse, never at a visitor's request.
    static func load() throws -> WebPages {
        guard let templates = Bundle.module.url(forResource: "templates", withExtension: nil),
            let folder = Bundle.module.url(forResource: "static", withExtension: nil)
        else { throw WebPageError(description: "the page templates are not installed beside this binary") }
        let translations = try Translations.installed.get()
        var libraries: [PageLanguage: MustacheLibrary] = [:]
        for language in PageLanguage.allCases {
            var library = MustacheLibrary()
            for name in Self.templates {
                let text = try String(contentsOf: templates.appending(path: "\(name).mustache"), encoding: .utf8)
                let translated = TemplateText.translated(text) { phrase in
                    guard case .text(let words) = translations.lookup(phrase, in: language) else { return nil }
                    return words
                }
                try library.register(translated, named: name)
            }
            libraries[language] = library
        }
        var assets: [String: Asset] = [:]
        for (name, type) in assetTypes {
            let data = try Data(contentsOf: folder.appending(path: name))
            assets[name] = Asset(bytes: Array(data), contentType: type, tag: EntityTag.of(data))
        }
        for (name, file, type) in leafletFiles {
            guard let data = try? Data(contentsOf: leafletFolder.appending(path: file)) else { continue }
            assets["leaflet/" + name] = Asset(bytes: Array(data), contentType: type, tag: EntityTag.of(data))
        }
        return WebPages(libraries: libraries, assets: assets)
    }

    /// The phrases of every template, as a translation must give them (for the tests that
    /// hold the translations complete).
    static func templatePhrases() throws -> [String: [String]] {
        guard let templates = Bundle.module.url(forResource: "templates", withExtension: nil) else {
            throw WebPageError(description: "the page templates are not installed beside this binary")
        }
        return try Dictionary(uniqueKeysWithValues: Self.templates.map { name in
            (name, TemplateText.phrases(in: try String(contentsOf: templates.appending(path: "\(name).mustache"), encoding: .utf8)))
        })
    }

    /// A rendered page as an HTML response. `formLeadsTo` names the other origins a form of the
    /// page may end up on (the buy page's form is answered with a redirect to the provider's
    /// checkout, and browsers hold a form's redirects to the page's `form-action` too).
    func page(_ template: String, _ model: some PageModel, status: HTTPResponse.Status = .ok, formLeadsTo: [String] = []) throws -> Response {
        guard let html = libraries[model.visitor.language]?.render(MustacheTree.of(model) as Any, withTemplate: template) else {
            throw WebPageError(description: "no page template named \(template)")
        }
        var headers = Self.securityHeaders
        if !formLeadsTo.isEmpty, let policy = headers[.contentSecurityPolicy] {
            headers[.contentSecurityPolicy] = policy.replacingOccurrences(
                of: "form-action 'self'", with: "form-action 'self' " + formLeadsTo.joined(separator: " ")
            )
        }
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-cache"
        headers[.contentLanguage] = model.visitor.lang
        headers[.vary] = "Accept-Language, Cookie"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// What every page's model carries: the visit, whose language picks the templates.
protocol PageModel {
    var visitor: WebVisit { get }
}

struct WebPageError: Error, CustomStringConvertible {
    var description: String
}

extension Request {
    /// Whether the client asked for a page rather than JSON (a browser's `Accept` names HTML).
    var wantsHTML: Bool { headers[.accept]?.contains("text/html") == true }
}
