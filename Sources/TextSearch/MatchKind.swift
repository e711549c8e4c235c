/// How a query word matched a word of a document, best first.
public enum MatchKind: Int, Sendable, Comparable, CaseIterable {
    case exact, synonym, prefix, oneTypo, twoTypos

    /// How much the match is worth, in (0, 1]: the text part of a ranking score multiplies it
    /// by the weight of the field the word was found in.
    public var quality: Double {
        switch self {
        case .exact: 1.0
        case .synonym: 0.9
        case .prefix: 0.8
        case .oneTypo: 0.7
        case .twoTypos: 0.5
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }

    /// The name an explanation gives it.
    public var name: String {
        switch self {
        case .exact: "exact"
        case .synonym: "synonym"
        case .prefix: "prefix"
        case .oneTypo: "one_typo"
        case .twoTypos: "two_typos"
        }
    }

    /// Typos forgiven in a query word of `length` letters: none below 5, one from 5, two from 9.
    public static func typoBudget(forLength length: Int) -> Int {
        length >= 9 ? 2 : (length >= 5 ? 1 : 0)
    }

    /// The shortest unfinished last word that is matched as a prefix.
    public static let minimumPrefixLength = 2
}

/// The brute-force definition of matching, word against word. The index finds the same
/// matches through its vocabulary without comparing every word; tests hold it to this.
public enum WordMatcher {
    /// The best way `query` matches `word`, or nil. `isLastWord` enables prefix matching, for
    /// a query typed as you go.
    public static func match(query: String, word: String, isLastWord: Bool, synonyms: Synonyms = .standard) -> MatchKind? {
        if query == word { return .exact }
        if synonyms.expansions(of: query).contains(word) { return .synonym }
        let q = Array(query.unicodeScalars), w = Array(word.unicodeScalars)
        if isLastWord, q.count >= MatchKind.minimumPrefixLength, w.count > q.count, w.starts(with: q) { return .prefix }
        let budget = MatchKind.typoBudget(forLength: q.count)
        guard budget > 0, abs(q.count - w.count) <= budget else { return nil }
        switch EditDistance.optimalStringAlignment(q, w) {
        case 1: return .oneTypo
        case 2 where budget >= 2: return .twoTypos
        default: return nil
        }
    }
}
