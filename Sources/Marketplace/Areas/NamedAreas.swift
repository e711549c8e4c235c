public import Datasets
public import Domain
public import Geo
public import GeoAreas
import TextSearch

/// A real place's area: the Voronoi cell of the place among its city's places, clipped to the
/// city, so "Soweto" or "Westlands" names a polygon a search can be limited to.
public struct NamedArea: Sendable {
    /// "johannesburg-soweto": the city's slug and the place's folded name.
    public var slug: String
    public var name: String
    public var alternateNames: [String]
    public var placeId: Int
    public var population: Int
    public var city: String
    public var country: String
    /// The place's IANA time zone (GeoNames'): "tonight" there is in it.
    public var timezone: String
    /// The place itself.
    public var site: Coordinate
    /// The cell's outer ring, closed, as GeoJSON wants it ([longitude, latitude] when encoded).
    public var ring: [Coordinate]
    /// The cell, prepared for containment tests.
    public var area: Area
}

/// Every city's named areas, found by slug or by any of their names as search folds them
/// ("Fès", "fes" and "فاس" are one name).
public final class NamedAreas: Sendable {
    public let all: [NamedArea]
    private let bySlug: [String: Int]
    private let byName: [[String]: [Int]]

    /// No areas at all.
    public init() {
        all = []
        bySlug = [:]
        byName = [:]
    }

    /// Builds the areas of `cities` from `places` with GEOS.
    public init(cities: [City], places: [Place]) throws(AreaError) {
        var areas: [NamedArea] = []
        for city in cities {
            let inCity = places.filter {
                $0.country == city.country && GreatCircle.distanceKm(city.centerCoordinate, $0.coordinate) <= city.radiusKm
            }
            // The more populous place keeps a shared position, and its name.
            .sorted { ($0.population, -$0.id) > ($1.population, -$1.id) }
            let cells = try VoronoiCells.cells(of: inCity.map(\.coordinate), within: city.radiusKm, of: city.centerCoordinate)
            var slugs = Set<String>()
            for (place, cell) in zip(inCity, cells) {
                guard let cell else { continue }
                var slug = city.slug + "-" + TextFolding.nameWords(in: place.name).joined(separator: "-")
                if !slugs.insert(slug).inserted {
                    slug += "-\(place.id)"
                    slugs.insert(slug)
                }
                areas.append(NamedArea(
                    slug: slug, name: place.name, alternateNames: place.alternateNames, placeId: place.id, population: place.population, city: city.name,
                    country: city.countryName, timezone: place.timezone, site: place.coordinate, ring: cell, area: try Area(polygons: [[cell]])
                ))
            }
        }
        all = areas
        var bySlug: [String: Int] = [:], byName: [[String]: [Int]] = [:]
        for (i, area) in areas.enumerated() {
            bySlug[area.slug] = i
            for name in Set(([area.name] + area.alternateNames).map { TextFolding.words(in: $0) }) where !name.isEmpty {
                byName[name, default: []].append(i)
            }
        }
        self.bySlug = bySlug
        self.byName = byName
    }

    /// The area with this slug, or else the one this name (or an alternate name) names; the
    /// most populous first when several cities have one of that name, unless `near` says where.
    public func area(named text: String, near: Coordinate? = nil) -> NamedArea? {
        if let i = bySlug[text.lowercased()] { return all[i] }
        guard let matches = byName[TextFolding.words(in: text)], !matches.isEmpty else { return nil }
        let candidates = matches.map { all[$0] }
        if let near {
            return candidates.min { GreatCircle.distanceKm($0.site, near) < GreatCircle.distanceKm($1.site, near) }
        }
        return candidates.max { ($0.population, $1.slug) < ($1.population, $0.slug) }
    }

    /// The time zone of the place a search names: the named area's, else that of the area
    /// nearest the position, else nearest the box's centre. "Tonight" and a date without an
    /// offset are read on this clock.
    public func timezone(area name: String?, near origin: Coordinate?, box: GeoBox?) -> String? {
        if let name, let named = area(named: name, near: origin) { return named.timezone }
        let point = origin ?? box.map { Coordinate(latitude: ($0.south + $0.north) / 2, longitude: ($0.west + $0.east) / 2) }
        return point.flatMap { areas(near: $0, radiusKm: 100, limit: 1).first?.timezone }
    }

    /// Areas around `point`: the one holding it first, then by their place's distance, within
    /// `radiusKm`.
    public func areas(near point: Coordinate, radiusKm: Double, limit: Int) -> [NamedArea] {
        let ranked = all.compactMap { area -> (NamedArea, outside: Int, km: Double)? in
            let km = GreatCircle.distanceKm(area.site, point)
            return km <= radiusKm ? (area, area.area.contains(point) ? 0 : 1, km) : nil
        }.sorted { ($0.outside, $0.km, $0.0.slug) < ($1.outside, $1.km, $1.0.slug) }
        return ranked.prefix(limit).map(\.0)
    }
}
