import Datasets
import Domain
import Geo
public import Marketplace
import TextSearch

/// The reference answer: every session of the catalog tested one by one against the query,
/// then all sorted. It shares nothing with the index but the definitions (folding, word
/// matching, field weights, the score formula); if the index's R-tree, postings, planner,
/// pruning or cursors go wrong, the two disagree. The oracle tests check the index against it,
/// and `studioloop bench` checks every system against it before any timing counts.
public struct BruteForceSearch: Sendable {
    public struct Row: Sendable {
        /// The session's place in `catalog.sessions`.
        public var session: Int
        public var sessionId: String
        public var classIndex: Int
        public var start: Int64
        /// The order's own key; ties go to the earlier start, then the session id.
        public var primary: Double
        public var distanceKm: Double
        public var textScore: Double?
        let now: Int64

        /// The ranking score, as the index reports it.
        public var score: Double { Ranking.explain(textScore: textScore, distanceKm: distanceKm, start: start, now: now).total }

        /// Whether this row sorts before `other`.
        public func precedes(_ other: Row) -> Bool {
            if primary != other.primary { return primary < other.primary }
            if start != other.start { return start < other.start }
            return sessionId < other.sessionId  // a session id's text sorts as its bits do
        }
    }

    public let catalog: ReferenceCatalog

    public init(catalog: ReferenceCatalog) {
        self.catalog = catalog
    }

    /// Every session that matches `query`, in its order (the whole answer, not one page).
    /// - Parameter spots: the spots left of a session, when they differ from the catalog's.
    public func search(_ query: SearchQuery, spots: (ReferenceCatalog.Session) -> Int = { Int($0.spots) }) -> [Row] {
        let center = query.origin ?? query.box?.center ?? query.area?.envelope.center ?? query.corridor!.origin
        let radius = query.radiusKm ?? (query.box == nil && query.area == nil && query.corridor == nil ? SearchQuery.defaultRadiusKm : nil)
        let route = query.corridor.map(GEOSRoute.init)
        let from = query.from ?? query.now
        let to = query.to ?? from + SearchQuery.defaultWindowSeconds
        let text = TextScorer(words: TextFolding.words(in: query.text ?? ""), vocabulary: catalog.vocabulary)
        var classScores: [Int32: TextScorer.Verdict] = [:]
        var rows: [Row] = []
        for (g, gym) in catalog.gyms.enumerated() {
            if query.marketplaceOnly && !gym.marketplace { continue }
            if let only = query.tenant, only != gym.id && only != gym.slug { continue }
            let point = Coordinate(latitude: gym.latitude, longitude: gym.longitude)
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
            for s in catalog.sessionRuns[g] {
                let session = catalog.sessions[s]
                guard session.start >= from, session.start < to, spots(session) >= query.minSpots else { continue }
                let row = catalog.classes[Int(session.classIndex)]
                if !query.types.isEmpty && !query.types.contains(row.type) { continue }
                if !query.difficulties.isEmpty && !query.difficulties.contains(row.difficulty) { continue }
                if let max = query.maxCredits, Int(row.credits) > max { continue }
                var textScore: Double?
                var missing = 0
                if let text {
                    let verdict = classScores[session.classIndex] ?? text.verdict(row)
                    classScores[session.classIndex] = verdict
                    guard verdict.score > 0 else { continue }
                    textScore = verdict.score
                    missing = verdict.missing
                }
                var found = Row(
                    session: s, sessionId: session.id, classIndex: Int(session.classIndex), start: session.start, primary: 0,
                    distanceKm: distance, textScore: textScore, now: query.now
                )
                let base =
                    switch query.sort {
                    case .relevance: -found.score
                    case .distance: distance
                    case .startTime: Double(session.start)
                    case .credits: Double(row.credits)
                    }
                found.primary = Ranking.primaryKey(base, wordsMatchedOnlyAround: missing, order: query.sort)
                rows.append(found)
            }
        }
        return rows.sorted { $0.precedes($1) }
    }
}

/// A class's text score by the index's definition: per query word, the best match quality
/// times the weight of the field it is found in, averaged over the words; 0 when a word is
/// found nowhere. And how many words only the class's gym or place matches, not the class.
struct TextScorer {
    struct Verdict {
        var score: Double
        var missing: Int
    }

    /// `quality[w][t]`: how query word `w` matches catalog word `t`.
    let quality: [[Double]]

    init?(words: [String], vocabulary: [String]) {
        guard !words.isEmpty else { return nil }
        quality = words.enumerated().map { i, word in
            vocabulary.map { WordMatcher.match(query: word, word: $0, isLastWord: i == words.count - 1)?.quality ?? 0 }
        }
    }

    func verdict(_ row: ReferenceCatalog.FitnessClassRow) -> Verdict {
        var total = 0.0, missing = 0
        for perTerm in quality {
            var best = 0.0, ownMatch = false
            for (i, term) in row.terms.enumerated() where perTerm[Int(term)] > 0 {
                best = max(best, perTerm[Int(term)] * row.weights[i])
                ownMatch = ownMatch || row.own[i]
            }
            if best == 0 { return Verdict(score: 0, missing: 0) }
            if !ownMatch { missing += 1 }
            total += best
        }
        return Verdict(score: total / Double(quality.count), missing: missing)
    }
}
