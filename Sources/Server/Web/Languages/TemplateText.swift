/// The words of a template, found the way a translator reads a page: each run of text
/// between two HTML tags, and the attributes people read (`placeholder`, `aria-label`,
/// `title`, `alt`, and `data-text-…`, the words a script shows). A run keeps the Mustache
/// tags inside it (`{{count}} classes in {{place}}`, so a translation can move them), but
/// not the section tags and spaces around it. Translating a template is replacing each run
/// by its translation, once, when the templates load: rendering costs nothing more.
enum TemplateText {
    static let readAttributes: Set<String> = ["placeholder", "aria-label", "title", "alt"]

    /// The template with every run replaced by `translate(run)` where that gives one.
    static func translated(_ template: String, _ translate: (String) -> String?) -> String {
        var out = ""
        walk(template, text: { out += replaced($0, translate) }, tag: { out += translatedTag($0, translate) })
        return out
    }

    /// Every run a translation needs.
    static func phrases(in template: String) -> [String] {
        var found: [String] = []
        let collect: (String) -> String? = { found.append($0); return nil }
        walk(template, text: { _ = replaced($0, collect) }, tag: { _ = translatedTag($0, collect) })
        return found
    }

    /// Splits the template into text and HTML tags; a Mustache tag (`{{…}}`, `{{{…}}}`) is
    /// never split, and its `>` (a partial) starts no HTML tag.
    private static func walk(_ template: String, text: (Substring) -> Void, tag: (Substring) -> Void) {
        var index = template.startIndex, start = index, inTag = false, quote: Character?
        while index < template.endIndex {
            if template[index...].hasPrefix("{{") {
                let close = template[index...].hasPrefix("{{{") ? "}}}" : "}}"
                index = template[index...].range(of: close)?.upperBound ?? template.endIndex
                continue
            }
            let c = template[index]
            if inTag {
                if let q = quote { if c == q { quote = nil } } else if c == "\"" || c == "'" { quote = c } else if c == ">" {
                    let end = template.index(after: index)
                    tag(template[start..<end])
                    start = end
                    inTag = false
                }
            } else if c == "<" {
                text(template[start..<index])
                start = index
                inTag = true
            }
            index = template.index(after: index)
        }
        if inTag { tag(template[start...]) } else { text(template[start...]) }
    }

    /// A run of text with its phrase translated; the spaces and section tags around the phrase stay.
    private static func replaced(_ run: Substring, _ translate: (String) -> String?) -> String {
        var core = run[...]
        while true {
            let before = core
            core = core.drop { $0.isWhitespace }
            while let last = core.last, last.isWhitespace { core = core.dropLast() }
            if core.hasPrefix("{{#") || core.hasPrefix("{{/") || core.hasPrefix("{{^"), let end = core.range(of: "}}") { core = core[end.upperBound...] }
            if core.hasSuffix("}}"), let open = core.range(of: "{{", options: .backwards),
                ["#", "/", "^"].contains(core[open.upperBound...].first.map(String.init) ?? "")
            {
                core = core[..<open.lowerBound]
            }
            if core == before { break }
        }
        guard hasWords(core), let translation = translate(String(core)) else { return String(run) }
        return String(run[..<core.startIndex]) + translation + String(run[core.endIndex...])
    }

    /// Letters outside the Mustache tags: a phrase (`{{name}}` alone is not one).
    private static func hasWords(_ text: Substring) -> Bool {
        var rest = text
        while let open = rest.range(of: "{{") {
            if rest[..<open.lowerBound].contains(where: \.isLetter) { return true }
            guard let close = rest[open.upperBound...].range(of: "}}") else { return false }
            rest = rest[close.upperBound...]
        }
        return rest.contains(where: \.isLetter)
    }

    /// An HTML tag with the values of its read attributes translated.
    private static func translatedTag(_ tag: Substring, _ translate: (String) -> String?) -> String {
        var out = "", rest = tag[...]
        while let equals = rest.range(of: "=\"") {
            let name = rest[..<equals.lowerBound].reversed().prefix { $0.isLetter || $0 == "-" }
            let attribute = String(name.reversed())
            guard let close = rest[equals.upperBound...].firstIndex(of: "\"") else { break }
            let value = rest[equals.upperBound..<close]
            out += rest[..<equals.upperBound]
            if readAttributes.contains(attribute) || attribute.hasPrefix("data-text-") { out += replaced(value, translate) } else { out += value }
            rest = rest[close...]
        }
        return out + rest
    }
}
