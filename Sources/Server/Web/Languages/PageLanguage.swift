import Foundation

/// The languages the pages speak. English is what the templates and the code are written in;
/// French and Arabic come from `Resources/languages`. A visitor's language is, in order, the
/// one they picked (`?lang=`, kept in a cookie), else the first of theirs their browser's
/// `Accept-Language` names that we speak, else English. The region a browser names stays
/// part of the locale (`ar-MA` writes Moroccan month names and Western digits, `ar-EG`
/// Eastern Arabic digits, `en-US` a 12-hour clock), because people read their own formats.
enum PageLanguage: String, CaseIterable, Sendable {
    case en, fr, ar

    /// The language's own name, as the picker shows it.
    var name: String {
        switch self {
        case .en: "English"
        case .fr: "Français"
        case .ar: "العربية"
        }
    }

    var isRightToLeft: Bool { self == .ar }

    /// The locale a language means when nobody named a region: English as it is written in
    /// Africa's Commonwealth (day before month, a 24-hour clock), French and Arabic as such.
    var defaultLocale: String {
        switch self {
        case .en: "en_GB"
        case .fr: "fr"
        case .ar: "ar"
        }
    }

    /// The visitor's language and locale from what they picked (a `lang` value such as `fr`)
    /// and their browser's `Accept-Language`.
    static func negotiate(picked: String?, acceptLanguage: String?) -> (PageLanguage, Locale) {
        let offered = acceptLanguage.map(Self.ranked) ?? []
        let language = picked.flatMap { PageLanguage(tag: $0) } ?? offered.lazy.compactMap { PageLanguage(tag: $0) }.first ?? .en
        // The browser's region for that language, if it named one.
        let tag = offered.first { PageLanguage(tag: $0) == language && $0.contains("-") }
        let region = tag.map { $0.split(separator: "-").dropFirst().first { $0.count == 2 }.map { $0.uppercased() } } ?? nil
        return (language, Locale(identifier: region.map { "\(language.rawValue)_\($0)" } ?? language.defaultLocale))
    }

    /// A language tag's language, when it is one of ours: `fr-CA` is French.
    init?(tag: String) {
        let primary = tag.split(separator: "-").first.map { $0.lowercased() } ?? ""
        self.init(rawValue: primary)
    }

    /// The tags of an `Accept-Language` header, most wanted first (`q=0` means "not this").
    static func ranked(_ header: String) -> [String] {
        let weighted = header.split(separator: ",").prefix(20).enumerated().compactMap { index, part -> (String, Double, Int)? in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = pieces.first, !tag.isEmpty, tag.count <= 35 else { return nil }
            let q = pieces.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return q > 0 ? (tag, q, index) : nil
        }
        return weighted.sorted { ($0.1, -$0.2) > ($1.1, -$1.2) }.map(\.0)
    }
}
