import Datasets
import Domain
public import Foundation
public import Geo
public import GeoAreas

/// The parameters a search is asked with, by the names the API gives them. `SearchError`
/// names one of these, so each front end can say it in its own words (the CLI as a flag).
public enum SearchParameter: String, CaseIterable, Sendable {
    case lat, lng, radiusKm = "radius_km", bbox, q, from, to, type, difficulty, maxCredits = "max_credits", minSpots = "min_spots"
    case sort, limit, cursor, explain, tenant, allGyms = "all_gyms", area, along, corridorKm = "corridor_km", when
    /// The position as one value, `lat,lng`: `near` as the other routes spell it, `location` as
    /// the seed's app sends it. Errors about the position as a whole name `near`.
    case near, location
}

extension SearchQuery {
    /// A query from parameters given as text by their API names: a URL's query string, or the
    /// scalar fields of a JSON body. Each value is read and checked on its own here; what the
    /// values mean together (ranges, the window, a cursor) is checked by `validate()`.
    /// - Parameters:
    ///   - area: a polygon that came beside the parameters (a JSON body's GeoJSON `area`).
    ///   - route: a route that came beside them (a JSON body's GeoJSON `along`).
    public init(
        parameters values: [String: String], area: Area? = nil, route: [Coordinate]? = nil, areas: NamedAreas, now: Int64
    ) throws(SearchError) {
        if let unknown = values.keys.filter({ SearchParameter(rawValue: $0) == nil }).min() {
            let known = SearchParameter.allCases.map(\.rawValue).sorted()
            throw SearchError(unknown, "unknown parameter (known: \(known.joined(separator: ", ")))")
        }
        func value(_ parameter: SearchParameter) -> String? { values[parameter.rawValue] }
        self.init(now: now)
        switch (value(.lat), value(.lng)) {
        case (nil, nil): break
        case (let lat?, let lng?): origin = Coordinate(latitude: try Self.number(lat, .lat), longitude: try Self.number(lng, .lng))
        default: throw SearchError(.near, "lat and lng go together: give both or neither")
        }
        for parameter in [SearchParameter.near, .location] {
            guard let text = value(parameter) else { continue }
            guard origin == nil else { throw SearchError(parameter, "give the position once: lat and lng, near or location") }
            origin = try Self.position(text, parameter)
        }
        radiusKm = try value(.radiusKm).map { text throws(SearchError) in try Self.number(text, .radiusKm) }
        if let bbox = value(.bbox) {
            let parts = bbox.split(separator: ",", omittingEmptySubsequences: false).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 4 else { throw SearchError(.bbox, "must be south,west,north,east in degrees (got '\(bbox)')") }
            box = GeoBox(south: parts[0], west: parts[1], north: parts[2], east: parts[3])
        }
        self.area = area
        if let name = value(.area) {
            let named = try Self.namedArea(name, near: origin, in: areas)
            self.area = named.area
            // Distances in a named area are from the place itself, not from its cell's middle. A
            // radius still needs a position given with it: an area is searched whole.
            if origin == nil && radiusKm == nil { origin = named.site }
        }
        var path = route
        if let along = value(.along) {
            do { path = try Corridor.polyline(along) } catch { throw SearchError(.along, "\(error)") }
        }
        let width = try value(.corridorKm).map { text throws(SearchError) in try Self.number(text, .corridorKm) }
        corridor = try Self.corridor(path, widthKm: width)
        text = value(.q).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        let times = try [SearchParameter.from, .to].map { parameter throws(SearchError) in
            try value(parameter).map { text throws(SearchError) in try Self.time(text, parameter) }
        }
        let when = value(.when)
        if when != nil, let both = times.firstIndex(where: { $0 != nil }) {
            throw SearchError(.when, "give when or \(both == 0 ? "from" : "to"), not both: when sets the window")
        }
        if when != nil || times.contains(where: { $0?.needsClock == true }) {
            // Words and times without an offset are read on the searched place's clock.
            let asked = when != nil ? SearchParameter.when : times[0]?.needsClock == true ? .from : .to
            let zone = areas.timezone(area: value(.area), near: origin, box: box)
            guard var clock = zone.flatMap(ZoneClock.init(identifier:)) else {
                throw SearchError(asked, "needs a place to read its clock: give near, area or bbox (or a time with its offset, such as +02:00)")
            }
            if let when {
                (from, to) = try SearchWhen.window(when, clock: &clock, now: now)
            } else {
                from = times[0]?.instant(on: &clock)
                to = times[1]?.instant(on: &clock)
            }
        } else {
            var instants = ZoneClock(zoneOrUTC: "UTC")  // every time here carries its offset
            from = times[0]?.instant(on: &instants)
            to = times[1]?.instant(on: &instants)
        }
        types = try value(.type).map { text throws(SearchError) in try Self.choices(text, for: .type) } ?? []
        difficulties = try value(.difficulty).map { text throws(SearchError) in try Self.choices(text, for: .difficulty) } ?? []
        maxCredits = try value(.maxCredits).map { text throws(SearchError) in try Self.integer(text, .maxCredits) }
        if let spots = value(.minSpots) { minSpots = try Self.integer(spots, .minSpots) }
        if let name = value(.sort) {
            guard let order = SortOrder(rawValue: name) else { throw SearchError(.sort, "must be one of \(Self.names(SortOrder.self)) (got '\(name)')") }
            sort = order
        }
        if let text = value(.limit) { limit = try Self.integer(text, .limit) }
        cursor = value(.cursor)
        if let text = value(.explain) { explain = try Self.flag(text, .explain) }
        tenant = value(.tenant)
        if let text = value(.allGyms) { marketplaceOnly = !(try Self.flag(text, .allGyms)) }
    }

