import Datasets
import Domain

/// Turns ranked candidates into results: names, ISO times in each gym's offset, live spots.
struct ResultBuilder {
    let segments: [CatalogSegment]
    let query: ResolvedQuery
    /// Each segment's search, to say where the words matched when explaining.
    let searches: [SegmentSearch]
    private var clocks = ZoneClocks()

    init(searches: [SegmentSearch], query: ResolvedQuery) {
        self.segments = searches.map(\.segment)
        self.searches = searches
        self.query = query
    }

    mutating func result(for candidate: Candidate) -> SearchResult {
        let segment = segments[candidate.segment]
        let entry = segment.classes[Int(candidate.classIndex)]
        let gym = segment.gyms[Int(entry.gym)]
        let start = candidate.key.start
        let end = start + Int64(entry.durationSeconds)
        let (startOffset, endOffset) = clocks.withClock(gym.timezone) { ($0.offset(at: start), $0.offset(at: end)) }
        let spots = Int(candidate.spotsLeft)
        var explanation = Ranking.explain(
            textScore: candidate.textScore, distanceKm: candidate.distanceKm, start: start, now: query.now
        )
        if query.query.explain && !query.words.isEmpty {
            explanation.matched = searches[candidate.segment].matchedFields(ofClass: candidate.classIndex)
        }
        return SearchResult(
            sessionId: candidate.key.identity.uuidString,
            class: .init(id: entry.id, name: entry.name, type: entry.type, difficulty: entry.difficulty, credits: Int(entry.credits)),
            gym: .init(
                id: gym.id, name: gym.name, slug: gym.slug, suburb: gym.suburb, city: gym.city, country: gym.country,
                lat: gym.coordinate.latitude, lng: gym.coordinate.longitude
            ),
            distanceKm: candidate.distanceKm,
            startTime: ISO8601.format(start, offsetSeconds: startOffset, utcDesignator: false),
            endTime: ISO8601.format(end, offsetSeconds: endOffset, utcDesignator: false),
            timezone: gym.timezone, spotsLeft: spots, waitlistOnly: spots == 0,
            score: explanation.total, explain: query.query.explain ? explanation : nil
        )
    }
}
