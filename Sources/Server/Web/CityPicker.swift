import Marketplace

/// The city and area picker's options (each city, "All of" it, and its 40 largest areas),
/// written once per language: the areas do not change while the server runs, and as Mustache
/// sections, 400 options a page, they were most of the discovery page's render. Each request
/// only marks its choice.
struct CityPicker: Sendable {
    /// The options in each language, for discovery (a city reads "All of Johannesburg") and for
    /// the open-your-gym form (a city reads as its name).
    private let discovery: [PageLanguage: Options]
    private let plain: Options

    /// The options' HTML, and where in it each option's value ends (in UTF-8 bytes), where
    /// " selected" goes when it is chosen.
    struct Options: Sendable {
        var html: String
        var ends: [String: Int]
    }

    init(areas: NamedAreas) {
        let cities = Dictionary(grouping: areas.all, by: \.city).map { city, areas in
            (city: city, areas: areas.sorted { ($0.population, $1.slug) > ($1.population, $0.slug) }.prefix(40).sorted { $0.name < $1.name })
        }.sorted { $0.city < $1.city }
        func options(_ cityLabel: (String) -> String) -> Options {
            var options = Options(html: "", ends: [:])
            func add(_ value: String, _ label: String) {
                options.html += "<option value=\"\(HTML.escape(value))\""
                options.ends[value] = options.ends[value] ?? options.html.utf8.count
                options.html += ">\(HTML.escape(label))</option>"
            }
            for city in cities {
                options.html += "<optgroup label=\"\(HTML.escape(city.city))\">"
                add("city:" + city.city, cityLabel(city.city))
                for area in city.areas { add(area.slug, area.name) }
                options.html += "</optgroup>\n"
            }
            return options
        }
        var discovery: [PageLanguage: Options] = [:]
        for language in PageLanguage.allCases {
            let words = Words(language: language, format: LocalFormat(locale: .init(identifier: language.defaultLocale)), translations: .shared)
            discovery[language] = options { words("All of {city}", ["city": $0]) }
        }
        self.discovery = discovery
        plain = options { $0 }
    }

    /// The options for discovery's picker, with `selected` (an option's value) chosen.
    func discovery(_ language: PageLanguage, selected: String) -> String { Self.choose(selected, in: discovery[language] ?? plain) }

    /// The options for the open-your-gym form.
    func plain(selected: String) -> String { Self.choose(selected, in: plain) }

    private static func choose(_ value: String, in options: Options) -> String {
        guard let end = options.ends[value] else { return options.html }
        let at = options.html.utf8.index(options.html.utf8.startIndex, offsetBy: end)
        return options.html[..<at] + " selected" + options.html[at...]
    }
}
