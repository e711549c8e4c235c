/// Every distinct folded word of an index, sorted by Unicode scalar value, so the words that
/// share a prefix are neighbours: prefix matching is a range, and the typo search below walks
/// the list like a trie, reusing the edit-distance rows of the prefix it shares with the word
/// before.
public struct Vocabulary: Sendable {
    public let terms: [String]
    let scalars: [[Unicode.Scalar]]
    /// `sharedPrefix[k]`: how many leading scalars term `k` shares with term `k - 1`.
    let sharedPrefix: [Int32]

    /// What the vocabulary holds on the heap, roughly (arrays by capacity, strings past the 15
    /// UTF-8 bytes a string keeps inline), for memory reports.
    public var heapBytes: Int {
        terms.capacity * MemoryLayout<String>.stride + terms.reduce(0) { $0 + ($1.utf8.count > 15 ? 48 + $1.utf8.count : 0) }
            + scalars.reduce(scalars.capacity * 8) { $0 + 48 + $1.capacity * 4 } + sharedPrefix.capacity * 4
    }

    /// - Parameter terms: distinct words in any order; they are sorted here.
    public init(terms unsorted: [String]) {
        let sorted = unsorted.map { Array($0.unicodeScalars) }.sorted { $0.lexicographicallyPrecedes($1) { $0.value < $1.value } }
        scalars = sorted
        terms = sorted.map { String(String.UnicodeScalarView($0)) }
        sharedPrefix = Self.sharedPrefixes(sorted)
    }

    /// Trusts terms already in order (from a snapshot), checking that they are; nil if not.
    public init?(sortedTerms: [String]) {
        let scalars = sortedTerms.map { Array($0.unicodeScalars) }
        for k in scalars.indices.dropFirst() where !scalars[k - 1].lexicographicallyPrecedes(scalars[k], by: { $0.value < $1.value }) {
            return nil
        }
        self.scalars = scalars
        terms = sortedTerms
        sharedPrefix = Self.sharedPrefixes(scalars)
    }

    static func sharedPrefixes(_ sorted: [[Unicode.Scalar]]) -> [Int32] {
        var shared = [Int32](repeating: 0, count: sorted.count)
        for k in sorted.indices.dropFirst() {
            let a = sorted[k - 1], b = sorted[k]
            var n = 0
            while n < a.count, n < b.count, a[n] == b[n] { n += 1 }
            shared[k] = Int32(n)
        }
        return shared
    }

    public var count: Int { terms.count }

    /// The id of `term`, if the vocabulary has it.
    /// - Complexity: O(log n).
    public func id(of term: String) -> Int? {
        let key = Array(term.unicodeScalars)
        let k = lowerBound(key)
        return k < scalars.count && scalars[k] == key ? k : nil
    }

    /// The ids of the terms that start with `prefix` (including `prefix` itself).
    public func ids(withPrefix prefix: String) -> Range<Int> {
        let key = Array(prefix.unicodeScalars)
        let start = lowerBound(key)
        return start..<afterPrefix(key, from: start)
    }

    /// Every term the query word matches, with the best way it matches, as `WordMatcher`
    /// defines matching.
    public func matches(of query: String, isLastWord: Bool, synonyms: Synonyms = .standard) -> [Int: MatchKind] {
        var found: [Int: MatchKind] = [:]
        func offer(_ id: Int, _ kind: MatchKind) {
            if let old = found[id], old <= kind { return }
            found[id] = kind
        }
        if let id = id(of: query) { offer(id, .exact) }
        for synonym in synonyms.expansions(of: query) {
            if let id = id(of: synonym) { offer(id, .synonym) }
        }
        let key = Array(query.unicodeScalars)
        if isLastWord, key.count >= MatchKind.minimumPrefixLength {
            for id in ids(withPrefix: query) where scalars[id].count > key.count { offer(id, .prefix) }
        }
        let budget = MatchKind.typoBudget(forLength: key.count)
        if budget > 0 {
            forEachTerm(within: budget, of: key) { id, distance in
                offer(id, distance == 1 ? .oneTypo : .twoTypos)
            }
        }
        return found
    }

    /// Calls `body` with each term at edit distance 1 through `budget` from `word` (optimal
    /// string alignment).
    /// - Complexity: O(visited prefixes × word length); a branch is left as soon as no cell
    ///   of its row is within the budget.
    func forEachTerm(within budget: Int, of word: [Unicode.Scalar], _ body: (Int, Int) -> Void) {
        let width = word.count + 1
        // rows[d]: the DP row after d letters of the current term; rows[0] is 0...n.
        var rows = [[Int]](repeating: [], count: 1)
        rows[0] = Array(0..<width)
        var valid = 0  // rows[0...valid] belong to the current term's prefix
        var k = 0
        while k < scalars.count {
            let term = scalars[k]
            var depth = k == 0 ? 0 : min(Int(sharedPrefix[k]), valid)
            var pruned = false
            while depth < term.count {
                depth += 1
                if rows.count <= depth { rows.append([Int](repeating: 0, count: width)) }
                let letter = term[depth - 1]
                var rowMin = depth
                rows[depth][0] = depth
                for j in 1..<width {
                    let cost = word[j - 1] == letter ? 0 : 1
                    var best = min(rows[depth - 1][j] + 1, rows[depth][j - 1] + 1, rows[depth - 1][j - 1] + cost)
                    if depth > 1, j > 1, word[j - 1] == term[depth - 2], word[j - 2] == letter {
                        best = min(best, rows[depth - 2][j - 2] + 1)
                    }
                    rows[depth][j] = best
                    rowMin = min(rowMin, best)
                }
                valid = depth
                if rowMin > budget {
                    // No term with this prefix can come within the budget: jump past them all.
                    k = afterPrefix(Array(term[..<depth]), from: k)
                    pruned = true
                    break
                }
            }
            if pruned { continue }
            let distance = rows[term.count][word.count]
            if distance >= 1 && distance <= budget { body(k, distance) }
            k += 1
        }
    }

    /// The first term not below `key`.
    private func lowerBound(_ key: [Unicode.Scalar]) -> Int {
        var lo = 0, hi = scalars.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if scalars[mid].lexicographicallyPrecedes(key, by: { $0.value < $1.value }) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// The first term at or after `start` that does not begin with `prefix`.
    private func afterPrefix(_ prefix: [Unicode.Scalar], from start: Int) -> Int {
        var lo = start, hi = scalars.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if scalars[mid].starts(with: prefix) || scalars[mid].lexicographicallyPrecedes(prefix, by: { $0.value < $1.value }) {
                lo = mid + 1
            } else {
                hi = mid
            }
        }
        return lo
    }
}