    /// A query from a JSON body: the same parameters as fields (numbers, booleans and lists in
    /// their JSON form), where `area` may also be a GeoJSON Polygon or MultiPolygon and `along`
    /// a GeoJSON LineString.
    public init(json: Data, areas: NamedAreas, now: Int64) throws(SearchError) {
        guard let object = (try? JSONSerialization.jsonObject(with: json)) as? [String: Any] else {
            throw SearchError("body", "must be a JSON object of search parameters")
        }
        var values: [String: String] = [:]
        var area: Area?
        var route: [Coordinate]?
        for (key, field) in object {
            switch (SearchParameter(rawValue: key), field) {
            case (_, is NSNull): continue
            case (.area?, let geoJSON as [String: Any]):
                do { area = try Area(geoJSONObject: geoJSON) } catch { throw SearchError(.area, "\(error)") }
            case (.along?, let geoJSON as [String: Any]):
                do { route = try Corridor.lineString(geoJSONObject: geoJSON) } catch { throw SearchError(.along, "\(error)") }
            case (.area?, let name as String):
                values[key] = name
            case (.area?, _):
                throw SearchError(.area, "must be an area's name or a GeoJSON Polygon or MultiPolygon")
            case (_, let items as [Any]):
                values[key] = try items.map { item throws(SearchError) in
                    guard let text = Self.plainText(item) else { throw SearchError(key, "must be a list of plain values") }
                    return text
                }.joined(separator: ",")
            case (_, let item):
                guard let text = Self.plainText(item) else { throw SearchError(key, "must be a plain value, not an object") }
                values[key] = text
            }
        }
        try self.init(parameters: values, area: area, route: route, areas: areas, now: now)
    }

    /// Checks what the parameters mean together: a place to look, ranges, the window, the
    /// cursor. `MarketplaceIndex.search` checks the same; a front end calls this to refuse a
    /// query before doing anything slow.
    public func validate() throws(SearchError) {
        _ = try resolved()
    }

    // MARK: Reading one value

