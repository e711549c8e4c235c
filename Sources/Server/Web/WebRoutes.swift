import Datasets
import Domain
import Foundation
import Geo
import Hummingbird
import Marketplace
import Storage

/// The public pages: discovery at `/` (a browser's request; API clients still get the JSON
/// index there), a page per gym, the sitemap of the gym pages, and the stylesheet. Every page
/// works with no script at all: the search is a plain GET form, so its URL reproduces it.
struct WebRoutes {
    let services: ServerServices
    /// Loaded once per process: the templates ship inside the binary's resource bundle.
    static let installed = Result { try WebPages.load() }
    var pages: WebPages { get throws { try Self.installed.get() } }

    /// Results on the discovery page.
    static let resultsPerPage = 20
    /// "All of a city" searches this far around its largest place.
    static let cityRadiusKm = 30.0

    func register(on router: Router<AppContext>) {
        let handlers = WebHandlers(services: services)
        handlers.page(router, .get, "/") { request, context, visit -> Response in
            // Where an API client starts: the description and the health.
            guard request.wantsHTML else {
                return try Reply(["name": "StudioLoop API", "openapi": "/openapi.yaml", "docs": "/docs", "api": "/api/v1", "health": "/health"])
                    .response(from: request, context: context)
            }
            return try discover(request, visit: visit)
        }
        handlers.page(router, .get, "gyms/{slug}") { _, context, visit -> Response in
            try await gym(try context.parameters.require("slug"), visit: visit)
        }
        router.get("sitemap.xml") { _, _ -> Response in
            let gyms = try await services.store.catalog.gyms(from: 0, to: 0).filter(\.tenant.isActive)
            var xml = #"<?xml version="1.0" encoding="UTF-8"?>"# + "\n" + #"<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">"# + "\n"
            xml += "<url><loc>\(Self.xmlEscaped(services.publicURL))/</loc></url>\n"
            for gym in gyms.sorted(by: { $0.tenant.slug < $1.tenant.slug }) {
                xml += "<url><loc>\(Self.xmlEscaped(services.publicURL))/gyms/\(Self.xmlEscaped(gym.tenant.slug))</loc></url>\n"
            }
            xml += "</urlset>\n"
            return Response(status: .ok, headers: [.contentType: "text/xml; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: xml)))
        }
        // The service worker lives at the root so that it may keep the pages under /me.
        router.get("sw.js") { request, _ -> Response in
            guard let asset = try pages.assets["sw.js"] else { throw APIError.notFound("no service worker") }
            var response = EntityTag.answer(asset.bytes, tag: asset.tag, contentType: asset.contentType, for: request)
            response.headers[.cacheControl] = "no-cache"
            return response
        }
        router.get("static/leaflet/{file}") { request, context -> Response in
            let name = try context.parameters.require("file")
            guard let asset = try pages.assets["leaflet/" + name] else { throw APIError.notFound("no file /static/leaflet/\(name) (is libjs-leaflet installed?)") }
            return EntityTag.answer(asset.bytes, tag: asset.tag, contentType: asset.contentType, for: request)
        }
        router.get("static/{file}") { request, context -> Response in
            let name = try context.parameters.require("file")
            guard let asset = try pages.assets[name] else { throw APIError.notFound("no file /static/\(name)") }
            return EntityTag.answer(asset.bytes, tag: asset.tag, contentType: asset.contentType, for: request)
        }
    }

    // MARK: Discovery

    struct Option: Sendable {
        var value: String
        var label: String
        var selected: Bool
    }


    struct ResultRow: Sendable {
        var sessionId: String
        var className: String
        var gymName: String
        var gymSlug: String
        var suburb: String
        var distance: String?
        var start: String
        var spots: String
        var credits: String
        /// Its number on the map.
        var number: Int
        var lat: Double
        var lng: Double

        /// The result as the page lists it. Written here rather than as a Mustache section: 20 rows
        /// of a dozen tags each were half of the page's render, and the row has no words to
        /// translate, only values, each escaped.
        var html: String {
            let e = HTML.escape
            return """
                  <li class="result" data-pin data-lat="\(lat)" data-lng="\(lng)" data-number="\(number)" data-name="\(e(className)), \(e(gymName))">
                    <a class="class" href="/sessions/\(e(sessionId))"><span class="number">\(number)</span> <bdi>\(e(className))</bdi></a>
                    <a class="gym" href="/gyms/\(e(gymSlug))"><bdi>\(e(gymName))</bdi></a> · <bdi class="suburb">\(e(suburb))</bdi>\(distance.map { " · <span class=\"distance\">\(e($0))</span>" } ?? "")
                    <span class="when">\(e(start))</span>
                    <span class="spots" data-session="\(e(sessionId))">\(e(spots))</span>
                    <span class="credits">\(e(credits))</span>
                  </li>

                """
        }
    }

    struct DiscoverPage: PageModel, Sendable {
        var visitor: WebVisit
        var title: String
        var description: String
        var canonical: String?
        var q: String
        var near: String
        var maxCredits: String
        var date: String
        var whens: [Option]
        /// The city and area picker's options, as HTML.
        var cityOptions: String
        var types: [Option]
        var difficulties: [Option]
        var error: String?
        var searched: Bool
        var place: String?
        var count: Int
        var countLine: String
        /// The results' list items, as HTML (`ResultRow.html`).
        var results: String
        /// The plural forms of "{n} spots left", for the script that keeps the spots live.
        var spotsForms: String
        /// The results drawn on the server, under the tiled map a script may add.
        var map: String?
    }

    private func discover(_ request: Request, visit: WebVisit) throws -> Response {
        let form = Dictionary(request.uri.queryParameters.map { (String($0.key), String($0.value)) }, uniquingKeysWith: { first, _ in first })
        let q = form["q"] ?? "", area = form["area"] ?? "", near = form["near"] ?? ""
        let type = form["type"] ?? "", difficulty = form["difficulty"] ?? "", maxCredits = form["max_credits"] ?? ""
        let when = form["when"] ?? "", date = form["date"] ?? ""
        let words = visit.words
        let spots = words.forms("{n} spot left", "{n} spots left")
        var page = DiscoverPage(
            visitor: visit, title: words("Find a fitness class near you · StudioLoop"),
            description: words("Yoga, boxing, pilates and more at gyms and studios across African cities: see the classes with a spot still free and book them."),
            canonical: services.publicURL + "/", q: q, near: near, maxCredits: maxCredits, date: date,
            whens: Self.whens.map { Option(value: $0.value, label: words($0.label), selected: $0.value == when) }, cityOptions: services.cityPicker.discovery(visit.language, selected: area),
            types: ClassType.allCases.map { Option(value: $0.rawValue, label: DashboardForms.label($0.rawValue, words), selected: $0.rawValue == type) },
            difficulties: Difficulty.allCases.map { Option(value: $0.rawValue, label: DashboardForms.label($0.rawValue, words), selected: $0.rawValue == difficulty) },
            error: nil, searched: false, place: nil, count: 0, countLine: "", results: "",
            spotsForms: (try? String(decoding: JSONSerialization.data(withJSONObject: spots.merging(["full": words("Full: join the waitlist"), "cancelled": words("Cancelled")]) { a, _ in a }, options: .sortedKeys), as: UTF8.self)) ?? "{}",
            map: nil
        )
        var parameters = ["limit": String(Self.resultsPerPage)]
        // The place searched: a position, a whole city (around its largest place), or a named area.
        if !near.isEmpty {
            parameters["near"] = near
        } else if let city = area.hasPrefix("city:") ? String(area.dropFirst(5)) : nil {
            guard let center = cityCenter(city) else { return try pages.page("discover", page.failing(words("There is no city called {city} here.", ["city": city])), status: .badRequest) }
            parameters["near"] = "\(center.site.latitude),\(center.site.longitude)"
            parameters["radius_km"] = String(Self.cityRadiusKm)
            page.place = center.city
        } else if !area.isEmpty {
            parameters["area"] = area
            page.place = services.areas.area(named: area)?.name
        } else {
            return try pages.page("discover", page)
        }
        let now = services.clock.now()
        let position = parameters["near"].map { $0.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) } }
            .flatMap { $0.count == 2 ? Coordinate(latitude: $0[0], longitude: $0[1]) : nil }
        if !when.isEmpty || !date.isEmpty {
            let zone = services.areas.timezone(area: parameters["area"], near: position, box: nil)
            guard var clock = ZoneClock(identifier: zone ?? "UTC") else { return try pages.page("discover", page.failing(words("No clock for this place.")), status: .badRequest) }
            // A date, when one is given, wins over the words.
            guard let (from, to) = try? SearchWhen.window(date.isEmpty ? when : date, clock: &clock, now: now) else {
                return try pages.page("discover", page.failing(words("When must be tonight, tomorrow morning, the weekend, or a date still to come.")), status: .badRequest)
            }
            parameters["from"] = ISO8601.format(from)
            parameters["to"] = ISO8601.format(to)
        }
        for (key, value) in [("q", q), ("type", type), ("difficulty", difficulty), ("max_credits", maxCredits)] where !value.isEmpty {
            parameters[key] = value
        }
        do {
            let found = try services.index.search(SearchQuery(parameters: parameters, areas: services.areas, now: now))
            services.metrics.searched(indexMilliseconds: found.tookMs)
            page.searched = true
            page.count = found.results.count
            page.countLine = page.place.map { words.count(page.count, "{n} class in {place}", "{n} classes in {place}", ["place": $0]) }
                ?? words.count(page.count, "{n} class", "{n} classes")
            let rows = found.results.enumerated().map { row(for: $1, number: $0 + 1, showDistance: !near.isEmpty || area.hasPrefix("city:"), words) }
            page.results = rows.map(\.html).joined()
            page.map = SVGMap.results(
                rows.map { SVGMap.Pin(number: $0.number, name: "\($0.className), \($0.gymName)", lat: $0.lat, lng: $0.lng) },
                center: position.map { ($0.latitude, $0.longitude) },
                title: words.count(rows.count, "Map of the {n} result", "Map of the {n} results"), words
            )
            return try pages.page("discover", page)
        } catch {
            let message = (error as? SearchError).map { "\($0.parameter == "near" ? words("Near") : $0.parameter): \($0.message)" } ?? words("That search could not be run.")
            return try pages.page("discover", page.failing(message), status: .badRequest)
        }
    }

