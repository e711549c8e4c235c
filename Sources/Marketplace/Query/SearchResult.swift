import Datasets
public import Domain

/// One session in an answer.
public struct SearchResult: Codable, Hashable, Sendable {
    public var sessionId: String
    public var `class`: ClassSummary
    public var gym: GymSummary
    public var distanceKm: Double
    /// ISO 8601 with the gym's UTC offset at that instant.
    public var startTime: String
    public var endTime: String
    public var timezone: String
    public var spotsLeft: Int
    /// Full: booking it puts the member on the waitlist.
    public var waitlistOnly: Bool
    public var score: Double
    public var explain: ScoreExplanation?

    public struct ClassSummary: Codable, Hashable, Sendable {
        public var id: String
        public var name: String
        public var type: ClassType
        public var difficulty: Difficulty
        public var credits: Int
    }

    public struct GymSummary: Codable, Hashable, Sendable {
        public var id: String
        public var name: String
        public var slug: String
        public var suburb: String
        public var city: String
        public var country: String
        public var lat: Double
        public var lng: Double
    }
}

/// A page of results.
public struct SearchPage: Codable, Sendable {
    public var results: [SearchResult]
    /// Present when more results follow; pass it back as `cursor` for the next page.
    public var nextCursor: String?
    public var tookMs: Double
    /// With `explain`: how the query was run.
    public var plan: QueryPlan?

    enum CodingKeys: String, CodingKey {
        case results, nextCursor, tookMs, plan
    }

    /// `next_cursor` is always present, null on the last page, so clients can test one key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(results, forKey: .results)
        try container.encode(nextCursor, forKey: .nextCursor)
        try container.encode(tookMs, forKey: .tookMs)
        try container.encodeIfPresent(plan, forKey: .plan)
    }
}

/// Which side drove the search and why.
public struct QueryPlan: Codable, Hashable, Sendable {
    public var driver: String
    /// Classes the geographic side would have visited (an upper bound from the R-tree).
    public var geographicEstimate: Int
    /// Classes the rarest query word's postings lead to; absent without text.
    public var textEstimate: Int?
    /// Words that, by the postings, no class of the asked types holds itself, so every result
    /// meets them only in its gym's or place's names and the walks' bounds start in that tier;
    /// absent without text.
    public var wordsOnlyAround: Int?
    /// What the plan's sides visited: classes (geographic, text) and sessions (the sessions
    /// walk), both sides' when the first gave up.
    public var visited: Int
}
