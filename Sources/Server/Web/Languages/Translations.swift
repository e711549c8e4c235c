import Foundation
import Synchronization

/// The pages' words in the languages other than English, keyed by the English they replace
/// (`Resources/languages/fr.json`, `ar.json`). A value is the translation, or for a phrase
/// with a count its plural forms by CLDR category (`one`, `two`, `few`, `many`, `other`).
/// English needs no file: the templates and the code are written in it.
struct Translations: Sendable {
    enum Entry: Sendable, Equatable {
        case text(String)
        case forms([String: String])
    }

    let tables: [PageLanguage: [String: Entry]]

    /// Loaded once per process, from the resource bundle beside the binary.
    static let installed = Result { try Translations.load() }

    /// The installed translations, or none (the pages then speak English) if they cannot be read;
    /// `WebPages` refuses to start without them, so a running server has them.
    static let shared = (try? installed.get()) ?? Translations(tables: [:])

    static func load() throws -> Translations {
        guard let folder = Bundle.module.url(forResource: "languages", withExtension: nil) else {
            throw WebPageError(description: "the page translations are not installed beside this binary")
        }
        var tables: [PageLanguage: [String: Entry]] = [.en: [:]]
        for language in PageLanguage.allCases where language != .en {
            let data = try Data(contentsOf: folder.appending(path: "\(language.rawValue).json"))
            guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw WebPageError(description: "\(language.rawValue).json is not an object of phrases")
            }
            tables[language] = try object.mapValues { value in
                if let text = value as? String { return .text(text) }
                if let forms = value as? [String: String], forms["other"] != nil { return .forms(forms) }
                throw WebPageError(description: "\(language.rawValue).json: a value is neither a phrase nor plural forms with 'other'")
            }
        }
        return Translations(tables: tables)
    }

    /// The English phrases asked for in a language that lacks them, so that a test can list
    /// them (bounded: a production server never grows it past a few hundred).
    static let missing = Mutex<Set<String>>([])

    func lookup(_ english: String, in language: PageLanguage) -> Entry? {
        guard language != .en else { return nil }
        if let entry = tables[language]?[english] { return entry }
        Self.missing.withLock { if $0.count < 2_000 { $0.insert("\(language.rawValue): \(english)") } }
        return nil
    }
}

/// What a page needs to speak to one visitor: their language's phrases and their locale's
/// formats for times, numbers and money.
struct Words: Sendable {
    let language: PageLanguage
    let format: LocalFormat
    let translations: Translations

    /// `english` in the visitor's language, its `{name}` placeholders filled from `values`.
    func callAsFunction(_ english: String, _ values: KeyValuePairs<String, String> = [:]) -> String {
        var text = english
        if case .text(let translated) = translations.lookup(english, in: language) { text = translated }
        return Self.fill(text, values)
    }

    /// A message from the API (an error), in the visitor's language where it is a fixed one we
    /// translate; otherwise as the API wrote it. Unlike a page's phrases, a message may carry
    /// names and numbers, so one without a translation is not counted missing.
    func message(_ english: String) -> String {
        guard language != .en, case .text(let translated) = translations.tables[language]?[english] else { return english }
        return translated
    }

    /// A phrase with a count: `one` ("{n} credit") when English says one, `other` ("{n}
    /// credits") otherwise, and in the other languages the plural form their grammar takes
    /// for `n` (Arabic has six). `{n}` is the count in the locale's digits.
    func count(_ n: Int, _ one: String, _ other: String, _ values: KeyValuePairs<String, String> = [:]) -> String {
        let forms = self.forms(one, other)
        let text = forms[Self.category(n, language)] ?? forms["other"] ?? other
        return Self.fill(text, values) { $0 == "n" ? format.number(n) : nil }
    }

    /// The plural forms of a phrase in the visitor's language, for a script that counts.
    func forms(_ one: String, _ other: String) -> [String: String] {
        switch translations.lookup(other, in: language) {
        case .forms(let forms): forms
        case .text(let text): ["other": text]
        case nil: ["one": one, "other": other]
        }
    }

    /// `text` with each `{name}` replaced by its value; a name without one stays as written.
    /// One pass over the text (a page fills a few hundred of these).
    static func fill(_ text: String, _ values: KeyValuePairs<String, String>, more: (Substring) -> String? = { _ in nil }) -> String {
        guard text.contains("{") else { return text }
        var out = "", rest = text[...]
        out.reserveCapacity(text.utf8.count + 32)
        while let open = rest.firstIndex(of: "{") {
            out += rest[..<open]
            guard let close = rest[open...].firstIndex(of: "}") else { break }
            let name = rest[rest.index(after: open)..<close]
            if let value = values.first(where: { $0.key == name })?.value ?? more(name) { out += value } else { out += rest[open...close] }
            rest = rest[rest.index(after: close)...]
        }
        return out + rest
    }

    /// CLDR's plural category of the integer `n` (unicode.org/cldr/charts, "Language Plural Rules").
    static func category(_ n: Int, _ language: PageLanguage) -> String {
        switch language {
        case .en: return n == 1 ? "one" : "other"
        case .fr: return n == 0 || n == 1 ? "one" : n != 0 && n % 1_000_000 == 0 ? "many" : "other"
        case .ar:
            let last2 = abs(n) % 100
            switch n {
            case 0: return "zero"
            case 1: return "one"
            case 2: return "two"
            default: return (3...10).contains(last2) ? "few" : (11...99).contains(last2) ? "many" : "other"
            }
        }
    }
}