    /// Values of an enum, comma-separated (`hiit,strength`; a hyphen reads as an underscore):
    /// class types, difficulty levels.
    public static func choices<T: CaseIterable & RawRepresentable<String> & Hashable>(
        _ text: String, of _: T.Type = T.self, for parameter: SearchParameter
    ) throws(SearchError) -> Set<T> {
        try Set(list(text).map { name throws(SearchError) in
            guard let value = T(rawValue: name) else { throw SearchError(parameter, "unknown value '\(name)' (known: \(names(T.self)))") }
            return value
        })
    }

    /// The area `name` calls, the nearest of that name to `near`.
    public static func namedArea(_ name: String, near: Coordinate?, in areas: NamedAreas) throws(SearchError) -> NamedArea {
        guard let named = areas.area(named: name, near: near) else {
            throw SearchError(.area, "no area called '\(name)' (GET /api/v1/areas?near=lat,lng lists them)")
        }
        return named
    }

    /// The corridor along `path`, `widthKm` wide (1 km when not given); a width needs a route.
    public static func corridor(_ path: [Coordinate]?, widthKm: Double?) throws(SearchError) -> Corridor? {
        guard let path else {
            if widthKm != nil { throw SearchError(.corridorKm, "needs a route (along)") }
            return nil
        }
        let width = widthKm ?? Corridor.defaultWidthKm
        guard width > 0, width <= Corridor.maxWidthKm else {
            throw SearchError(.corridorKm, "must be greater than 0 and at most \(Int(Corridor.maxWidthKm)) km (got \(width))")
        }
        do { return try Corridor(path: path, widthKm: width) } catch { throw SearchError(.along, "\(error)") }
    }

    private static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: "-", with: "_") }
            .filter { !$0.isEmpty }
    }

    private static func names<T: CaseIterable & RawRepresentable<String>>(_: T.Type) -> String {
        T.allCases.map(\.rawValue).joined(separator: ", ")
    }

    private static func number(_ text: String, _ parameter: SearchParameter) throws(SearchError) -> Double {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw SearchError(parameter, "must be a number (got '\(text)')")
        }
        return value
    }

    /// `lat,lng`, latitude first as maps show it.
    private static func position(_ text: String, _ parameter: SearchParameter) throws(SearchError) -> Coordinate {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count == 2, let lat = Double(parts[0].trimmingCharacters(in: .whitespaces)),
            let lng = Double(parts[1].trimmingCharacters(in: .whitespaces)), lat.isFinite, lng.isFinite
        else { throw SearchError(parameter, "must be latitude,longitude in degrees, such as -26.2041,28.0473 (got '\(text)')") }
        return Coordinate(latitude: lat, longitude: lng)
    }

    private static func integer(_ text: String, _ parameter: SearchParameter) throws(SearchError) -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else { throw SearchError(parameter, "must be a whole number (got '\(text)')") }
        return value
    }

    private static func flag(_ text: String, _ parameter: SearchParameter) throws(SearchError) -> Bool {
        switch text.lowercased() {
        case "", "1", "true", "yes": return true
        case "0", "false", "no": return false
        default: throw SearchError(parameter, "must be true or false (got '\(text)')")
        }
    }

    private static func time(_ text: String, _ parameter: SearchParameter) throws(SearchError) -> SearchTime {
        guard let time = SearchTime(text) else { throw SearchError(parameter, "must be \(SearchTime.hint) (got '\(text)')") }
        return time
    }

    private static let booleanNumber = type(of: NSNumber(value: true))

    /// A JSON scalar as the text a query string would carry.
    private static func plainText(_ value: Any) -> String? {
        switch value {
        case let text as String: text
        // JSON's true and false decode as NSNumbers of Foundation's boolean subclass.
        case let number as NSNumber where type(of: number) == booleanNumber: number.boolValue ? "true" : "false"
        case let number as NSNumber: number.stringValue
        default: nil
        }
    }
}

extension SearchError {
    init(_ parameter: SearchParameter, _ message: String) {
        self.init(parameter.rawValue, message)
    }
}
