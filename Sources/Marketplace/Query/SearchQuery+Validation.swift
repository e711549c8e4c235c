import Datasets
import Domain
import Geo
import GeoAreas
import TextSearch

extension SearchQuery {
    /// The query with defaults filled in, or the first thing wrong with it.
    func resolved() throws(SearchError) -> ResolvedQuery {
        if let origin, !origin.isValid {
            throw SearchError(
                "near", "latitude must be within [-90, 90] and longitude within [-180, 180] (got \(origin))"
            )
        }
        if let box, !box.isValid {
            throw SearchError("bbox", "needs south <= north, latitudes within [-90, 90], longitudes within [-180, 180]")
        }
        if corridor != nil && (origin != nil || radiusKm != nil || box != nil || area != nil) {
            throw SearchError("along", "a route replaces the position, radius, box and area: give one or the other")
        }
        guard origin != nil || box != nil || area != nil || corridor != nil else {
            throw SearchError("near", "a position, a bounding box, an area or a route is required")
        }
        var radius = radiusKm
        if radius == nil && box == nil && area == nil && corridor == nil { radius = Self.defaultRadiusKm }
        if let r = radius {
            guard origin != nil else { throw SearchError("radius_km", "a radius needs a position to be around") }
            guard r.isFinite, r > 0, r <= Self.maxRadiusKm else {
                throw SearchError("radius_km", "must be greater than 0 and at most \(Int(Self.maxRadiusKm)) km (got \(r))")
            }
        }
        guard (1...Self.maxLimit).contains(limit) else {
            throw SearchError("limit", "must be between 1 and \(Self.maxLimit) (got \(limit))")
        }
        guard minSpots >= 0 else { throw SearchError("min_spots", "must be 0 or more (got \(minSpots))") }
        if let maxCredits, maxCredits < 0 { throw SearchError("max_credits", "must be 0 or more (got \(maxCredits))") }
        if let text, text.count > Self.maxTextLength {
            throw SearchError("q", "must be at most \(Self.maxTextLength) characters")
        }
        var now = self.now
        var after: CursorKey?
        if let cursor {
            let decoded = try SearchCursor(decoding: cursor)
            guard decoded.fingerprint == fingerprint else {
                throw SearchError("cursor", "belongs to a different query; start again without a cursor")
            }
            // Page 2 sees the clock of page 1, so the window and the ranking do not shift under it.
            now = decoded.now
            after = decoded.after
        }
        let from = self.from ?? now
        let to = self.to ?? (from + Self.defaultWindowSeconds)
        guard from < to else { throw SearchError("to", "must be after from") }

        let words = (text ?? "").isEmpty ? [] : TextFolding.words(in: text!)
        guard words.count <= Self.maxWords else { throw SearchError("q", "must have at most \(Self.maxWords) words") }
        let center = origin ?? box?.center ?? area?.envelope.center ?? corridor!.origin
        return ResolvedQuery(
            query: self, center: center, radiusKm: radius, box: box, area: area, corridor: corridor, words: words, from: from, to: to, now: now,
            after: after, fingerprint: fingerprint
        )
    }

    /// A hash of everything that decides which sessions match and how they are ordered (not
    /// the page size, the cursor or the clock, which the cursor carries itself).
    var fingerprint: UInt64 {
        var hash = QueryHasher()
        hash.add(origin?.latitude); hash.add(origin?.longitude); hash.add(radiusKm)
        hash.add(box?.south); hash.add(box?.west); hash.add(box?.north); hash.add(box?.east)
        hash.add(area?.wkt ?? "")
        hash.add(corridor?.key ?? "")
        hash.add(text ?? "")
        hash.add(from.map(Double.init)); hash.add(to.map(Double.init))
        hash.add(types.map(\.rawValue).sorted().joined(separator: ","))
        hash.add(difficulties.map(\.rawValue).sorted().joined(separator: ","))
        hash.add(maxCredits.map(Double.init)); hash.add(Double(minSpots))
        hash.add(tenant ?? ""); hash.add(marketplaceOnly ? "m" : "a"); hash.add(sort.rawValue)
        return hash.value
    }
}

/// A query with its defaults applied and its text folded.
struct ResolvedQuery {
    /// The box the R-tree is asked for when there is no radius: the query's box, else the
    /// area's or the route's envelope.
    var searchBox: GeoBox? { box ?? area?.envelope ?? corridor?.envelope }

    /// What ranking and `distance_km` call the distance of a gym at `point`, `fromCenter` away
    /// from the centre: that, or along a route the detour to it.
    func distanceKm(to point: Coordinate, fromCenter: Double) -> Double {
        guard let corridor else { return fromCenter }
        return 2 * corridor.distanceKm(to: point)
    }

    var query: SearchQuery
    var center: Coordinate
    var radiusKm: Double?
    var box: GeoBox?
    var area: Area?
    var corridor: Corridor?
    var words: [String]
    var from: Int64
    var to: Int64
    var now: Int64
    var after: CursorKey?
    var fingerprint: UInt64
}

/// FNV-1a over typed values, with a marker between them so adjacent fields cannot blur.
struct QueryHasher {
    private var hash = FNV1a()
    var value: UInt64 { hash.value }

    mutating func add(_ value: Double?) {
        guard let value else { hash.combine(byte: 0); return }
        hash.combine(byte: 1)
        hash.combine(Int64(bitPattern: value.bitPattern))
    }

    mutating func add(_ value: String) {
        hash.combine(value)
    }
}
