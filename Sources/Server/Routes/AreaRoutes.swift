import Geo
import Hummingbird
import Marketplace

/// Named areas (the Voronoi cells of each city's real places) as GeoJSON features, for maps.
struct AreaRoutes {
    let services: ServerServices

    struct FeatureCollection: Encodable, Sendable {
        var type = "FeatureCollection"
        var features: [Feature]
    }

    struct Feature: Encodable, Sendable {
        var type = "Feature"
        var id: String
        var properties: Properties
        var geometry: Geometry

        struct Properties: Encodable, Sendable {
            var slug: String
            var name: String
            var city: String
            var country: String
            var placeId: Int
            /// The place itself, [longitude, latitude].
            var site: [Double]
        }

        struct Geometry: Encodable, Sendable {
            var type = "Polygon"
            var coordinates: [[[Double]]]
        }

        init(_ area: NamedArea) {
            id = area.slug
            properties = Properties(
                slug: area.slug, name: area.name, city: area.city, country: area.country, placeId: area.placeId,
                site: [area.site.longitude, area.site.latitude]
            )
            geometry = Geometry(coordinates: [area.ring.map { [$0.longitude, $0.latitude] }])
        }
    }

    func register(on api: RouterGroup<AppContext>) {
        api.get("areas") { request, _ in
            let parameters = request.uri.queryParameters
            guard let near = parameters["near"] else { throw APIError.validation("near=lat,lng is required") }
            let parts = near.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            let origin = parts.count == 2 ? Coordinate(latitude: parts[0], longitude: parts[1]) : nil
            guard let origin, origin.isValid else { throw APIError.validation("near must be lat,lng within range (got '\(near)')") }
            let radius = try parameters["radius_km"].map { text in
                guard let r = Double(text), r > 0, r <= 100 else { throw APIError.validation("radius_km must be greater than 0 and at most 100") }
                return r
            } ?? 10
            let limit = try parameters["limit"].map { text in
                guard let n = Int(text), (1...100).contains(n) else { throw APIError.validation("limit must be between 1 and 100") }
                return n
            } ?? 20
            return Reply(FeatureCollection(features: services.areas.areas(near: origin, radiusKm: radius, limit: limit).map(Feature.init)))
        }
        api.get("areas/{slug}") { _, context in
            let slug = try context.parameters.require("slug")
            guard let area = services.areas.area(named: slug) else { throw APIError.notFound("no area called '\(slug)'") }
            return Reply(Feature(area))
        }
    }
}
