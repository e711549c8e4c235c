import Datasets
import Domain
import Geo
import HeapModule
import TextSearch


/// One query run over one segment: find the gyms, classes and sessions that match, and offer
/// them to the shared top-k.
struct SegmentSearch {
    let segment: CatalogSegment
    let number: Int
    let dead: Set<Int32>
    let query: ResolvedQuery
    /// Per query word: the segment's terms it matches, and how.
    let wordMatches: [[Int: MatchKind]]
    /// The same in one list, ascending by term id, for intersecting with a document's sorted
    /// terms: one flat array, so scoring a document copies nothing per word.
    let matchedTerms: [MatchedTerm]
    /// The one gym a tenant filter allows, or nil for any.
    let onlyGym: Int32?
    /// The highest text score any class of the asked types here can earn: per word its best
    /// match quality in the best field where such a class can meet it (1 in the class's own,
    /// a gym's or place's name's weight if only there), averaged. Nil without words.
    let bestTextScore: Double?
    /// How many words every matching class meets only around it (in its gym's or place's
    /// names), because no class of the asked types holds them itself: the fewest a result
    /// can have, so the walks' bounds start in that tier (`Ranking.primaryKey`).
    let fewestWordsOnlyAround: Int
    /// False when the segment cannot contribute (a word matches nothing here, or the tenant
    /// is elsewhere).
    let canMatch: Bool
    /// Classes the rarest word's postings lead to, with that word's position; nil without text.
    let textEstimate: (classes: Int, word: Int)?
    /// The type and difficulty filters as arrays: a handful of cases compare faster than a
    /// `Set` hashes each class's raw-value string.
    let types: [ClassType]
    let difficulties: [Difficulty]
    /// The radius's box: gyms outside it are refused with comparisons, before any distance.
    let radiusBounds: CircleBounds?
    /// The segment's document → terms rows, per collection, held here: read through `self`,
    /// which the visits borrow, their arrays need no retain and release per document, as they
    /// did read through the segment (a sixth of a text search's time over HTTP).
    let classTerms: PostingLists
    let gymTerms: PostingLists
    let placeTerms: PostingLists
    /// The R-tree tiles the area reaches (the tenant's gym's alone, with a tenant), for the
    /// sessions walk and its estimate; none when nothing here can match.
    let areaTiles: [Int32]

    init(segment: CatalogSegment, number: Int, dead: Set<Int32>, query: ResolvedQuery) {
        self.segment = segment
        self.number = number
        self.dead = dead
        self.query = query
        let last = query.words.count - 1
        wordMatches = query.words.enumerated().map { i, word in
            segment.text.vocabulary.matches(of: word, isLastWord: i == last)
        }
        matchedTerms = wordMatches.enumerated().flatMap { word, matches in
            matches.map { MatchedTerm(term: UInt32($0.key), word: Int32(word), quality: $0.value.quality) }
        }.sorted { ($0.term, $0.word) < ($1.term, $1.word) }
        let bounds = Self.wordBounds(wordMatches, types: query.query.types, in: segment)
        bestTextScore = wordMatches.isEmpty ? nil : bounds.map(\.best).reduce(0, +) / Double(wordMatches.count)
        fewestWordsOnlyAround = bounds.count { !$0.ownPossible }
            + (query.query.loosened == .wordsOnlyAroundOverstated ? 1 : 0)
        // A contradiction: with types asked, some word no class of those types holds and no gym
        // or place does (which would bring every class of its gyms). Then nothing here matches,
        // and no walk is needed ("cardio" of type strength).
        let ignoringNames = query.query.loosened == .contradictionsIgnoreGymsAndPlaces
        let contradicted = !query.query.types.isEmpty && bounds.contains { !$0.ownPossible && (ignoringNames || !$0.aroundPossible) }
        var canMatch = wordMatches.allSatisfy { !$0.isEmpty } && !contradicted
        var onlyGym: Int32?
        if let tenant = query.query.tenant {
            onlyGym = segment.gymIndex[tenant] ?? segment.gymBySlug[tenant]
            canMatch = canMatch && onlyGym != nil
        }
        self.onlyGym = onlyGym
        self.canMatch = canMatch
        textEstimate = Self.estimateText(wordMatches, in: segment)
        types = Array(query.query.types)
        difficulties = Array(query.query.difficulties)
        radiusBounds = query.corridor == nil ? query.radiusKm.flatMap { CircleBounds(center: query.center, radiusKm: $0) } : nil
        classTerms = segment.text.documentTerms[TextCollection.classes.rawValue]
        gymTerms = segment.text.documentTerms[TextCollection.gyms.rawValue]
        placeTerms = segment.text.documentTerms[TextCollection.places.rawValue]
        if !canMatch {
            areaTiles = []
        } else if let onlyGym {
            areaTiles = [segment.tileOfGym[Int(onlyGym)]]
        } else if let radius = query.radiusKm {
            areaTiles = segment.tree.tiles(within: radius, of: query.center)
        } else {
            areaTiles = segment.tree.tiles(in: query.searchBox!)
        }
    }

