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
            let nearby = try NearbyParameters(request)
            let areas = services.areas.areas(near: nearby.origin, radiusKm: nearby.radiusKm, limit: nearby.limit)
            return Reply(FeatureCollection(features: areas.map(Feature.init)))
        }
        api.get("areas/{slug}") { _, context in
            let slug = try context.parameters.require("slug")
            guard let area = services.areas.area(named: slug) else { throw APIError.notFound("no area called '\(slug)'") }
            return Reply(Feature(area))
        }
    }
}
