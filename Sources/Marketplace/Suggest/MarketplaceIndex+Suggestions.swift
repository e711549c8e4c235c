import TextSearch

/// A word suggested as someone types, with how many classes and gyms hold it.
public struct Suggestion: Equatable, Sendable {
    /// The words typed so far with the last one completed, folded as the index folds them.
    public var text: String
    public var count: Int
}

extension MarketplaceIndex {
    /// Completions of the last word typed from the words of class names and types and gym
    /// names, the most used first. Each segment's sorted vocabulary gives the words with that
    /// prefix as one range (a binary search), and their posting lists say how many classes and
    /// gyms use each; nothing is scanned beyond the prefix's own words.
    public func suggestions(for typed: String, limit: Int = 8) -> [Suggestion] {
        var words = TextFolding.words(in: typed)
        guard let last = words.popLast(), last.unicodeScalars.count >= MatchKind.minimumPrefixLength, limit > 0 else { return [] }
        var counts: [String: Int] = [:]
        for segment in currentState.segments {
            let text = segment.text
            let classes = text.postings[TextCollection.classes.rawValue], gyms = text.postings[TextCollection.gyms.rawValue]
            for id in text.vocabulary.ids(withPrefix: last) {
                // Class name or type (the first two fields), gym name (the first): words from
                // descriptions, instructors and addresses are searchable but not suggested.
                var n = 0
                if id < classes.rowCount { n += classes.range(of: id).count { classes.fields[$0] & 0b11 != 0 } }
                if id < gyms.rowCount { n += gyms.range(of: id).count { gyms.fields[$0] & 0b1 != 0 } }
                if n > 0 { counts[text.vocabulary.terms[id], default: 0] += n }
            }
        }
        let head = words.joined(separator: " ")
        return counts.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.prefix(limit).map {
            Suggestion(text: head.isEmpty ? $0.key : head + " " + $0.key, count: $0.value)
        }
    }
}
