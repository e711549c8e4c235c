public import Datasets
public import Domain
import Geo
public import Marketplace

/// Random queries shaped like explorers' searches, drawn from the dataset's own words.
public struct QueryGenerator: Sendable {
    let dataset: Dataset
    let now: Int64
    /// Words any query may use: synonyms, other scripts, widths and accents.
    let common = ["spin", "joga", "hiit", "yoga", "pilates", "Pilátes", "ｙｏｇａ", "bootcamp", "boxing", "dance", "ዮጋ", "يوغا", "Йога"]
    let classesByTenant: [String: [FitnessClass]]
    let places: [Int: Place]

    public init(dataset: Dataset, now: Int64) {
        self.dataset = dataset
        self.now = now
        classesByTenant = Dictionary(grouping: dataset.classes, by: \.tenantId)
        places = Dictionary(uniqueKeysWithValues: dataset.places.map { ($0.id, $0) })
    }

    public func query(_ rng: inout SeededRandom) -> SearchQuery {
        var q = SearchQuery(now: now)
        // Near a real gym, so most queries have answers, and its words to look for.
        let gym = rng.element(of: dataset.tenants)
        let base = Coordinate(latitude: gym.location.lat, longitude: gym.location.lng)
        let center = GreatCircle.destination(from: base, km: rng.double(in: 0..<12), bearingDegrees: rng.double(in: 0..<360))
        switch rng.int(in: 0..<10) {
        case 0..<7:
            q.origin = center
            q.radiusKm = rng.chance(0.2) ? nil : rng.element(of: [0.5, 1, 2, 5, 10, 25, 50, 100])
        case 7..<9:
            let half = rng.double(in: 1..<25)
            let sw = GreatCircle.destination(from: center, km: half * 1.41, bearingDegrees: 225)
            let ne = GreatCircle.destination(from: center, km: half * 1.41, bearingDegrees: 45)
            q.box = GeoBox(south: sw.latitude, west: sw.longitude, north: ne.latitude, east: ne.longitude)
            if rng.chance(0.5) { q.origin = center }
        default:
            q.origin = center
            q.radiusKm = rng.element(of: [5, 15])
            let ne = GreatCircle.destination(from: center, km: 8, bearingDegrees: 45)
            q.box = GeoBox(south: center.latitude, west: center.longitude, north: ne.latitude, east: ne.longitude)
        }
        if rng.chance(0.6) { q.text = text(near: gym, &rng) }
        if rng.chance(0.6) {
            let from = now + Int64(rng.int(in: -3600...(4 * 86_400)))
            q.from = from
            if rng.chance(0.7) { q.to = from + Int64(rng.int(in: 3600...(8 * 86_400))) }
        }
        if rng.chance(0.3) { q.types = Set((0..<rng.int(in: 1...3)).map { _ in rng.element(of: ClassType.allCases) }) }
        if rng.chance(0.2) { q.difficulties = [rng.element(of: Difficulty.allCases)] }
        if rng.chance(0.2) { q.maxCredits = rng.int(in: 0...4) }
        q.minSpots = rng.element(of: [0, 1, 1, 1, 3])
        q.marketplaceOnly = rng.chance(0.8)
        if rng.chance(0.05) { q.tenant = rng.chance(0.5) ? rng.element(of: dataset.tenants).slug : rng.element(of: dataset.tenants).id }
        q.sort = rng.element(of: SortOrder.allCases)
        q.limit = rng.element(of: [1, 3, 7, 20, 50])
        return q
    }

    /// One or two words from the data: some exact, some misspelled, some unfinished.
    public func text(near gym: Tenant, _ rng: inout SeededRandom) -> String {
        // A place's name can be long ("Masākin Shirkat Abū al Wafā lil …"): its first three
        // words, as someone would type it, within the query's limit on words.
        func typed(_ name: String) -> String { name.split(separator: " ").prefix(3).joined(separator: " ") }
        var pool = gym.name.split(separator: " ").map(String.init) + [typed(gym.address.suburb)]
        for c in classesByTenant[gym.id] ?? [] { pool += c.name.split(separator: " ").map(String.init) }
        if let place = places[gym.placeId], !place.alternateNames.isEmpty { pool.append(typed(rng.element(of: place.alternateNames))) }
        var words = (0..<rng.int(in: 1...2)).map { _ in rng.chance(0.8) ? rng.element(of: pool) : rng.element(of: common) }
        let last = words.count - 1
        switch rng.int(in: 0..<10) {
        case 0:  // a typo in a long word
            var letters = Array(words[last])
            if letters.count >= 5 {
                let i = rng.int(in: 1..<(letters.count - 1))
                if rng.chance(0.5) { letters.swapAt(i, i - 1) } else { letters[i] = "x" }
                words[last] = String(letters)
            }
        case 1, 2:  // still typing
            let letters = Array(words[last])
            if letters.count > 3 { words[last] = String(letters.prefix(rng.int(in: 2..<letters.count))) }
        case 3:
            words[last] = words[last].uppercased()
        default:
            break
        }
        return words.joined(separator: " ")
    }
}
