import Datasets
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
    /// The same, as term ids in ascending order with their match quality, for intersecting
    /// with a document's sorted terms.
    let wordTerms: [(terms: [UInt32], qualities: [Double])]
    /// The one gym a tenant filter allows, or nil for any.
    let onlyGym: Int32?
    /// The highest text score any document here can earn: per word its best match quality in
    /// the best-weighted field (weight 1), averaged. Nil without words.
    let bestTextScore: Double?
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

    init(segment: CatalogSegment, number: Int, dead: Set<Int32>, query: ResolvedQuery) {
        self.segment = segment
        self.number = number
        self.dead = dead
        self.query = query
        let last = query.words.count - 1
        wordMatches = query.words.enumerated().map { i, word in
            segment.text.vocabulary.matches(of: word, isLastWord: i == last)
        }
        wordTerms = wordMatches.map { matches in
            let sorted = matches.sorted { $0.key < $1.key }
            return (sorted.map { UInt32($0.key) }, sorted.map { $0.value.quality })
        }
        bestTextScore = wordMatches.isEmpty
            ? nil : wordMatches.map { $0.values.map(\.quality).max() ?? 0 }.reduce(0, +) / Double(wordMatches.count)
        var canMatch = wordMatches.allSatisfy { !$0.isEmpty }
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
    }

    /// The gym's distance if it is in the area and passes the gym filters, else nil.
    private func gymVerdict(_ g: Int32) -> Double? {
        let point = segment.gymFacts[Int(g)].coordinate
        if let radiusBounds, !radiusBounds.contains(point) { return nil }
        guard passesGymFilters(g) else { return nil }
        let distance = query.distanceKm(to: point, fromCenter: GreatCircle.distanceKm(query.center, point))
        return isInArea(point, distanceKm: distance) ? distance : nil
    }

    /// `gymVerdict` remembered per gym, for the walks that meet gyms in no particular order.
    struct GymVerdicts {
        /// Per gym: NaN not yet tested, -1 refused, else its distance.
        private var known: [Double]

        init(gyms: Int) {
            known = [Double](repeating: .nan, count: gyms)
        }

        mutating func distance(of g: Int32, in search: SegmentSearch) -> Double? {
            var value = known[Int(g)]
            if value.isNaN {
                value = search.gymVerdict(g) ?? -1
                known[Int(g)] = value
            }
            return value >= 0 ? value : nil
        }
    }

    // MARK: Planning

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

    // MARK: Running

    /// Runs the search from `driver`'s side. The geographic side gives up, returning false,
    /// once it has visited more classes than `budget` allows (the planner's estimate of the
    /// text side's whole cost), so a misjudged plan costs at most twice the better one.
    func run(driver: PlanChoice, into top: inout TopCandidates, budget: inout Int) -> Bool {
        guard canMatch else { return true }
        if driver == .text, let rarest = textEstimate?.word {
            runFromText(word: rarest, into: &top)
            return true
        }
        if driver == .sessions { return runFromSessions(into: &top, budget: &budget) }
        return runFromGeography(into: &top, budget: &budget)
    }

    /// Gyms from the R-tree, then their classes.
    private func runFromGeography(into top: inout TopCandidates, budget: inout Int) -> Bool {
        if let onlyGym {
            // One gym: no tree walk needed.
            let gym = segment.gymFacts[Int(onlyGym)]
            let distance = query.distanceKm(to: gym.coordinate, fromCenter: GreatCircle.distanceKm(query.center, gym.coordinate))
            var scratch = Scratch()
            if isInArea(gym.coordinate, distanceKm: distance) { visitGym(onlyGym, distanceKm: distance, scratch: &scratch, into: &top) }
            return true
        }
        var hits: [RTreeHit]
        if let radius = query.radiusKm {
            hits = segment.tree.within(radiusKm: radius, of: query.center)
        } else {
            hits = segment.tree.within(box: query.searchBox!, distancesFrom: query.center)
        }
        if query.corridor != nil {
            for i in hits.indices {
                hits[i].distanceKm = query.distanceKm(to: segment.gymFacts[hits[i].id].coordinate, fromCenter: hits[i].distanceKm)
            }
        }
        if query.box != nil || query.area != nil || query.corridor != nil {
            hits.removeAll { !isInArea(segment.gymFacts[$0.id].coordinate, distanceKm: $0.distanceKm) }
        }
        var scratch = Scratch()
        func visit(_ hit: RTreeHit) -> Bool {
            budget -= segment.gymFacts[hit.id].classes.count
            if budget < 0 { return false }
            visitGym(Int32(hit.id), distanceKm: hit.distanceKm, scratch: &scratch, into: &top)
            return true
        }
        guard bestPrimaryKey(distanceKm: 0) != nil else {
            // By start time or credits every gym in the area may hold the best: any order will do.
            for hit in hits where !visit(hit) { return false }
            return true
        }
        // Nearest first: for the distance and relevance orders, once the best a gym could offer
        // cannot beat the worst result kept, no farther gym can either. A heap, because the
        // walk usually stops long before the last gym.
        var nearest = Heap(hits.map(NearHit.init))
        while let next = nearest.popMin() {
            let hit = next.hit
            if let bound = bestPrimaryKey(distanceKm: hit.distanceKm), !top.admits(primary: bound, start: .min) { break }
            if !visit(hit) { return false }
        }
        return true
    }

    /// A gym found by the tree, ordered by distance, then by number.
    private struct NearHit: Comparable {
        let hit: RTreeHit
        static func < (a: Self, b: Self) -> Bool {
            a.hit.distanceKm != b.hit.distanceKm ? a.hit.distanceKm < b.hit.distanceKm : a.hit.id < b.hit.id
        }
        static func == (a: Self, b: Self) -> Bool { a.hit == b.hit }
    }

    /// Sessions in the sort's own order (start time, or credits then start time) from the
    /// window's beginning; each is tested through its gym (cached) and its class (cached).
    /// By start time or credits the walk stops once nothing later can place. Gives up,
    /// returning false, after `budget` sessions.
    private func runFromSessions(into top: inout TopCandidates, budget: inout Int) -> Bool {
        var gyms = GymVerdicts(gyms: segment.gymFacts.count)
        // Per class met, with words: its text score, or -1 if some word matches nowhere.
        var classVerdicts: [Int32: Double] = [:]
        var scratch = Scratch()
        let minSpots = Int32(clamping: query.query.minSpots)
        let stops = query.query.sort == .startTime || query.query.sort == .credits
        for (order, run) in segment.orders.runs(for: query.query.sort) {
            var i = segment.lowerBound(query.from, in: order, run)
            while i < run.upperBound {
                let s = Int(order[i])
                i += 1
                let start = segment.sessionStarts[s]
                if start >= query.to { break }
                budget -= 1
                if budget < 0 { return false }
                let spots = segment.spots[s]
                if spots < minSpots { continue }
                let c = segment.orders.sessionClasses[s]
                let entry = segment.classFacts[Int(c)]
                // The class filters first: comparisons on the class at hand, nothing to look up.
                guard passesClassFilters(entry) else { continue }
                let g = entry.gym
                guard let distance = gyms.distance(of: g, in: self) else { continue }
                var verdict = 1.0
                if !wordMatches.isEmpty {
                    if let known = classVerdicts[c] {
                        verdict = known
                    } else {
                        verdict = textScore(c, gymScores: gymWordScores(g, scratch: &scratch), scratch: &scratch) ?? -1
                        classVerdicts[c] = verdict
                    }
                    if verdict < 0 { continue }
                }
                let textScore = wordMatches.isEmpty ? nil : verdict
                let primary = primaryKey(start: start, distanceKm: distance, credits: entry.credits, textScore: textScore)
                if !top.admits(primary: primary, start: start) {
                    // In start (or credits, start) order nothing later in this run can place.
                    if stops { break } else { continue }
                }
                if top.isBeforeCursor(primary: primary, start: start) { continue }
                top.offer(Candidate(
                    key: CursorKey(primary: primary, start: start, identity: SessionIdentity(classHash: entry.idHash, start: start)),
                    segment: number, classIndex: c, spotsLeft: spots, distanceKm: distance, textScore: textScore
                ))
            }
        }
        return true
    }

    /// The smallest primary key a session at this distance can have, when the order has one.
    private func bestPrimaryKey(distanceKm: Double) -> Double? {
        switch query.query.sort {
        case .distance: distanceKm
        case .relevance: -Ranking.bestScore(distanceKm: distanceKm, bestTextScore: bestTextScore, earliestStart: query.from, now: query.now)
        case .startTime, .credits: nil
        }
    }

    /// What one run remembers between gyms: the text scores of places, which many gyms share.
    struct Scratch {
        var placeScores: [Int32: [Double]] = [:]
        /// Reused for each class's word scores, so scoring a class allocates nothing.
        var classScores: [Double] = []
    }

    /// Classes from the postings of the rarest word. Words found in a gym's or a place's names
    /// bring whole gyms, which are tested against the area and the gym filters before any of
    /// their classes is looked at; words found in a class are tested through its gym.
    private func runFromText(word: Int, into top: inout TopCandidates) {
        let postings = segment.text.postings
        var gyms = GymVerdicts(gyms: segment.gymFacts.count)
        func verdict(_ g: Int32) -> Double? { gyms.distance(of: g, in: self) }
        var classes: [Int32] = []
        func addGym(_ g: UInt32) {
            if verdict(Int32(g)) != nil { classes += Array(segment.gymFacts[Int(g)].classes) }
        }
        for term in wordMatches[word].keys {
            let classPostings = postings[TextCollection.classes.rawValue]
            for i in classPostings.range(of: term) {
                let c = Int32(classPostings.ids[i])
                if verdict(segment.classFacts[Int(c)].gym) != nil { classes.append(c) }
            }
            let gymPostings = postings[TextCollection.gyms.rawValue]
            for i in gymPostings.range(of: term) { addGym(gymPostings.ids[i]) }
            let placePostings = postings[TextCollection.places.rawValue]
            for i in placePostings.range(of: term) {
                for j in segment.placeGyms.range(of: Int(placePostings.ids[i])) { addGym(segment.placeGyms.ids[j]) }
            }
        }
        classes.sort()
        var currentGym: Int32 = -1
        var distance = 0.0
        var gymScores: [Double] = []
        var previous: Int32 = -1
        var scratch = Scratch()
        for c in classes where c != previous {
            previous = c
            let g = segment.classFacts[Int(c)].gym
            if g != currentGym {
                currentGym = g
                distance = verdict(g)!
                gymScores = gymWordScores(g, scratch: &scratch)
            }
            visitClass(c, distanceKm: distance, gymScores: gymScores, scratch: &scratch, into: &top)
        }
    }

    private func isInArea(_ point: Coordinate, distanceKm: Double) -> Bool {
        if let radius = query.radiusKm, distanceKm > radius { return false }
        if let box = query.box, !box.contains(point) { return false }
        if let area = query.area, !area.contains(point) { return false }
        // Along a route `distanceKm` is the detour: twice the distance off the route.
        if let corridor = query.corridor, distanceKm > 2 * corridor.widthKm { return false }
        return true
    }

    private func passesGymFilters(_ g: Int32) -> Bool {
        let gym = segment.gymFacts[Int(g)]
        if !gym.searchable || (!dead.isEmpty && dead.contains(g)) { return false }
        if query.query.marketplaceOnly && !gym.marketplaceEnabled { return false }
        if let onlyGym, onlyGym != g { return false }
        return true
    }

    private func visitGym(_ g: Int32, distanceKm: Double, scratch: inout Scratch, into top: inout TopCandidates) {
        guard passesGymFilters(g) else { return }
        let gymScores = gymWordScores(g, scratch: &scratch)
        for c in segment.gymFacts[Int(g)].classes {
            visitClass(c, distanceKm: distanceKm, gymScores: gymScores, scratch: &scratch, into: &top)
        }
    }

    /// Per query word, the best match among the gym's own words and its place's names.
    private func gymWordScores(_ g: Int32, scratch: inout Scratch) -> [Double] {
        guard !wordMatches.isEmpty else { return [] }
        var scores = [Double](repeating: 0, count: wordMatches.count)
        let place = segment.gymFacts[Int(g)].place
        if place >= 0 {
            if let known = scratch.placeScores[place] {
                scores = known
            } else {
                accumulate(.places, document: Int(place), into: &scores)
                scratch.placeScores[place] = scores
            }
        }
        accumulate(.gyms, document: Int(g), into: &scores)
        return scores
    }

    /// Raises each word's score to its best match in one document: the document's sorted
    /// terms intersected with the word's sorted matches, searching the longer list for each
    /// entry of the shorter.
    private func accumulate(_ collection: TextCollection, document: Int, into scores: inout [Double]) {
        let terms = segment.text.documentTerms[collection.rawValue]
        let range = terms.range(of: document)
        guard !range.isEmpty else { return }
        for (w, matched) in wordTerms.enumerated() {
            if matched.terms.count <= range.count {
                for (k, term) in matched.terms.enumerated() {
                    if let i = Self.find(term, in: terms.ids, range) {
                        scores[w] = max(scores[w], matched.qualities[k] * collection.weight(ofFields: terms.fields[i]))
                    }
                }
            } else {
                for i in range {
                    if let k = Self.find(terms.ids[i], in: matched.terms, matched.terms.indices) {
                        scores[w] = max(scores[w], matched.qualities[k] * collection.weight(ofFields: terms.fields[i]))
                    }
                }
            }
        }
    }

    /// Binary search for `value` in the ascending `ids[range]`.
    private static func find(_ value: UInt32, in ids: [UInt32], _ range: Range<Int>) -> Int? {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi {
            let mid = (lo + hi) / 2
            if ids[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo < range.upperBound && ids[lo] == value ? lo : nil
    }

    private func visitClass(
        _ c: Int32, distanceKm: Double, gymScores: [Double], scratch: inout Scratch, into top: inout TopCandidates
    ) {
        let entry = segment.classFacts[Int(c)]
        let q = query.query
        guard passesClassFilters(entry), let score = textScore(c, gymScores: gymScores, scratch: &scratch) else { return }
        let textScore = wordMatches.isEmpty ? nil : score
        let minSpots = Int32(clamping: q.minSpots)
        var s = segment.lowerBound(query.from, in: entry.sessions)
        while s < Int(entry.sessions.upperBound) {
            let start = segment.sessionStarts[s]
            if start >= query.to { break }
            defer { s += 1 }
            let spots = segment.spots[s]
            if spots < minSpots { continue }
            let primary = primaryKey(start: start, distanceKm: distanceKm, credits: entry.credits, textScore: textScore)
            // Within a class keys only grow with the start: past the worst kept, stop.
            if !top.admits(primary: primary, start: start) { break }
            if top.isBeforeCursor(primary: primary, start: start) { continue }
            top.offer(Candidate(
                key: CursorKey(primary: primary, start: start, identity: SessionIdentity(classHash: entry.idHash, start: start)),
                segment: number, classIndex: c, spotsLeft: spots, distanceKm: distanceKm,
                textScore: textScore
            ))
        }
    }

    private func passesClassFilters(_ entry: ClassFacts) -> Bool {
        if !types.isEmpty && !types.contains(entry.type) { return false }
        if !difficulties.isEmpty && !difficulties.contains(entry.difficulty) { return false }
        if let maxCredits = query.query.maxCredits, entry.credits > maxCredits { return false }
        return true
    }

    /// With words, the class's text score: per word its best match in the class, its gym or its
    /// place, averaged; nil if a word matches nowhere. Without words, 1.
    private func textScore(_ c: Int32, gymScores: [Double], scratch: inout Scratch) -> Double? {
        guard !wordMatches.isEmpty else { return 1 }
        scratch.classScores.removeAll(keepingCapacity: true)
        scratch.classScores.append(contentsOf: gymScores)
        accumulate(.classes, document: Int(c), into: &scratch.classScores)
        if scratch.classScores.contains(0) { return nil }  // every word must match somewhere
        return scratch.classScores.reduce(0, +) / Double(scratch.classScores.count)
    }

    /// The first part of the sort key; smaller comes first.
    func primaryKey(start: Int64, distanceKm: Double, credits: Int32, textScore: Double?) -> Double {
        switch query.query.sort {
        case .relevance:
            -Ranking.explain(textScore: textScore, distanceKm: distanceKm, start: start, now: query.now).total
        case .distance: distanceKm
        case .startTime: Double(start)
        case .credits: Double(credits)
        }
    }
}
