import Datasets
import Domain
import Geo
import HeapModule
import TextSearch

/// Visiting a gym and its classes: the filters, the text scores, the offer to the top-k.
extension SegmentSearch {
    func isInArea(_ point: Coordinate, distanceKm: Double) -> Bool {
        if let radius = query.radiusKm, distanceKm > radius { return false }
        if let box = query.box, !box.contains(point) { return false }
        if let area = query.area, !area.contains(point) { return false }
        // Along a route `distanceKm` is the detour: twice the distance off the route.
        if let corridor = query.corridor, distanceKm > 2 * corridor.widthKm { return false }
        return true
    }

    func passesGymFilters(_ g: Int32) -> Bool {
        let gym = segment.gymFacts[Int(g)]
        if !gym.searchable || (!dead.isEmpty && dead.contains(g)) { return false }
        if query.query.marketplaceOnly && !gym.marketplaceEnabled { return false }
        if let onlyGym, onlyGym != g { return false }
        return true
    }

    func visitGym(_ g: Int32, distanceKm: Double, scratch: inout Scratch, into top: inout TopCandidates) {
        guard passesGymFilters(g) else { return }
        scoreGymWords(g, into: &scratch)
        for c in segment.gymFacts[Int(g)].classes {
            visitClass(c, distanceKm: distanceKm, scratch: &scratch, into: &top)
        }
    }

    /// Per query word, the best match among the gym's own words and its place's names, into
    /// `scratch.gymScores`: the same buffer for every gym, so visiting one allocates nothing.
    /// Scoring the gym the buffer already holds does nothing (the session walk meets a gym's
    /// classes one by one).
    func scoreGymWords(_ g: Int32, into scratch: inout Scratch) {
        guard !wordMatches.isEmpty, scratch.scoredGym != g else { return }
        scratch.scoredGym = g
        let words = wordMatches.count
        scratch.gymScores.removeAll(keepingCapacity: true)
        let place = segment.gymFacts[Int(g)].place
        if place >= 0, let offset = scratch.placeScores[place] {
            scratch.gymScores.append(contentsOf: scratch.placeScoreValues[offset..<offset + words])
        } else {
            scratch.gymScores.append(contentsOf: repeatElement(0, count: words))
            if place >= 0 {
                accumulate(.places, document: Int(place), into: &scratch.gymScores)
                scratch.placeScores[place] = scratch.placeScoreValues.count
                scratch.placeScoreValues.append(contentsOf: scratch.gymScores)
            }
        }
        accumulate(.gyms, document: Int(g), into: &scratch.gymScores)
    }

    /// Raises each word's score to its best match in one document: the document's sorted
    /// terms intersected with the query's sorted matched terms, searching the longer list for
    /// each entry of the shorter. It reads the lists in place: this runs for every class and gym
    /// a search visits, where copying them cost more in reference counting than the search.
    func accumulate(_ collection: TextCollection, document: Int, into scores: inout [Double]) {
        switch collection {
        case .classes: accumulate(classTerms, collection, document: document, into: &scores)
        case .gyms: accumulate(gymTerms, collection, document: document, into: &scores)
        case .places: accumulate(placeTerms, collection, document: document, into: &scores)
        }
    }

    private func accumulate(_ terms: borrowing PostingLists, _ collection: TextCollection, document: Int, into scores: inout [Double]) {
        let range = terms.range(of: document)
        guard !range.isEmpty else { return }
        terms.ids.withUnsafeBufferPointer { ids in
            terms.fields.withUnsafeBufferPointer { fields in
                matchedTerms.withUnsafeBufferPointer { matched in
                    func raise(_ k: Int, field: UInt8) {
                        let value = matched[k].quality * collection.weight(ofFields: field)
                        let w = Int(matched[k].word)
                        if value > scores[w] { scores[w] = value }
                    }
                    if matched.count <= range.count {
                        for k in matched.indices {
                            if let i = Self.find(matched[k].term, in: ids, range) { raise(k, field: fields[i]) }
                        }
                    } else {
                        for i in range {
                            // Every word that matches this term: they sit together in `matched`.
                            var k = Self.first(ids[i], in: matched)
                            while k < matched.count && matched[k].term == ids[i] {
                                raise(k, field: fields[i])
                                k += 1
                            }
                        }
                    }
                }
            }
        }
    }

    /// Binary search for `value` in the ascending `ids[range]`.
    private static func find(_ value: UInt32, in ids: UnsafeBufferPointer<UInt32>, _ range: Range<Int>) -> Int? {
        var lo = range.lowerBound, hi = range.upperBound
        while lo < hi {
            let mid = (lo + hi) / 2
            if ids[mid] < value { lo = mid + 1 } else { hi = mid }
        }
        return lo < range.upperBound && ids[lo] == value ? lo : nil
    }

