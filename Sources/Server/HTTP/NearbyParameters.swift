import Geo
import Hummingbird
import Marketplace

/// `near=lat,lng&radius_km=&limit=`, as the listing routes (gyms, areas) take them.
struct NearbyParameters {
    var origin: Coordinate
    var radiusKm: Double
    var limit: Int

    init(_ request: Request, defaultRadiusKm: Double = SearchQuery.defaultRadiusKm, defaultLimit: Int = 20) throws {
        let parameters = request.uri.queryParameters
        guard let near = parameters["near"] else { throw APIError.validation("near=lat,lng is required") }
        let parts = near.split(separator: ",", omittingEmptySubsequences: false).compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2 else { throw APIError.validation("near must be lat,lng (got '\(near)')") }
        origin = Coordinate(latitude: parts[0], longitude: parts[1])
        guard origin.isValid else { throw APIError.validation("near: latitude must be within [-90, 90] and longitude within [-180, 180]") }
        radiusKm = try parameters["radius_km"].map { text in
            guard let r = Double(text), r > 0, r <= SearchQuery.maxRadiusKm else {
                throw APIError.validation("radius_km must be greater than 0 and at most \(Int(SearchQuery.maxRadiusKm)) (got '\(text)')")
            }
            return r
        } ?? defaultRadiusKm
        limit = try parameters["limit"].map { text in
            guard let n = Int(text), (1...SearchQuery.maxLimit).contains(n) else {
                throw APIError.validation("limit must be between 1 and \(SearchQuery.maxLimit) (got '\(text)')")
            }
            return n
        } ?? defaultLimit
    }
}
