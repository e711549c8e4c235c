import Foundation

/// A query's words as the full-text engines' own query languages say them: each word with its
/// synonyms as alternatives, the last as a prefix, all words required. Words are folded by the
/// project's ICU folding (as the documents were when loaded).
enum FullTextQuery {
    /// FTS5: `("spin"* OR "cycling" OR "indoor") AND "flow"`.
    static func fts5(_ words: [BenchQuery.WordTerms]) -> String {
        words.map(fts5).joined(separator: " AND ")
    }

    /// One word with its alternatives, for FTS5.
    static func fts5(_ w: BenchQuery.WordTerms) -> String {
        let alternatives = ["\"\(w.word)\"\(w.isPrefix ? "*" : "")"] + w.synonyms.map { "\"\($0)\"" }
        return alternatives.count == 1 ? alternatives[0] : "(" + alternatives.joined(separator: " OR ") + ")"
    }

    /// PostgreSQL `to_tsquery('simple', …)`: `('spin':* | 'cycling') & 'flow'`.
    static func tsquery(_ words: [BenchQuery.WordTerms]) -> String {
        words.map(tsquery).joined(separator: " & ")
    }

    /// One word with its alternatives, for `to_tsquery`.
    static func tsquery(_ w: BenchQuery.WordTerms) -> String {
        func quoted(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: "''") + "'" }
        let alternatives = [quoted(w.word) + (w.isPrefix ? ":*" : "")] + w.synonyms.map(quoted)
        return "(" + alternatives.joined(separator: " | ") + ")"
    }
}