    private func row(for result: SearchResult, number: Int, showDistance: Bool, _ words: Words) -> ResultRow {
        let start = ISO8601.parse(result.startTime) ?? 0
        return ResultRow(
            sessionId: result.sessionId, className: result.class.name, gymName: result.gym.name, gymSlug: result.gym.slug, suburb: result.gym.suburb,
            distance: showDistance ? words("{km} km", ["km": words.format.decimal(result.distanceKm)]) : nil,
            start: TimeZone(identifier: result.timezone).map { words.format.dayAndTime(start, $0) } ?? result.startTime,
            spots: Self.spotsLeft(result.spotsLeft, words),
            credits: Self.credits(result.class.credits, words), number: number, lat: result.gym.lat, lng: result.gym.lng
        )
    }

    static func spotsLeft(_ n: Int, _ words: Words) -> String {
        n == 0 ? words("Full: join the waitlist") : words.count(n, "{n} spot left", "{n} spots left")
    }

    static let whens = [
        (value: "tonight", label: "Tonight"), (value: "tomorrow-morning", label: "Tomorrow morning"), (value: "weekend", label: "This weekend"),
    ]

    /// A city's largest place: where an "all of the city" search is centred.
    func cityCenter(_ city: String) -> NamedArea? {
        services.areas.all.filter { $0.city == city }.max { ($0.population, $1.slug) < ($1.population, $0.slug) }
    }

