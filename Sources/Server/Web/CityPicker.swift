import Marketplace

/// The city and area picker's options (each city, "All of" it, and its 40 largest areas),
/// written once per language: the areas do not change while the server runs, and as Mustache
/// sections, 400 options a page, they were most of the discovery page's render. Each request
/// only marks its choice.
struct CityPicker: Sendable {
    /// The options in each language, for discovery (a city reads "All of Johannesburg") and for
    /// the open-your-gym form (a city reads as its name).
    private let discovery: [PageLanguage: String]
    private let plain: String

    init(areas: NamedAreas) {
        let cities = Dictionary(grouping: areas.all, by: \.city).map { city, areas in
            (city: city, areas: areas.sorted { ($0.population, $1.slug) > ($1.population, $0.slug) }.prefix(40).sorted { $0.name < $1.name })
        }.sorted { $0.city < $1.city }
        func options(_ cityLabel: (String) -> String) -> String {
            cities.map { city in
                "<optgroup label=\"\(HTML.escape(city.city))\">" + Self.option("city:" + city.city, cityLabel(city.city))
                    + city.areas.map { Self.option($0.slug, $0.name) }.joined() + "</optgroup>"
            }.joined(separator: "\n")
        }
        let translations = (try? Translations.installed.get()) ?? Translations(tables: [:])
        var discovery: [PageLanguage: String] = [:]
        for language in PageLanguage.allCases {
            let words = Words(language: language, format: LocalFormat(locale: .init(identifier: language.defaultLocale)), translations: translations)
            discovery[language] = options { words("All of {city}", ["city": $0]) }
        }
        self.discovery = discovery
        plain = options { $0 }
    }

    /// The options for discovery's picker, with `selected` (an option's value) chosen.
    func discovery(_ language: PageLanguage, selected: String) -> String { Self.choose(selected, in: discovery[language] ?? plain) }

    /// The options for the open-your-gym form.
    func plain(selected: String) -> String { Self.choose(selected, in: plain) }

    private static func option(_ value: String, _ label: String) -> String {
        "<option value=\"\(HTML.escape(value))\">\(HTML.escape(label))</option>"
    }

    private static func choose(_ value: String, in options: String) -> String {
        // The standard library's search: Foundation's would copy the options into an NSString.
        guard !value.isEmpty, let found = options.firstRange(of: "<option value=\"\(HTML.escape(value))\"") else { return options }
        return options[..<found.upperBound] + " selected" + options[found.upperBound...]
    }
}
