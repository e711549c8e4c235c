import ArgumentParser
import Datasets
import Domain
import Foundation
import Geo
import GeoAreas
import Marketplace

struct Search: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search classes near a place.",
        discussion: """
            Examples:
              studioloop search yoga --near -26.2041,28.0473 --radius 5km
              studioloop search "spin class" --city cape-town --from 2026-11-26T17:00:00+02:00 --sort start_time
              studioloop search --city lagos --type hiit,strength --min-spots 0 --json
              studioloop search yoga --area Rosebank --server http://127.0.0.1:8080
            """
    )

    @Argument(help: "Words to look for in class, gym and place names (the last may be unfinished).")
    var words: [String] = []

    @Option(
        name: .long, parsing: .unconditional,
        help: ArgumentHelp("Where you are: latitude,longitude (southern latitudes are negative).", valueName: "lat,lng"),
        transform: Position.parse
    )
    var near: Position?

    @Option(help: ArgumentHelp("Search around this city's centre, or a town's or neighbourhood's (\"Sandton\", \"Zamalek\"), instead of --near.", valueName: "name"))
    var city: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("How far to look: 5km, 800m, or kilometres (default 10km, at most 100km).", valueName: "distance")
    )
    var radius: Distance?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "Search a box instead of a radius: south,west,north,east (west > east crosses the antimeridian); distances from --near or --city if given, else from its centre.",
            valueName: "s,w,n,e"
        )
    )
    var bbox: BoundingBox?

    @Option(help: ArgumentHelp("Search within a GeoJSON Polygon or MultiPolygon (a file, or - for standard input).", valueName: "file"))
    var within: String?

    @Option(help: ArgumentHelp("Search along a route: a GeoJSON LineString file, or an encoded polyline.", valueName: "route"))
    var along: String?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("How far either side of the --along route to look (default 1km, at most 10km).", valueName: "distance")
    )
    var corridor: Distance?

    @Option(help: ArgumentHelp("Search within a named area: a neighbourhood, township or town in any of its names (\"Westlands\", \"Maadi\", \"المعادي\", \"ቦሌ\").", valueName: "name"))
    var area: String?

    @Option(help: ArgumentHelp(
        "Sessions starting at or after this time (default: now): ISO 8601 with its offset, or a date or local time without one (2026-12-02, 2026-12-02T18:00) on the searched place's clock.",
        valueName: "time"
    ))
    var from: SearchTime?

    @Option(help: ArgumentHelp("Sessions starting before this time, written as --from (default: from + 7 days).", valueName: "time"))
    var to: SearchTime?

    @Option(help: ArgumentHelp(
        "Instead of --from and --to, on the searched place's clock: today, tonight (17:00 to midnight), tomorrow, tomorrow-morning (05:00 to noon), weekend, a weekday (friday) or a date.",
        valueName: "when"
    ))
    var when: String?

    @Option(help: ArgumentHelp("Class types, comma-separated.", valueName: "types"))
    var type: CommaSeparated<ClassType>?

    @Option(help: ArgumentHelp("Difficulty levels, comma-separated.", valueName: "levels"))
    var difficulty: CommaSeparated<Difficulty>?

    // Numbers are read as values even when negative, so the search can say what is wrong with them.
    @Option(parsing: .unconditional, help: "Leave out classes that cost more credits than this.")
    var maxCredits: Int?

    @Option(parsing: .unconditional, help: "Leave out sessions with fewer spots left (0 includes full sessions, waitlist only).")
    var minSpots: Int = 1

    @Option(help: ArgumentHelp("Only this gym (its id or slug).", valueName: "gym"))
    var tenant: String?

    @Flag(help: "Include gyms that do not sell through the marketplace.")
    var allGyms = false

    @Option(help: ArgumentHelp("How to order the results.", valueName: "order"))
    var sort: Marketplace.SortOrder = .relevance

    @Option(parsing: .unconditional, help: "Results per page (1-100).")
    var limit: Int = 20

    @Option(help: "Continue from a previous page's next cursor.")
    var cursor: String?

    @Flag(help: "Show each score's parts and the query plan.")
    var explain = false

    @Flag(help: "Print JSON: {\"results\": [...], \"next_cursor\": ..., \"took_ms\": ...}.")
    var json = false

    @Option(help: ArgumentHelp("Load this index snapshot instead of building the index.", valueName: "file"))
    var index: String?

    @Option(help: ArgumentHelp("Which side drives the search (for engineers; all give the same answer).", valueName: "plan"))
    var plan: PlanChoice = .automatic

    @Option(name: .customLong("repeat"), help: ArgumentHelp("Run the query this many times and report the index time's median and 99th percentile (warm).", valueName: "n"))
    var repetitions: Int = 1

    @Option(help: ArgumentHelp(
        "Ask this running server (`studioloop serve`) instead of reading a dataset: it searches its own store's gyms and classes on its own clock.",
        valueName: "url"
    ))
    var server: String?

    @OptionGroup var options: DatasetOptions

    /// What only the command line can get wrong is checked here; the rest is the query's own
    /// check (the one the API makes), reported in the flags' names. A city's centre and a named
    /// or drawn area are looked up later, so stand-ins take their place for the check.
    func validate() throws {
        if near != nil && city != nil { throw ValidationError("--near and --city both say where to look: give one") }
        if within != nil && area != nil { throw ValidationError("--within and --area both draw the area: give one") }
        guard (1...1_000_000).contains(repetitions) else { throw ValidationError("--repeat must be between 1 and 1000000 (got \(repetitions))") }
        if when != nil && (from != nil || to != nil) { throw ValidationError("--when sets the window: give it or --from/--to, not both") }
        if let area, radius != nil, near == nil, city == nil {
            throw ValidationError("--radius: an --area is searched whole; for a circle around it, give --city \"\(area)\" with --radius instead")
        }
        if near == nil && city == nil && area == nil && bbox == nil, let flag = clockFlag {
            throw Self.needsClock(flag)
        }
        if let server {
            _ = try RemoteSearch.address(server)
            let local = [
                ("--dataset", options.dataset != nil), ("--now", options.now != nil), ("--index", index != nil),
                ("--plan", plan != .automatic), ("--repeat", repetitions != 1),
            ]
            if let flag = local.first(where: \.1)?.0 {
                throw ValidationError("\(flag) reads local data; with --server the server searches its own data on its own clock: leave out one of them")
            }
            // The server checks the query on its own clock and its refusals name the flags.
            return
        }
        let standIns = city != nil || within != nil || area != nil
        var query = try query(
            origin: near?.coordinate ?? (city == nil ? nil : Self.standInPosition), area: standIns ? Self.standInArea : nil, clock: ZoneClock(zoneOrUTC: "UTC")
        )
        if standIns { query.cursor = nil }  // a cursor belongs to the real query; the search checks it
        try flagged { () throws(SearchError) in try query.validate() }
    }

    /// The query the flags ask for, around `origin` and within `area`; `--when` and times
    /// without an offset read on `clock`, the searched place's.
    func query(origin: Coordinate?, area: Area?, clock: ZoneClock?) throws -> SearchQuery {
        var query = SearchQuery(now: options.nowSeconds)
        query.origin = origin
        query.box = bbox?.box
        query.area = area
        if let along {
            query.corridor = try Self.corridor(from: along, widthKm: corridor?.kilometres)
        } else if corridor != nil {
            try flagged { () throws(SearchError) in _ = try SearchQuery.corridor(nil, widthKm: corridor?.kilometres) }
        }
        query.radiusKm = radius?.kilometres
        query.text = words.isEmpty ? nil : words.joined(separator: " ")
        if let flag = clockFlag {
            guard var clock else {
                throw Self.needsClock(flag)
            }
            if let when {
                (query.from, query.to) = try flagged { () throws(SearchError) in try SearchWhen.window(when, clock: &clock, now: query.now) }
            } else {
                query.from = from?.instant(on: &clock)
                query.to = to?.instant(on: &clock)
            }
        } else {
            var instants = ZoneClock(zoneOrUTC: "UTC")  // every time here carries its offset
            query.from = from?.instant(on: &instants)
            query.to = to?.instant(on: &instants)
        }
        query.types = type?.values ?? []
        query.difficulties = difficulty?.values ?? []
        query.maxCredits = maxCredits
        query.minSpots = minSpots
        query.tenant = tenant
        query.marketplaceOnly = !allGyms
        query.sort = sort
        query.limit = limit
        query.cursor = cursor
        query.explain = explain
        query.plan = plan
        return query
    }

    func classTypes() -> Set<ClassType> { type?.values ?? [] }

    func run() async throws {
        if let server {
            let answer = try await RemoteSearch(server: try RemoteSearch.address(server)).search(try requestBody())
            print(try render(answer.page, roundTripMs: answer.roundTripMs))
            return
        }
        let now = options.nowSeconds
        let marketplace = try IndexLoader(dataset: options.datasetURL, snapshot: index.map { URL(filePath: $0) }, now: now).load()
        let query = try localQuery(places: marketplace.places)
        let page = try flagged { () throws(SearchError) in try marketplace.index.search(query) }
        if repetitions > 1 {
            var times = [page.tookMs]
            for _ in 1..<repetitions { times.append(try marketplace.index.search(query).tookMs) }
            times.sort()
            func percentile(_ p: Double) -> Double { times[min(times.count - 1, max(0, Int((Double(times.count) * p).rounded(.up)) - 1))] }
            let line = String(
                format: "%d runs, index time: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms",
                times.count, percentile(0.5), percentile(0.9), percentile(0.99), times.last!
            )
            FileHandle.standardError.write(Data((line + "\n").utf8))
        }
        let horizonEnd = marketplace.index.materializedAt + Int64(marketplace.index.horizonDays) * 86_400
        let pastHorizon = (query.from ?? now) >= horizonEnd ? horizonEnd : nil
        print(try render(page, howLoaded: marketplace.howLoaded, pastHorizon: pastHorizon))
    }

    /// The page as the flags ask: JSON, or the table. The same either way for a local search and
    /// one asked of a server.
    func render(_ page: SearchPage, roundTripMs: Double? = nil, howLoaded: String? = nil, pastHorizon: Int64? = nil) throws -> String {
        guard !json else { return String(decoding: try JSONLines.encoder().encode(page), as: UTF8.self) }
        return ResultTable(
            page: page, explain: explain, detour: along != nil, roundTripMs: roundTripMs, howLoaded: howLoaded, pastHorizon: pastHorizon
        ).render()
    }

    /// The query the flags ask of a local index, with `--city`, `--area` and `--within` looked
    /// up and times read on the searched place's clock.
    func localQuery(places: [Place]) throws -> SearchQuery {
        let origin = near == nil && city == nil ? nil : try origin(in: places)
        let named = try area.map { try Self.namedArea($0, near: origin) }
        let area = try within.map(Self.area(from:)) ?? named?.area
        // Distances in a named area are from the place itself, as the API measures them.
        return try query(origin: origin ?? named?.site, area: area, clock: placeClock(origin: origin))
    }

    /// The flags as `POST /marketplace/search` takes them, by their API names. `--city` is
    /// looked up here (its centre is where the search looks from); `--area` goes by name, for
    /// the server's own gazetteer to resolve.
    func requestBody() throws -> [String: Any] {
        var body: [String: Any] = ["min_spots": minSpots, "limit": limit, "sort": sort.rawValue]
        if !words.isEmpty { body["q"] = words.joined(separator: " ") }
        if let near {
            body["near"] = "\(near.coordinate.latitude),\(near.coordinate.longitude)"
        } else if let city {
            let centre = try Self.cityCentre(city) ?? Self.neighbourhoodCentre(city)
            body["near"] = "\(centre.latitude),\(centre.longitude)"
        }
        if let radius { body["radius_km"] = radius.kilometres }
        if let box = bbox?.box { body["bbox"] = "\(box.south),\(box.west),\(box.north),\(box.east)" }
        if let area { body["area"] = area }
        if let within { body["area"] = try Self.geoJSON(within, flag: "--within") }
        if let along {
            body["along"] = FileManager.default.fileExists(atPath: along) ? try Self.geoJSON(along, flag: "--along") : along
        }
        if let corridor { body["corridor_km"] = corridor.kilometres }
        if let from { body["from"] = from.description }
        if let to { body["to"] = to.description }
        if let when { body["when"] = when }
        if let type { body["type"] = type.values.map(\.rawValue).sorted() }
        if let difficulty { body["difficulty"] = difficulty.values.map(\.rawValue).sorted() }
        if let maxCredits { body["max_credits"] = maxCredits }
        if let tenant { body["tenant"] = tenant }
        if allGyms { body["all_gyms"] = true }
        if let cursor { body["cursor"] = cursor }
        if explain { body["explain"] = true }
        return body
    }

    /// A GeoJSON file (or - for standard input) as the JSON object the server reads.
    private static func geoJSON(_ path: String, flag: String) throws -> Any {
        let data = path == "-" ? FileHandle.standardInput.readDataToEndOfFile() : FileManager.default.contents(atPath: path)
        guard let data else { throw ValidationError("\(flag): cannot read \(path)") }
        guard let object = try? JSONSerialization.jsonObject(with: data), object is [String: Any] else {
            throw ValidationError("\(flag): \(path) is not a GeoJSON object")
        }
        return object
    }

    private static let standInPosition = Coordinate(latitude: 0, longitude: 0)
    private static let standInArea = try! Area(polygons: [[[
        Coordinate(latitude: 0, longitude: 0), Coordinate(latitude: 0, longitude: 0.01), Coordinate(latitude: 0.01, longitude: 0),
        Coordinate(latitude: 0, longitude: 0),
    ]]])

    /// The polygon of `--within`, refused in one line naming the flag when it cannot be used.
    static func area(from path: String) throws -> Area {
        let data: Data
        if path == "-" {
            data = FileHandle.standardInput.readDataToEndOfFile()
        } else {
            guard let contents = FileManager.default.contents(atPath: path) else { throw ValidationError("--within: cannot read \(path)") }
            data = contents
        }
        do { return try Area(geoJSON: data) } catch { throw ValidationError("--within: \(error)") }
    }

    /// The corridor of `--along`: a GeoJSON LineString file, else an encoded polyline; `widthKm`
    /// wide (1 km when not given).
    static func corridor(from route: String, widthKm: Double?) throws -> Corridor {
        let path: [Coordinate]
        do {
            if let contents = FileManager.default.contents(atPath: route) {
                path = try Corridor.lineString(geoJSON: contents)
            } else {
                path = try Corridor.polyline(route)
            }
        } catch {
            throw ValidationError("--along: \(error)")
        }
        return try flagged { () throws(SearchError) in try SearchQuery.corridor(path, widthKm: widthKm)! }
    }

    static func needsClock(_ flag: String) -> ValidationError {
        ValidationError("\(flag): needs a place to read its clock: give --near, --city, --area or --bbox (or a time with its offset, such as +02:00)")
    }

    /// The first flag that is read on the searched place's clock, if any is given.
    var clockFlag: String? {
        when != nil ? "--when" : from?.needsClock == true ? "--from" : to?.needsClock == true ? "--to" : nil
    }

    /// The clock of the place searched: the named area's zone, else that of the area nearest
    /// the position (or the box's centre), as the server reads it.
    func placeClock(origin: Coordinate?) throws -> ZoneClock? {
        guard clockFlag != nil else { return nil }
        return try Self.namedAreas().timezone(area: area, near: origin, box: bbox?.box).flatMap(ZoneClock.init(identifier:))
    }

    static func namedAreas() throws -> NamedAreas {
        try loadedAreas.get()
    }

    /// The reference data and its areas, read and built once however many flags ask (the
    /// areas are a GEOS Voronoi diagram of every city's places).
    private static let loadedReference = Result { try ReferenceData(directory: ReferenceData.defaultDirectory()) }
    private static let loadedAreas = Result {
        let reference = try loadedReference.get()
        return try NamedAreas(cities: reference.cities, places: reference.places)
    }

    /// The area `--area` names, refused in one line when there is none of that name.
    static func namedArea(_ name: String, near: Coordinate?) throws -> NamedArea {
        let areas = try namedAreas()
        guard let found = areas.area(named: name, near: near) else {
            throw ValidationError("--area: no area called '\(name)' (areas are the towns of Data/places.tsv and the neighbourhoods of Data/neighbourhoods.tsv)")
        }
        return found
    }

    /// `--near` as given, or the centre of the `--city` named: a city of Data/cities.json, a
    /// place of the dataset (matched by folded name), or a town or neighbourhood of the gazetteer.
    func origin(in places: [Place]) throws -> Coordinate {
        if let near { return near.coordinate }
        let name = city!
        if let centre = try Self.cityCentre(name) { return centre }
        if let place = PlaceLookup.place(named: name, in: places) { return place.coordinate }
        return try Self.neighbourhoodCentre(name)
    }

    /// The centre of a city of Data/cities.json by its slug, name or alias.
    static func cityCentre(_ name: String) throws -> Coordinate? {
        try loadedReference.get().city(named: name)?.centerCoordinate
    }

    /// Where a town or neighbourhood of the gazetteer stands, by any of its names.
    static func neighbourhoodCentre(_ name: String) throws -> Coordinate {
        guard let area = try namedAreas().area(named: name) else {
            throw ValidationError(
                "--city: no city, town or neighbourhood called '\(name)' in Data/cities.json, Data/places.tsv or Data/neighbourhoods.tsv"
            )
        }
        return area.site
    }
}
