public import Foundation

/// Words a search treats as meaning the same thing. Groups work both ways ("spin" finds
/// "cycling" and "cycling" finds "spin"); one-way entries map a variant onto a word
/// ("joga" finds "yoga", not the other way round). All entries are folded words.
public struct Synonyms: Sendable {
    private let table: [String: [String]]

    public init(groups: [[String]], oneWay: [String: [String]] = [:]) {
        var table: [String: [String]] = [:]
        for group in groups {
            for word in group {
                table[word, default: []] += group.filter { $0 != word && !(table[word]?.contains($0) ?? false) }
            }
        }
        for (word, targets) in oneWay {
            table[word, default: []] += targets.filter { !(table[word]?.contains($0) ?? false) }
        }
        self.table = table
    }

    /// The words `word` also finds (not including itself).
    public func expansions(of word: String) -> [String] {
        table[word] ?? []
    }

    /// The catalogue's synonyms across the languages of the datasets, from
    /// `Data/synonyms.tsv`. A missing or malformed table is said on standard error once, and
    /// search goes on without synonyms rather than not at all.
    public static let standard: Synonyms = {
        let url = DataDirectory.url().appending(path: "synonyms.tsv")
        do {
            return try SynonymTable.read(url)
        } catch {
            FileHandle.standardError.write(Data("warning: \(error); searching without synonyms\n".utf8))
            return Synonyms(groups: [])
        }
    }()
}

/// Reads `Data/synonyms.tsv`: a header, then rows of concept, kind, the word as people write
/// it, its language and the source that says it means the concept. Words are folded as search
/// folds them, so "يوغا" joins "yoga" as "ywgha". The `same` rows of a concept are one group,
/// each finding the others; a `finds` row's word finds the concept and its group, one way.
public enum SynonymTable {
    public struct Row: Sendable {
        public var concept: String
        public var twoWay: Bool
        public var written: String
        public var folded: String
        public var language: String
        public var source: String
    }

    public struct Malformed: Error, CustomStringConvertible {
        public var description: String
    }

    public static func rows(_ url: URL) throws -> [Row] {
        let text = try String(contentsOf: url, encoding: .utf8)
        var rows: [Row] = []
        for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated().dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            let where_ = "\(url.path):\(number + 1)"
            guard f.count == 5, f[1] == "same" || f[1] == "finds", !f[3].isEmpty, !f[4].isEmpty else {
                throw Malformed(description: "\(where_): expected concept, kind (same or finds), word, language and source")
            }
            let folded = TextFolding.words(in: f[2]), concept = TextFolding.words(in: f[0])
            guard folded.count == 1, concept.count == 1 else {
                throw Malformed(description: "\(where_): '\(f[2])' and its concept '\(f[0])' must each be one word as search folds it")
            }
            rows.append(Row(concept: concept[0], twoWay: f[1] == "same", written: f[2], folded: folded[0], language: f[3], source: f[4]))
        }
        return rows
    }

    public static func read(_ url: URL) throws -> Synonyms {
        let rows = try rows(url)
        var groups: [String: [String]] = [:]
        for row in rows where row.twoWay && !(groups[row.concept]?.contains(row.folded) ?? false) {
            groups[row.concept, default: []].append(row.folded)
        }
        var oneWay: [String: [String]] = [:]
        for row in rows where !row.twoWay {
            let targets = [row.concept] + (groups[row.concept] ?? []).filter { $0 != row.concept }
            oneWay[row.folded, default: []] += targets.filter { !(oneWay[row.folded]?.contains($0) ?? false) }
        }
        return Synonyms(groups: groups.keys.sorted().map { groups[$0]! }, oneWay: oneWay)
    }
}
