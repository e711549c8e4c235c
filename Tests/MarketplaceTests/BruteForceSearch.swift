import Datasets
import Domain
import Geo
@testable import Marketplace
import TextSearch

/// The reference answer: every session tested one by one against the query, then all sorted.
/// It shares nothing with the index but the definitions (folding, word matching, weights,
/// the score formula); if the index's R-tree, postings, planner, pruning or cursors go wrong,
/// the two disagree.
struct BruteForceSearch {
    struct Row {
        var session: SessionOccurrence
        var sessionId: String
        var key: (primary: Double, start: Int64, identity: SessionIdentity)
        var distanceKm: Double
        var score: Double
    }

    let dataset: Dataset
    let sessions: [SessionOccurrence]
    let tenants: [String: Tenant]
    let places: [Int: Place]
    let instructors: [String: String]
    /// Folded words of each text field, cached by the text.
    private let folded: [String: [String]]

    init(dataset: Dataset, from: Int64, to: Int64) {
        self.dataset = dataset
        sessions = SessionSchedule.sessions(of: dataset, from: from, to: to)
        tenants = Dictionary(uniqueKeysWithValues: dataset.tenants.map { ($0.id, $0) })
        places = Dictionary(uniqueKeysWithValues: dataset.places.map { ($0.id, $0) })
        instructors = Dictionary(uniqueKeysWithValues: dataset.users.map { ($0.id, $0.fullName) })
        var folded: [String: [String]] = [:]
        func fold(_ text: String) { if folded[text] == nil { folded[text] = TextFolding.words(in: text) } }
        for c in dataset.classes { [c.name, c.classType.displayName, c.description].forEach(fold) }
        for name in instructors.values { fold(name) }
        for t in dataset.tenants { [t.name, t.address.suburb, t.address.city, t.address.country].forEach(fold) }
        for p in dataset.places { ([p.name] + p.alternateNames).forEach(fold) }
        self.folded = folded
    }

    func search(_ query: SearchQuery, spots: (SessionOccurrence) -> Int = { $0.availableSpots }) -> [Row] {
        let center = query.origin ?? query.box?.center ?? query.area?.envelope.center ?? query.corridor!.origin
        let radius = query.radiusKm ?? (query.box == nil && query.area == nil && query.corridor == nil ? SearchQuery.defaultRadiusKm : nil)
        let route = query.corridor.map(GEOSRoute.init)
        let from = query.from ?? query.now
        let to = query.to ?? from + SearchQuery.defaultWindowSeconds
        let words = TextFolding.words(in: query.text ?? "")
        var matchCache: [String: Double] = [:]

        func quality(_ wordIndex: Int, _ token: String) -> Double {
            let cacheKey = "\(wordIndex)\u{0}\(token)"
            if let known = matchCache[cacheKey] { return known }
            let kind = WordMatcher.match(query: words[wordIndex], word: token, isLastWord: wordIndex == words.count - 1)
            let value = kind?.quality ?? 0
            matchCache[cacheKey] = value
            return value
        }

        func textScore(_ c: FitnessClass, _ tenant: Tenant) -> Double? {
            guard !words.isEmpty else { return nil }
            var fields: [(String, Double)] = []
            let cw = TextCollection.classes.fieldWeights, gw = TextCollection.gyms.fieldWeights, pw = TextCollection.places.fieldWeights
            fields += [(c.name, cw[0]), (c.classType.displayName, cw[1]), (instructors[c.instructorId] ?? "", cw[2]), (c.description, cw[3])]
            fields += [(tenant.name, gw[0]), (tenant.address.suburb, gw[1]), (tenant.address.city, gw[2]), (tenant.address.country, gw[3])]
            if let place = places[tenant.placeId] {
                fields.append((place.name, pw[0]))
                fields += place.alternateNames.map { ($0, pw[1]) }
            }
            var total = 0.0
            for w in words.indices {
                var best = 0.0
                for (text, weight) in fields {
                    for token in folded[text] ?? TextFolding.words(in: text) { best = max(best, quality(w, token) * weight) }
                }
                if best == 0 { return .nan }
                total += best
            }
            return total / Double(words.count)
        }

        var rows: [Row] = []
        var textScores: [Int: Double?] = [:]
        for session in sessions where !session.isCancelled {
            let c = dataset.classes[session.classIndex]
            guard let tenant = tenants[c.tenantId], tenant.isActive else { continue }
            if query.marketplaceOnly && !tenant.marketplaceEnabled { continue }
            if let only = query.tenant, only != tenant.id && only != tenant.slug { continue }
            let point = Coordinate(latitude: tenant.location.lat, longitude: tenant.location.lng)
            var distance = GreatCircle.distanceKm(center, point)
            // Along a route: every gym measured against the line with GEOS directly; the
            // distance that ranks is the detour, twice the distance off the route.
            if let route {
                distance = 2 * route.distanceKm(to: point)
                if distance > 2 * route.corridor.widthKm { continue }
            }
            if let radius, distance > radius { continue }
            if let box = query.box, !box.contains(point) { continue }
            // Every gym tested against the polygon with GEOS directly.
            if let area = query.area, !area.contains(point) { continue }
            if session.start < from || session.start >= to { continue }
            if !query.types.isEmpty && !query.types.contains(c.classType) { continue }
            if !query.difficulties.isEmpty && !query.difficulties.contains(c.difficultyLevel) { continue }
            if let max = query.maxCredits, c.creditsRequired > max { continue }
            if spots(session) < query.minSpots { continue }
            let text: Double?
            if let known = textScores[session.classIndex] {
                text = known
            } else {
                text = textScore(c, tenant)
                textScores[session.classIndex] = text
            }
            if let text, text.isNaN { continue }
            let score = Ranking.explain(textScore: text, distanceKm: distance, start: session.start, now: query.now).total
            let primary: Double =
                switch query.sort {
                case .relevance: -score
                case .distance: distance
                case .startTime: Double(session.start)
                case .credits: Double(c.creditsRequired)
                }
            let identity = SessionIdentity(classId: c.id, start: session.start)
            rows.append(Row(
                session: session, sessionId: identity.uuidString, key: (primary, session.start, identity), distanceKm: distance, score: score
            ))
        }
        return rows.sorted { a, b in
            if a.key.primary != b.key.primary { return a.key.primary < b.key.primary }
            if a.key.start != b.key.start { return a.key.start < b.key.start }
            return a.key.identity < b.key.identity
        }
    }
}
