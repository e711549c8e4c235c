import Domain
/// The words gyms, classes and people are named with, per language (Data/vocabulary.json).
public struct NameVocabulary: Codable, Sendable {
    public var gymNouns: [String: [String]]
    public var gymAdjectives: [String: [String]]
    public var classNames: [String: [String: [String]]]
    public var descriptions: [String: [String]]
    public var firstNames: [String: [String]]
    public var lastNames: [String: [String]]
    public var equipment: [String: [String]]
    public var streetPatterns: [String: String]

    /// The entries for `language`, or the English ones when it has none.
    func words(_ table: [String: [String]], _ language: String) -> [String] {
        if let words = table[language], !words.isEmpty { return words }
        return table["en"] ?? []
    }
}
