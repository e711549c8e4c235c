public import Geo

/// A gym found near a place, for marketplace discovery ("gyms near me").
public struct NearbyGym: Codable, Hashable, Sendable {
    public var id: String
    public var name: String
    public var slug: String
    public var suburb: String
    public var city: String
    public var country: String
    public var lat: Double
    public var lng: Double
    public var timezone: String
    public var marketplaceEnabled: Bool
    public var classCount: Int
    public var distanceKm: Double
}

extension MarketplaceIndex {
    /// Active gyms within `radiusKm` of `origin`, nearest first (ties by id), at most `limit`.
    public func gyms(near origin: Coordinate, radiusKm: Double, limit: Int, marketplaceOnly: Bool = true) -> [NearbyGym] {
        let state = currentState
        var found: [NearbyGym] = []
        for (number, segment) in state.segments.enumerated() {
            // Every segment's `limit` nearest live gyms, then the nearest of those overall.
            var wanted = limit + state.dead[number].count
            while true {
                let hits = segment.tree.nearest(wanted, to: origin, maxKm: radiusKm)
                var kept = 0
                for hit in hits where !state.dead[number].contains(Int32(hit.id)) {
                    let gym = segment.gyms[hit.id]
                    guard gym.isActive, !marketplaceOnly || gym.marketplaceEnabled else { continue }
                    kept += 1
                    found.append(NearbyGym(
                        id: gym.id, name: gym.name, slug: gym.slug, suburb: gym.suburb, city: gym.city, country: gym.country,
                        lat: gym.coordinate.latitude, lng: gym.coordinate.longitude, timezone: gym.timezone,
                        marketplaceEnabled: gym.marketplaceEnabled, classCount: gym.classes.count, distanceKm: hit.distanceKm
                    ))
                }
                // Filtered-out gyms may have crowded out live ones: look further until enough are kept.
                if kept >= limit || hits.count < wanted { break }
                found.removeLast(kept)
                wanted *= 2
            }
        }
        found.sort { ($0.distanceKm, $0.id) < ($1.distanceKm, $1.id) }
        return Array(found.prefix(limit))
    }
}
