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

    /// The catalogue's synonyms, across the languages of the datasets.
    public static let standard = Synonyms(
        groups: [
            ["cycling", "spin", "spinning", "bike", "biking", "velo", "cyclisme", "ciclismo", "fietsry", "baiskeli"],
            ["hiit", "bootcamp", "tabata", "interval", "buitekamp"],
            ["yoga", "ioga"],
            ["strength", "weights", "weightlifting", "musculation", "krag", "nguvu", "forca"],
            ["swim", "swimming", "natation", "natacao", "swem", "kuogelea", "ukubhukuda"],
            ["dance", "dancing", "danse", "danca", "dans", "ngoma", "umdanso", "densi"],
            ["boxing", "boxe", "ndondi", "isibhakela"],
            ["cardio", "aerobics", "aerobic", "aerobica", "kardio"],
            ["gym", "fitness", "gimnasium", "jimu", "ijimu", "ginasio"],
        ],
        oneWay: [
            "joga": ["yoga"],  // Afrikaans, and Cyrillic "йога" folded
            "yogi": ["yoga"],
            "martial": ["karate", "judo", "taekwondo", "kickboxing", "capoeira"],
            "kickboxing": ["boxing"],
            "zumba": ["dance"],
            "pilate": ["pilates"],
        ]
    )
}
