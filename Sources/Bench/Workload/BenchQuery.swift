import Geo
public import Marketplace

/// One query of the workload, with what a peer needs to know to say whether it can ask it.
public struct BenchQuery: Sendable {
    /// Its place in the workload, from 0.
    public var number: Int
    public var search: SearchQuery
    public var text: TextKind
    public var window: TimeWindow
    /// Per query word (folded): the catalog words it matches exactly, as a synonym or, for the
    /// last word, as a prefix: what a full-text engine expresses natively.
    public var nativeTerms: [WordTerms]
    /// True when some query word also matches a catalog word through a typo, which no peer
    /// expresses with the project's edit distance: such a query is compared only between the
    /// index and brute force.
    public var needsTypoTolerance: Bool

    public struct WordTerms: Sendable, Hashable {
        public var word: String
        public var synonyms: [String]
        /// The last word of the query, matched as a prefix too.
        public var isPrefix: Bool
    }

    public enum TextKind: String, Sendable, Codable, CaseIterable {
        case none, words, misspelled, unfinished
    }

    public enum TimeWindow: String, Sendable, Codable, CaseIterable {
        case tonight, tomorrowMorning = "tomorrow_morning", weekend, nextSevenDays = "next_7_days"
    }

    /// Whether its text holds any word (punctuation alone holds none, and filters nothing).
    public var hasWords: Bool { !nativeTerms.isEmpty }

    /// One line saying what it asks, for reports.
    public var summary: String {
        var parts = ["\(search.radiusKm.map { "\(Int($0)) km" } ?? "no radius")", window.rawValue, "by \(search.sort.rawValue)"]
        if let text = search.text { parts.append("\"\(text)\" (\(self.text.rawValue))") }
        if let type = search.types.first { parts.append("type \(type.rawValue)") }
        return parts.joined(separator: ", ")
    }

    /// The class a report groups it in: what it asks for, and how it orders.
    public var label: String {
        "\(text == .none ? "no text" : text.rawValue), \(search.sort.rawValue)"
    }
}

extension BenchQuery {
    /// The centre, radius and window, with the defaults the index applies.
    var resolved: (center: Coordinate, radiusKm: Double, from: Int64, to: Int64) {
        let from = search.from ?? search.now
        return (
            search.origin ?? Coordinate(latitude: 0, longitude: 0), search.radiusKm ?? SearchQuery.defaultRadiusKm,
            from, search.to ?? from + SearchQuery.defaultWindowSeconds
        )
    }

    /// The latitude and longitude box holding the query's circle, for a peer that filters by a
    /// box and then by exact distance.
    var bounds: CircleBounds {
        let (center, radius, _, _) = resolved
        return CircleBounds(center: center, radiusKm: radius) ?? .globe
    }

    /// The one class type a peer filters on (the workload asks for none or one).
    var classType: String? { search.types.first?.rawValue }
}