    /// The first position in `matched` whose term is not below `term`.
    private static func first(_ term: UInt32, in matched: UnsafeBufferPointer<MatchedTerm>) -> Int {
        var lo = 0, hi = matched.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if matched[mid].term < term { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Offers the class's sessions; its gym's word scores are in `scratch.gymScores`.
    func visitClass(_ c: Int32, distanceKm: Double, scratch: inout Scratch, into top: inout TopCandidates) {
        let entry = segment.classFacts[Int(c)]
        let q = query.query
        guard passesClassFilters(entry), let verdict = textVerdict(c, scratch: &scratch) else { return }
        let textScore = wordMatches.isEmpty ? nil : verdict.score
        let minSpots = Int32(clamping: q.minSpots)
        var s = segment.lowerBound(query.from, in: entry.sessions)
        while s < Int(entry.sessions.upperBound) {
            let start = segment.sessionStarts[s]
            if start >= query.to { break }
            defer { s += 1 }
            let spots = segment.spots[s]
            if spots < minSpots { continue }
            let primary = primaryKey(start: start, distanceKm: distanceKm, credits: entry.credits, textScore: textScore, missing: verdict.missing)
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

    func passesClassFilters(_ entry: ClassFacts) -> Bool {
        if !types.isEmpty && !types.contains(entry.type) { return false }
        if !difficulties.isEmpty && !difficulties.contains(entry.difficulty) { return false }
        if let maxCredits = query.query.maxCredits, entry.credits > maxCredits { return false }
        return true
    }

    /// How the query's words meet a class.
    struct TextVerdict {
        /// Per word its best match in the class, its gym or its place, averaged.
        var score: Double
        /// The words the class itself does not match, found only in its gym's or place's names.
        var missing: Int
    }

    /// With words, the class's text verdict (its gym's word scores in `scratch.gymScores`), or
    /// nil if a word matches nowhere. Without words, a score of 1 with nothing missing.
    func textVerdict(_ c: Int32, scratch: inout Scratch) -> TextVerdict? {
        guard !wordMatches.isEmpty else { return TextVerdict(score: 1, missing: 0) }
        scratch.classScores.removeAll(keepingCapacity: true)
        scratch.classScores.append(contentsOf: repeatElement(0, count: wordMatches.count))
        accumulate(.classes, document: Int(c), into: &scratch.classScores)
        var total = 0.0, missing = 0
        for (own, around) in zip(scratch.classScores, scratch.gymScores) {
            if own == 0 {
                if around == 0 { return nil }  // every word must match somewhere
                missing += 1
            }
            total += max(own, around)
        }
        return TextVerdict(score: total / Double(wordMatches.count), missing: missing)
    }

    /// The order's own key, before the class's own matches rank it; smaller comes first.
    func baseKey(start: Int64, distanceKm: Double, credits: Int32, textScore: Double?) -> Double {
        switch query.query.sort {
        case .relevance:
            -Ranking.explain(textScore: textScore, distanceKm: distanceKm, start: start, now: query.now).total
        case .distance: distanceKm
        case .startTime: Double(start)
        case .credits: Double(credits)
        }
    }

    /// The first part of the sort key (`Ranking.primaryKey`); smaller comes first.
    func primaryKey(start: Int64, distanceKm: Double, credits: Int32, textScore: Double?, missing: Int) -> Double {
        Ranking.primaryKey(
            baseKey(start: start, distanceKm: distanceKm, credits: credits, textScore: textScore), wordsMatchedOnlyAround: missing,
            order: query.query.sort
        )
    }
}

extension SegmentSearch {
    /// Per query word, where it best matched class `c` (its own fields first, then its gym's,
    /// then its place's) and how: what an explanation shows. Only for the results of a page.
    func matchedFields(ofClass c: Int32) -> [WordMatch] {
        let g = segment.classFacts[Int(c)].gym
        let place = segment.gymFacts[Int(g)].place
        let documents: [(TextCollection, Int)] = [(.classes, Int(c)), (.gyms, Int(g))] + (place >= 0 ? [(.places, Int(place))] : [])
        return query.words.indices.compactMap { w in
            var best: (value: Double, match: WordMatch)?
            for (collection, document) in documents {
                let terms = segment.text.documentTerms[collection.rawValue]
                for i in terms.range(of: document) {
                    guard let kind = wordMatches[w][Int(terms.ids[i])] else { continue }
                    let bits = terms.fields[i]
                    for (bit, weight) in collection.fieldWeights.enumerated() where bits & (1 << bit) != 0 {
                        let value = kind.quality * weight
                        if value > (best?.value ?? 0) {
                            best = (value, WordMatch(
                                word: query.words[w], field: collection.fieldNames[bit], term: segment.text.vocabulary.terms[Int(terms.ids[i])],
                                match: kind.name
                            ))
                        }
                    }
                }
            }
            return best?.match
        }
    }
}
