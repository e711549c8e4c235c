import Datasets
import Domain
import Geo
import HeapModule
import TextSearch

/// The three ways a search can be driven: from the geography, from sessions in start order,
/// from a query word's postings.
extension SegmentSearch {

    /// Runs the search from `driver`'s side. The geographic side gives up, returning false,
    /// once it has visited more classes than `budget` allows (the planner's estimate of the
    /// text side's whole cost), so a misjudged plan costs at most twice the better one.
    func run(driver: PlanChoice, into top: inout TopCandidates, budget: inout Int) -> Bool {
        guard canMatch else { return true }
        if driver == .text, let rarest = textEstimate?.word {
            runFromText(word: rarest, into: &top, visited: &budget)
            return true
        }
        if driver == .sessions { return runFromSessions(into: &top, budget: &budget) }
        return runFromGeography(into: &top, budget: &budget)
    }

    /// Gyms from the R-tree, then their classes.
    func runFromGeography(into top: inout TopCandidates, budget: inout Int) -> Bool {
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
    /// window's beginning, merged from the tiles the area reaches; each is tested through its
    /// gym (cached) and its class (cached). By start time or credits the walk stops once
    /// nothing later can place. Gives up, returning false, after `budget` sessions.
    func runFromSessions(into top: inout TopCandidates, budget: inout Int) -> Bool {
        let buffer = segment.verdicts.take()
        defer { segment.verdicts.giveBack(buffer) }
        let gyms = GymVerdicts(buffer: buffer)
        // Per class met, with words: its text verdict, or nil if some word matches nowhere.
        var classVerdicts: [Int32: TextVerdict?] = [:]
        var scratch = Scratch()
        let minSpots = Int32(clamping: query.query.minSpots)
        let stops = query.query.sort == .startTime || query.query.sort == .credits
        let runs = segment.orders.runs(for: query.query.sort)
        let tiles = areaTiles
        var merge = Heap<RunCursor>(minimumCapacity: tiles.count)
        for key in runs.keys {
            // By credits, once the page is full at a lower value a higher one cannot place.
            if query.query.sort == .credits && !top.admits(primary: bestPrimaryKey(base: Double(key)), start: query.from) { break }
            merge.removeAll { _ in true }  // what a stop left; keeps the storage
            for t in tiles {
                guard let run = runs.run(ofTile: t, key: key) else { continue }
                let first = segment.lowerBound(query.from, in: runs.sessions, run)
                if first < run.upperBound, segment.sessionStarts[Int(runs.sessions[first])] < query.to {
                    merge.insert(RunCursor(start: segment.sessionStarts[Int(runs.sessions[first])], position: first, end: run.upperBound))
                }
            }
            while let cursor = merge.min {
                let s = Int(runs.sessions[cursor.position])
                let start = cursor.start
                let next = cursor.position + 1
                if next < cursor.end, case let nextStart = segment.sessionStarts[Int(runs.sessions[next])], nextStart < query.to {
                    _ = merge.replaceMin(with: RunCursor(start: nextStart, position: next, end: cursor.end))
                } else {
                    _ = merge.removeMin()
                }
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
                var verdict = TextVerdict(score: 1, missing: 0)
                if !wordMatches.isEmpty {
                    let known: TextVerdict?
                    if let remembered = classVerdicts[c] {
                        known = remembered
                    } else {
                        scoreGymWords(g, into: &scratch)
                        known = textVerdict(c, scratch: &scratch)
                        classVerdicts[c] = known
                    }
                    guard let known else { continue }
                    verdict = known
                }
                let textScore = wordMatches.isEmpty ? nil : verdict.score
                let base = baseKey(start: start, distanceKm: distance, credits: entry.credits, textScore: textScore)
                // In start (or credits, start) order nothing later in this run can place once
                // even a class matching every word it can hold itself could not.
                if stops && !top.admits(primary: bestPrimaryKey(base: base), start: start) { break }
                let primary = Ranking.primaryKey(base, wordsMatchedOnlyAround: verdict.missing, order: query.query.sort)
                if !top.admits(primary: primary, start: start) { continue }
                if top.isBeforeCursor(primary: primary, start: start) { continue }
                top.offer(Candidate(
                    key: CursorKey(primary: primary, start: start, identity: SessionIdentity(classHash: entry.idHash, start: start)),
                    segment: number, classIndex: c, spotsLeft: spots, distanceKm: distance, textScore: textScore
                ))
            }
        }
        return true
    }

    /// Where a tile's run stands in the merge: its next session's start and position.
    private struct RunCursor: Comparable {
        let start: Int64
        let position: Int
        let end: Int
        static func < (a: Self, b: Self) -> Bool { a.start != b.start ? a.start < b.start : a.position < b.position }
        static func == (a: Self, b: Self) -> Bool { a.position == b.position }
    }

    /// The smallest primary key a session at this distance can have, when the order has one.
    func bestPrimaryKey(distanceKm exact: Double) -> Double? {
        let distanceKm = query.query.loosened == .distanceBoundDoubled ? exact * 2 : exact
        return switch query.query.sort {
        case .distance: bestPrimaryKey(base: distanceKm)
        case .relevance:
            bestPrimaryKey(base: -Ranking.bestScore(distanceKm: distanceKm, bestTextScore: bestTextScore, earliestStart: query.from, now: query.now))
        case .startTime, .credits: nil
        }
    }

    /// The smallest primary key a session with the order's own key `base` can have: in the
    /// tier of the fewest words a class here can meet only around it.
    func bestPrimaryKey(base: Double) -> Double {
        Ranking.primaryKey(base, wordsMatchedOnlyAround: fewestWordsOnlyAround, order: query.query.sort)
    }

    /// What one run reuses from gym to gym and class to class, so a visit allocates nothing; and
    /// the text scores of places, which many gyms share.
    struct Scratch {
        /// Per place met, where its word scores start in `placeScoreValues`.
        var placeScores: [Int32: Int] = [:]
        var placeScoreValues: [Double] = []
        /// The word scores of gym `scoredGym` (its own words and its place's).
        var gymScores: [Double] = []
        var scoredGym: Int32 = -1
        /// The class at hand's word scores.
        var classScores: [Double] = []
    }

    /// Classes from the postings of the rarest word. Words found in a gym's or a place's names
    /// bring whole gyms, which are tested against the area and the gym filters before any of
    /// their classes is looked at; words found in a class are tested through its gym.
    /// Never gives up (it is the fallback), but counts the classes it visits off `visited`.
    func runFromText(word: Int, into top: inout TopCandidates, visited: inout Int) {
        let postings = segment.text.postings
        let buffer = segment.verdicts.take()
        defer { segment.verdicts.giveBack(buffer) }
        let gyms = GymVerdicts(buffer: buffer)
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
        var previous: Int32 = -1
        var scratch = Scratch()
        for c in classes where c != previous {
            previous = c
            visited -= 1
            let g = segment.classFacts[Int(c)].gym
            if g != currentGym {
                currentGym = g
                distance = verdict(g)!
                scoreGymWords(g, into: &scratch)
            }
            visitClass(c, distanceKm: distance, scratch: &scratch, into: &top)
        }
    }
}
