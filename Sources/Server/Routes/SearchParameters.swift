import Datasets
import Domain
import Foundation
import Geo
import GeoAreas
import Marketplace

/// `/marketplace/search`'s parameters, from a query string (GET) or a JSON body (POST, which
/// may also carry an `area` polygon), checked one by one so the error names what to fix.
struct SearchParameters {
    static let known: Set<String> = [
        "lat", "lng", "radius_km", "bbox", "q", "from", "to", "type", "difficulty", "max_credits", "min_spots", "sort", "limit",
        "cursor", "explain", "tenant", "all_gyms", "area", "along", "corridor_km",
    ]

    /// Builds the query; `values` are the parameters as text.
    static func query(
        from values: [String: String], area: Area?, route: [Coordinate]? = nil, areas: NamedAreas, now: Int64
    ) throws -> SearchQuery {
        if let unknown = values.keys.filter({ !known.contains($0) }).sorted().first {
            throw APIError.validation("unknown parameter '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        var query = SearchQuery(now: now)
        switch (values["lat"], values["lng"]) {
        case (nil, nil): break
        case (let lat?, let lng?):
            query.origin = Coordinate(latitude: try number(lat, "lat"), longitude: try number(lng, "lng"))
        default: throw APIError.validation("lat and lng go together: give both or neither")
        }
        if let radius = values["radius_km"] { query.radiusKm = try number(radius, "radius_km") }
        if let bbox = values["bbox"] {
            let parts = bbox.split(separator: ",", omittingEmptySubsequences: false).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            guard parts.count == 4 else { throw APIError.validation("bbox must be south,west,north,east in degrees (got '\(bbox)')") }
            query.box = GeoBox(south: parts[0], west: parts[1], north: parts[2], east: parts[3])
        }
        query.area = area
        if let name = values["area"] {
            guard let named = areas.area(named: name, near: query.origin) else {
                throw APIError.validation("area: no area called '\(name)' (GET /api/v1/areas?near=lat,lng lists them)")
            }
            query.area = named.area
        }
        var path = route
        if let along = values["along"] {
            do { path = try Corridor.polyline(along) } catch { throw APIError.validation("along: \(error)") }
        }
        if let path {
            let width = try values["corridor_km"].map { try number($0, "corridor_km") } ?? Corridor.defaultWidthKm
            do { query.corridor = try Corridor(path: path, widthKm: width) } catch { throw APIError.validation("along: \(error)") }
        } else if values["corridor_km"] != nil {
            throw APIError.validation("corridor_km needs a route (along)")
        }
        query.text = values["q"].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        if let from = values["from"] { query.from = try instant(from, "from") }
        if let to = values["to"] { query.to = try instant(to, "to") }
        query.types = try Set(list(values["type"]).map { name in
            guard let type = ClassType(rawValue: name.replacingOccurrences(of: "-", with: "_")) else {
                throw APIError.validation("type: unknown class type '\(name)' (known: \(ClassType.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return type
        })
        query.difficulties = try Set(list(values["difficulty"]).map { name in
            guard let level = Difficulty(rawValue: name.replacingOccurrences(of: "-", with: "_")) else {
                throw APIError.validation("difficulty: unknown level '\(name)' (known: \(Difficulty.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            return level
        })
        if let credits = values["max_credits"] { query.maxCredits = try integer(credits, "max_credits") }
        if let spots = values["min_spots"] { query.minSpots = try integer(spots, "min_spots") }
        if let sort = values["sort"] {
            guard let order = SortOrder(rawValue: sort) else {
                throw APIError.validation("sort must be one of \(SortOrder.allCases.map(\.rawValue).joined(separator: ", ")) (got '\(sort)')")
            }
            query.sort = order
        }
        if let limit = values["limit"] { query.limit = try integer(limit, "limit") }
        query.cursor = values["cursor"]
        if let explain = values["explain"] { query.explain = try flag(explain, "explain") }
        query.tenant = values["tenant"]
        if let all = values["all_gyms"] { query.marketplaceOnly = !(try flag(all, "all_gyms")) }
        return query
    }

    private static func number(_ text: String, _ name: String) throws -> Double {
        guard let value = Double(text.trimmingCharacters(in: .whitespaces)), value.isFinite else {
            throw APIError.validation("\(name) must be a number (got '\(text)')")
        }
        return value
    }

    private static func integer(_ text: String, _ name: String) throws -> Int {
        guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else { throw APIError.validation("\(name) must be a whole number (got '\(text)')") }
        return value
    }

    private static func flag(_ text: String, _ name: String) throws -> Bool {
        switch text.lowercased() {
        case "", "1", "true", "yes": return true
        case "0", "false", "no": return false
        default: throw APIError.validation("\(name) must be true or false (got '\(text)')")
        }
    }

    private static func instant(_ text: String, _ name: String) throws -> Int64 {
        guard let seconds = ISO8601.parse(text) else {
            throw APIError.validation("\(name) must be an ISO 8601 time such as 2026-11-25T18:00:00+02:00 (got '\(text)')")
        }
        return seconds
    }

    private static func list(_ text: String?) -> [String] {
        (text ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { !$0.isEmpty }
    }

    /// A POST body's fields as text for `query(from:)`, and its `area` as a polygon. Numbers,
    /// booleans and lists are accepted in their JSON form.
    static func fromJSON(_ data: Data) throws -> (values: [String: String], area: Area?, route: [Coordinate]?) {
        guard case .object(let object)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw APIError.validation("the body must be a JSON object of search parameters")
        }
        var values: [String: String] = [:]
        var area: Area?
        var route: [Coordinate]?
        for (key, value) in object {
            if key == "along", case .object = value {
                do { route = try Corridor.lineString(geoJSON: JSONEncoder().encode(value)) } catch { throw APIError.validation("along: \(error)") }
                continue
            }
            if key == "area", case .string(let name) = value {
                values[key] = name
                continue
            }
            if key == "area" {
                guard case .object = value else { throw APIError.validation("area must be an area's name or a GeoJSON Polygon or MultiPolygon") }
                do {
                    area = try Area(geoJSON: JSONEncoder().encode(value))
                } catch {
                    throw APIError.validation("area: \(error)")
                }
                continue
            }
            switch value {
            case .null: continue
            case .array(let items):
                values[key] = try items.map { item in
                    guard let text = item.text else { throw APIError.validation("\(key) must be a list of plain values") }
                    return text
                }.joined(separator: ",")
            default:
                guard let text = value.text else { throw APIError.validation("\(key) must be a plain value, not an object") }
                values[key] = text
            }
        }
        return (values, area, route)
    }
}
