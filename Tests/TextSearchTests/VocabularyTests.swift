import Datasets
import Domain
import Testing
import TextSearch

/// The vocabulary's trie-like typo search and prefix ranges against `WordMatcher` applied to
/// every term, on random vocabularies and random (often misspelled) query words.
@Suite struct VocabularyTests {
    static let alphabet = Array("aeioulnrstmdkgy")

    static func randomWord(_ rng: inout SeededRandom, length: ClosedRange<Int>) -> String {
        String((0..<rng.int(in: length)).map { _ in rng.element(of: alphabet) })
    }

    /// A word near `word`: up to three random edits, swaps included.
    static func misspell(_ word: String, _ rng: inout SeededRandom) -> String {
        var letters = Array(word)
        for _ in 0..<rng.int(in: 0...3) {
            let i = rng.int(in: 0...max(0, letters.count - 1))
            switch rng.int(in: 0...3) {
            case 0 where !letters.isEmpty: letters.remove(at: min(i, letters.count - 1))
            case 1: letters.insert(rng.element(of: alphabet), at: min(i, letters.count))
            case 2 where !letters.isEmpty: letters[min(i, letters.count - 1)] = rng.element(of: alphabet)
            default: if i + 1 < letters.count { letters.swapAt(i, i + 1) }
            }
        }
        return String(letters)
    }

    @Test(arguments: 1...6)
    func matchesEqualBruteForce(seed: UInt64) {
        var rng = SeededRandom(seed: seed)
        let words = Set((0..<600).map { _ in Self.randomWord(&rng, length: 2...12) } + ["yoga", "cycling", "spin", "pilates"])
        let vocabulary = Vocabulary(terms: Array(words))
        #expect(vocabulary.count == words.count)
        for _ in 0..<300 {
            let base = rng.chance(0.7) ? rng.element(of: vocabulary.terms) : Self.randomWord(&rng, length: 1...12)
            let query = Self.misspell(base, &rng)
            guard !query.isEmpty else { continue }
            let isLast = rng.chance(0.5)
            var expected: [Int: MatchKind] = [:]
            for (id, term) in vocabulary.terms.enumerated() {
                if let kind = WordMatcher.match(query: query, word: term, isLastWord: isLast) { expected[id] = kind }
            }
            #expect(vocabulary.matches(of: query, isLastWord: isLast) == expected, "seed \(seed) query \(query)")
        }
    }

    @Test func typoBudgets() {
        let vocabulary = Vocabulary(terms: ["yoga", "pilates", "bootcamp", "kickboxing", "strength"])
        // Four letters: no typos forgiven.
        #expect(vocabulary.matches(of: "yoag", isLastWord: false).isEmpty)
        // Five to eight: one ("pilatse" is one swap away).
        #expect(vocabulary.matches(of: "pilatse", isLastWord: false) == [vocabulary.id(of: "pilates")!: .oneTypo])
        #expect(vocabulary.matches(of: "pilatxx", isLastWord: false).isEmpty)
        // Nine and more: two.
        #expect(vocabulary.matches(of: "kikboxinn", isLastWord: false) == [vocabulary.id(of: "kickboxing")!: .twoTypos])
    }

    @Test func prefixOnlyForTheLastWord() {
        let vocabulary = Vocabulary(terms: ["yoga", "yogi", "york"])
        let yo = vocabulary.matches(of: "yog", isLastWord: true)
        #expect(Set(yo.keys.map { vocabulary.terms[$0] }) == ["yoga", "yogi"])
        #expect(yo.values.allSatisfy { $0 == .prefix })
        #expect(vocabulary.matches(of: "yog", isLastWord: false).isEmpty)
        #expect(vocabulary.matches(of: "y", isLastWord: true).isEmpty)
    }

    @Test func synonyms() {
        let vocabulary = Vocabulary(terms: ["cycling", "spin", "yoga", "bootcamp"])
        let spin = vocabulary.matches(of: "spin", isLastWord: false)
        #expect(spin[vocabulary.id(of: "spin")!] == .exact)
        #expect(spin[vocabulary.id(of: "cycling")!] == .synonym)
        #expect(vocabulary.matches(of: "joga", isLastWord: false) == [vocabulary.id(of: "yoga")!: .synonym])
        #expect(vocabulary.matches(of: "yoga", isLastWord: false) == [vocabulary.id(of: "yoga")!: .exact])
        #expect(vocabulary.matches(of: "hiit", isLastWord: false) == [vocabulary.id(of: "bootcamp")!: .synonym])
    }

    @Test func editDistance() {
        func d(_ a: String, _ b: String) -> Int {
            EditDistance.optimalStringAlignment(Array(a.unicodeScalars), Array(b.unicodeScalars))
        }
        #expect(d("yoga", "yoga") == 0)
        #expect(d("yoag", "yoga") == 1)
        #expect(d("pilates", "plates") == 1)
        #expect(d("", "abc") == 3)
        #expect(d("kitten", "sitting") == 3)
    }
}