    // MARK: A gym

    struct SessionRow: Sendable {
        var id: String
        var time: String
        var className: String
        var spots: String
        var credits: String
    }

    struct DayRow: Sendable {
        var day: String
        var sessions: [SessionRow]
    }

    struct PackRow: Sendable {
        var name: String
        var offer: String
    }

    struct GymView: PageModel, Sendable {
        var visitor: WebVisit
        var title: String
        var description: String
        var canonical: String?
        var name: String
        var address: String
        var phone: String?
        /// Where the gym is, drawn on the server; the page's script lays the tiles over it.
        var map: String?
        var lat: Double
        var lng: Double
        var marketplace: Bool
        var days: [DayRow]
        var packs: [PackRow]
    }

    private func gym(_ slug: String, visit: WebVisit) async throws -> Response {
        let now = services.clock.now(), words = visit.words
        guard let id = try await services.store.catalog.tenantId(slug: slug),
            let gym = try await services.store.catalog.gyms(from: now, to: now + 14 * 86_400, tenant: id).first, gym.tenant.isActive
        else { throw APIError.notFound("no gym with slug '\(slug)'") }
        let tenant = gym.tenant
        let zone = ZoneClock(zoneOrUTC: tenant.timezone).zone
        var days: [DayRow] = []
        for session in gym.sessions.filter({ !$0.isCancelled }).sorted(by: { $0.start < $1.start }) {
            let fitness = gym.classes[session.classIndex]
            let row = SessionRow(
                id: SessionSchedule.sessionID(classId: fitness.id, start: session.start), time: words.format.time(session.start, zone), className: fitness.name,
                spots: session.availableSpots == 0 ? words("Full") : words.count(session.availableSpots, "{n} spot", "{n} spots"),
                credits: Self.credits(fitness.creditsRequired, words)
            )
            let day = words.format.day(session.start, zone)
            if days.last?.day == day { days[days.count - 1].sessions.append(row) } else { days.append(DayRow(day: day, sessions: [row])) }
        }
        let packs = try await services.store.packages.list(tenant: id).filter { !$0.recurring }
        let address = [tenant.address.street, tenant.address.suburb, tenant.address.city, tenant.address.country].filter { !$0.isEmpty }.joined(separator: ", ")
        return try pages.page("gym", GymView(
            visitor: visit, title: words("{gym} · classes and timetable · StudioLoop", ["gym": tenant.name]),
            description: words("{gym} in {place}: {classes}. See the next two weeks and book.", [
                "gym": tenant.name, "place": tenant.address.suburb.isEmpty ? tenant.address.city : tenant.address.suburb,
                "classes": Set(gym.classes.map(\.name)).sorted().prefix(4).joined(separator: ", "),
            ]),
            canonical: services.publicURL + "/gyms/" + slug, name: tenant.name, address: address, phone: tenant.phone.isEmpty ? nil : tenant.phone,
            map: SVGMap.results(
                [SVGMap.Pin(number: nil, name: tenant.name, lat: tenant.location.lat, lng: tenant.location.lng)], center: nil,
                title: words("Where {gym} is", ["gym": tenant.name]), words
            ),
            lat: tenant.location.lat, lng: tenant.location.lng, marketplace: tenant.marketplaceEnabled, days: days,
            packs: packs.map { PackRow(name: $0.name, offer: words.count($0.credits, "{n} credit for {price}", "{n} credits for {price}", ["price": words.format.money($0.price)])) }
        ))
    }

    // MARK: Helpers

    static func credits(_ n: Int, _ words: Words) -> String { words.count(n, "{n} credit", "{n} credits") }

    static func xmlEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

extension WebRoutes.DiscoverPage {
    func failing(_ message: String) -> Self {
        var page = self
        page.error = message
        return page
    }
}
