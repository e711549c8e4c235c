import ArgumentParser
import Datasets
import Domain
import Foundation
import Geo
import GeoAreas
import Marketplace

struct Search: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Search classes near a place.",
        discussion: """
            Examples:
              studioloop search yoga --near -26.2041,28.0473 --radius 5km
              studioloop search "spin class" --city cape-town --from 2026-11-26T17:00:00+02:00 --sort start_time
              studioloop search --city lagos --type hiit,strength --min-spots 0 --json
            """
    )

    @Argument(help: "Words to look for in class, gym and place names (the last may be unfinished).")
    var words: [String] = []

    @Option(
        name: .long, parsing: .unconditional,
        help: ArgumentHelp("Where you are: latitude,longitude (southern latitudes are negative).", valueName: "lat,lng")
    )
    var near: Position?

    @Option(help: ArgumentHelp("Search around this city's centre (or a suburb's) instead of --near.", valueName: "name"))
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

    @Option(help: ArgumentHelp("Search within a named area: a suburb, township or town (\"Soweto\", \"Westlands\", \"Ikeja\").", valueName: "name"))
    var area: String?

    @Option(help: ArgumentHelp("Sessions starting at or after this ISO 8601 time (default: now).", valueName: "time"))
    var from: Instant?

    @Option(help: ArgumentHelp("Sessions starting before this ISO 8601 time (default: from + 7 days).", valueName: "time"))
    var to: Instant?

    @Option(help: ArgumentHelp("Class types, comma-separated: \(ClassType.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "types"))
    var type: String?

    @Option(help: ArgumentHelp("Difficulty levels, comma-separated: \(Difficulty.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "levels"))
    var difficulty: String?

    @Option(help: "Leave out classes that cost more credits than this.")
    var maxCredits: Int?

    @Option(help: "Leave out sessions with fewer spots left (0 includes full sessions, waitlist only).")
    var minSpots: Int = 1

    @Option(help: ArgumentHelp("Only this gym (its id or slug).", valueName: "gym"))
    var tenant: String?

    @Flag(help: "Include gyms that do not sell through the marketplace.")
    var allGyms = false

    @Option(help: ArgumentHelp("Order: \(SortOrder.allCases.map(\.rawValue).joined(separator: ", ")).", valueName: "order"))
    var sort: String = SortOrder.relevance.rawValue

    @Option(help: "Results per page (1-100).")
    var limit: Int = 20

    @Option(help: "Continue from a previous page's next cursor.")
    var cursor: String?

    @Flag(help: "Show each score's parts and the query plan.")
    var explain = false

    @Flag(help: "Print JSON: {\"results\": [...], \"next_cursor\": ..., \"took_ms\": ...}.")
    var json = false

    @Option(help: ArgumentHelp("Load this index snapshot instead of building the index.", valueName: "file"))
    var index: String?

    @Option(help: ArgumentHelp("Which side drives the search: \(PlanChoice.allCases.map(\.rawValue).joined(separator: ", ")) (for engineers; all give the same answer).", valueName: "plan"))
    var plan: String = PlanChoice.automatic.rawValue

    @Option(name: .customLong("repeat"), help: ArgumentHelp("Run the query this many times and report the index time's median and 99th percentile (warm).", valueName: "n"))
    var repetitions: Int = 1

    @OptionGroup var options: DatasetOptions

    func validate() throws {
        if near == nil && city == nil && bbox == nil && within == nil && area == nil && along == nil {
            throw ValidationError("--near, --city, --bbox, --within, --area or --along is required: where should the search look?")
        }
        if along != nil && (near != nil || city != nil || bbox != nil || within != nil || area != nil || radius != nil) {
            throw ValidationError("--along replaces --near, --city, --radius, --bbox, --within and --area: give one or the other")
        }
        if corridor != nil && along == nil { throw ValidationError("--corridor needs a route (--along)") }
        if let corridor, !(corridor.kilometres > 0 && corridor.kilometres <= Corridor.maxWidthKm) {
            throw ValidationError("--corridor must be greater than 0 and at most \(Int(Corridor.maxWidthKm))km")
        }
        if within != nil && area != nil { throw ValidationError("--within and --area both draw the area: give one") }
        if let bbox, !bbox.box.isValid {
            throw ValidationError("--bbox must be south,west,north,east with south <= north, latitudes within [-90, 90] and longitudes within [-180, 180]")
        }
        if near != nil && city != nil { throw ValidationError("--near and --city both say where to look: give one") }
        if let near, !near.coordinate.isValid {
            throw ValidationError("--near: latitude must be within [-90, 90] and longitude within [-180, 180] (got \(near.coordinate))")
        }
        if let radius, !(radius.kilometres > 0 && radius.kilometres <= SearchQuery.maxRadiusKm) {
            throw ValidationError("--radius must be greater than 0 and at most \(Int(SearchQuery.maxRadiusKm))km")
        }
        if let from, let to, to.seconds <= from.seconds { throw ValidationError("--to must be after --from") }
        _ = try classTypes()
        _ = try difficulties()
        guard SortOrder(rawValue: sort) != nil else {
            throw ValidationError("--sort must be one of \(SortOrder.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(sort)')")
        }
        guard PlanChoice(rawValue: plan) != nil else {
            throw ValidationError("--plan must be one of \(PlanChoice.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(plan)')")
        }
        guard (1...SearchQuery.maxLimit).contains(limit) else {
            throw ValidationError("--limit must be between 1 and \(SearchQuery.maxLimit) (got \(limit))")
        }
        if minSpots < 0 { throw ValidationError("--min-spots must be 0 or more (got \(minSpots))") }
        guard (1...1_000_000).contains(repetitions) else { throw ValidationError("--repeat must be between 1 and 1000000 (got \(repetitions))") }
        if let maxCredits, maxCredits < 0 { throw ValidationError("--max-credits must be 0 or more (got \(maxCredits))") }
    }

    func classTypes() throws -> Set<ClassType> {
        try Set(list(type).map { name in
            guard let value = ClassType(rawValue: name.replacingOccurrences(of: "-", with: "_")) else {
                throw ValidationError("--type: unknown class type '\(name)' (known: \(ClassType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return value
        })
    }

    func difficulties() throws -> Set<Difficulty> {
        try Set(list(difficulty).map { name in
            guard let value = Difficulty(rawValue: name.replacingOccurrences(of: "-", with: "_")) else {
                throw ValidationError("--difficulty: unknown level '\(name)' (known: \(Difficulty.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return value
        })
    }

    private func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
    }

    func run() throws {
        let now = options.nowSeconds
        let marketplace = try IndexLoader(dataset: options.datasetURL, snapshot: index.map { URL(filePath: $0) }, now: now).load()
        var query = SearchQuery(now: now)
        query.origin = near == nil && city == nil ? nil : try origin(in: marketplace.places)
        query.box = bbox?.box
        query.area = try within.map(Self.area(from:)) ?? area.map { try Self.namedArea($0, near: query.origin) }
        query.corridor = try along.map { try Self.corridor(from: $0, widthKm: corridor?.kilometres ?? Corridor.defaultWidthKm) }
        query.radiusKm = radius?.kilometres
        query.text = words.isEmpty ? nil : words.joined(separator: " ")
        query.from = from?.seconds
        query.to = to?.seconds
        query.types = try classTypes()
        query.difficulties = try difficulties()
        query.maxCredits = maxCredits
        query.minSpots = minSpots
        query.tenant = tenant
        query.marketplaceOnly = !allGyms
        query.sort = SortOrder(rawValue: sort)!
        query.limit = limit
        query.cursor = cursor
        query.explain = explain
        query.plan = PlanChoice(rawValue: plan)!
        let page = try marketplace.index.search(query)
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
        if json {
            let data = try JSONLines.encoder().encode(page)
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(ResultTable(page: page, explain: explain, detour: along != nil).render())
        }
    }

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

    /// The route of `--along`: a GeoJSON LineString file, else an encoded polyline.
    static func corridor(from route: String, widthKm: Double) throws -> Corridor {
        do {
            if let contents = FileManager.default.contents(atPath: route) {
                return try Corridor(path: try Corridor.lineString(geoJSON: contents), widthKm: widthKm)
            }
            return try Corridor(path: try Corridor.polyline(route), widthKm: widthKm)
        } catch {
            throw ValidationError("--along: \(error)")
        }
    }

    /// The area `--area` names, refused in one line when there is none of that name.
    static func namedArea(_ name: String, near: Coordinate?) throws -> Area {
        let reference = try ReferenceData(directory: ReferenceData.defaultDirectory())
        let areas = try NamedAreas(cities: reference.cities, places: reference.places)
        guard let found = areas.area(named: name, near: near) else {
            throw ValidationError("--area: no area called '\(name)' (areas are the suburbs and towns of Data/places.tsv)")
        }
        return found.area
    }

    /// `--near` as given, or the centre of the `--city` named: a city of Data/cities.json, or a
    /// place of the dataset (a suburb), matched by folded name.
    func origin(in places: [Place]) throws -> Coordinate {
        if let near { return near.coordinate }
        let name = city!
        if let reference = try? ReferenceData(directory: ReferenceData.defaultDirectory()), let known = reference.city(named: name) {
            return known.centerCoordinate
        }
        if let place = PlaceLookup.place(named: name, in: places) { return place.coordinate }
        throw ValidationError("--city: no city or suburb called '\(name)' in the data")
    }
}