    /// The gym's distance if it is in the area and passes the gym filters, else nil.
    func gymVerdict(_ g: Int32) -> Double? {
        let point = segment.gymFacts[Int(g)].coordinate
        if let radiusBounds, !radiusBounds.contains(point) { return nil }
        guard passesGymFilters(g) else { return nil }
        let distance = query.distanceKm(to: point, fromCenter: GreatCircle.distanceKm(query.center, point))
        return isInArea(point, distanceKm: distance) ? distance : nil
    }

    /// A catalog term some query word matches, and how well.
    struct MatchedTerm {
        var term: UInt32
        var word: Int32
        var quality: Double
    }

    /// `gymVerdict` remembered per gym, for the walks that meet gyms in no particular order, in
    /// a buffer of the segment's pool (`VerdictPool`): nothing sized by the catalog is
    /// allocated or cleared per search.
    /// The caller holds the buffer (taken from the pool, given back after the walk).
    struct GymVerdicts {
        let distances: UnsafeMutablePointer<Double>
        let stamps: UnsafeMutablePointer<UInt32>
        let generation: UInt32

        init(buffer: VerdictBuffer) {
            distances = buffer.distances
            stamps = buffer.stamps
            generation = buffer.generation
        }

        func distance(of g: Int32, in search: SegmentSearch) -> Double? {
            let i = Int(g)
            if stamps[i] != generation {
                distances[i] = search.gymVerdict(g) ?? -1
                stamps[i] = generation
            }
            let value = distances[i]
            return value >= 0 ? value : nil
        }
    }

    // MARK: Planning

    /// Sessions the area's tiles hold (all of them, any time).
    var tileSessions: Int {
        segment.orders.byStart.sessionCount(inTiles: areaTiles)
    }

    /// Classes the geographic side would visit, at most.
    var geographicEstimate: Int {
        let gyms: Int
        if let radius = query.radiusKm {
            gyms = segment.tree.estimatedCount(within: radius, of: query.center)
        } else {
            gyms = segment.tree.estimatedCount(in: query.searchBox!)
        }
        return Int((Double(gyms) * segment.averageClassesPerGym).rounded(.up))
    }

    /// Per word, from its terms' postings: whether a class of the asked types (any, without
    /// types) holds it in its own text, whether a gym or place name does, and the best weighted
    /// match quality such a class can get for it, in its own fields or its gym's and place's
    /// names. One pass serves the contradiction, the tier and the text bound.
    private static func wordBounds(
        _ wordMatches: [[Int: MatchKind]], types: Set<ClassType>, in segment: CatalogSegment
    ) -> [(ownPossible: Bool, aroundPossible: Bool, best: Double)] {
        let wanted = types.isEmpty ? UInt16.max : types.reduce(UInt16(0)) { $0 | $1.bit }
        let postings = segment.text.postings
        let gymWeight = TextCollection.gyms.fieldWeights.max()!, placeWeight = TextCollection.places.fieldWeights.max()!
        return wordMatches.map { matches in
            var ownPossible = false, aroundPossible = false, best = 0.0
            for (term, kind) in matches {
                if segment.termClassTypes[term] & wanted != 0 {
                    ownPossible = true
                    best = max(best, kind.quality)
                }
                if !postings[TextCollection.gyms.rawValue].range(of: term).isEmpty {
                    aroundPossible = true
                    best = max(best, kind.quality * gymWeight)
                }
                if !postings[TextCollection.places.rawValue].range(of: term).isEmpty {
                    aroundPossible = true
                    best = max(best, kind.quality * placeWeight)
                }
            }
            return (ownPossible, aroundPossible, best)
        }
    }

    /// For each word, the classes its postings lead to (a gym or place match brings all the
    /// gym's classes); the rarest word and its count.
    private static func estimateText(_ wordMatches: [[Int: MatchKind]], in segment: CatalogSegment) -> (classes: Int, word: Int)? {
        guard !wordMatches.isEmpty else { return nil }
        let postings = segment.text.postings
        let classesPerGym = segment.averageClassesPerGym
        let gymsPerPlace = segment.places.isEmpty ? 0 : Double(segment.placeGyms.ids.count) / Double(segment.places.count)
        return wordMatches.enumerated().map { word, matches in
            var total = 0.0
            for term in matches.keys {
                total += Double(postings[TextCollection.classes.rawValue].range(of: term).count)
                total += Double(postings[TextCollection.gyms.rawValue].range(of: term).count) * classesPerGym
                total += Double(postings[TextCollection.places.rawValue].range(of: term).count) * gymsPerPlace * classesPerGym
            }
            return (Int(total.rounded(.up)), word)
        }.min { $0.0 < $1.0 }
    }
}
