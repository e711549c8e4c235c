import Datasets
import Domain
import Geo
import Marketplace
import TextSearch

/// The reference: every session of the catalog tested one by one, then sorted. It shares only
/// the definitions with the index (distance, word matching, field weights, the score), so every
/// other system is checked against it before any timing counts.
public final class BruteForce: SearchSystem {
    public let name = "brute"
    let catalog: BenchCatalog

    public init(catalog: BenchCatalog) {
        self.catalog = catalog
    }

    public func limitation(of query: BenchQuery) -> Limitation? { nil }

    public func makeSearcher() throws -> any Searcher { BruteForceSearcher(catalog: catalog) }
}

final class BruteForceSearcher: Searcher {
    let catalog: BenchCatalog

    init(catalog: BenchCatalog) {
        self.catalog = catalog
    }

    private struct Row {
        var primary: Double
        var start: Int64
        var session: Int
    }

    func search(_ query: BenchQuery) throws -> [String] {
        let q = query.search
        let (origin, radius, from, to) = query.resolved
        let text = TextScorer(words: query.nativeTerms.map(\.word), vocabulary: catalog.vocabulary)
        var classScores: [Int32: Double] = [:]
        var rows: [Row] = []
        for (g, gym) in catalog.gyms.enumerated() {
            if q.marketplaceOnly && !gym.marketplace { continue }
            let distance = GreatCircle.distanceKm(origin, Coordinate(latitude: gym.latitude, longitude: gym.longitude))
            guard distance <= radius else { continue }
            for s in catalog.sessionRuns[g] {
                let session = catalog.sessions[s]
                guard session.start >= from, session.start < to, Int(session.spots) >= q.minSpots else { continue }
                let row = catalog.classes[Int(session.classIndex)]
                if !q.types.isEmpty && !q.types.contains(row.type) { continue }
                if !q.difficulties.isEmpty && !q.difficulties.contains(row.difficulty) { continue }
                if let max = q.maxCredits, Int(row.credits) > max { continue }
                var textScore: Double?
                if let text {
                    let score = classScores[session.classIndex] ?? text.score(row)
                    classScores[session.classIndex] = score
                    guard score > 0 else { continue }
                    textScore = score
                }
                let primary: Double =
                    switch q.sort {
                    case .relevance: -Ranking.explain(textScore: textScore, distanceKm: distance, start: session.start, now: q.now).total
                    case .distance: distance
                    case .startTime: Double(session.start)
                    case .credits: Double(row.credits)
                    }
                rows.append(Row(primary: primary, start: session.start, session: s))
            }
        }
        rows.sort { a, b in
            if a.primary != b.primary { return a.primary < b.primary }
            if a.start != b.start { return a.start < b.start }
            return catalog.sessions[a.session].id < catalog.sessions[b.session].id
        }
        return rows.prefix(q.limit).map { catalog.sessions[$0.session].id }
    }
}

/// A class's text score by the index's definition: per query word, the best match quality
/// times the weight of the field it is found in, averaged over the words; 0 when a word is
/// found nowhere.
struct TextScorer {
    /// `quality[w][t]`: how query word `w` matches catalog word `t`.
    let quality: [[Double]]

    init?(words: [String], vocabulary: [String]) {
        guard !words.isEmpty else { return nil }
        quality = words.enumerated().map { i, word in
            vocabulary.map { WordMatcher.match(query: word, word: $0, isLastWord: i == words.count - 1)?.quality ?? 0 }
        }
    }

    func score(_ row: BenchCatalog.FitnessClassRow) -> Double {
        var total = 0.0
        for perTerm in quality {
            var best = 0.0
            for (term, weight) in zip(row.terms, row.weights) { best = max(best, perTerm[Int(term)] * weight) }
            if best == 0 { return 0 }
            total += best
        }
        return total / Double(quality.count)
    }
}
