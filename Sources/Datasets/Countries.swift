public import Foundation

/// The countries of `Data/countries.tsv` (GeoNames): what a gym's currency follows.
public struct Countries: Sendable {
    public struct Country: Sendable, Equatable {
        /// ISO 3166-1 alpha-2, "ZA".
        public var iso: String
        public var name: String
        /// ISO 4217, "ZAR".
        public var currency: String
    }

    private var byKey: [String: Country] = [:]

    public init(_ countries: [Country]) {
        for country in countries {
            byKey[country.iso.lowercased()] = country
            byKey[country.name.lowercased()] = country
        }
    }

    /// Reads the tab-separated table (a header, then iso, name, capital, currency, …).
    public init(contentsOf url: URL) throws(DatasetError) {
        let text: String
        do { text = try String(contentsOf: url, encoding: .utf8) } catch { throw .unreadable(url.path, "\(error)") }
        var countries: [Country] = []
        for (number, line) in text.split(separator: "\n").enumerated().dropFirst() {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard f.count >= 4, f[3].count == 3 else { throw .malformed(url.path, line: number + 1, "expected iso, name, capital, currency") }
            countries.append(Country(iso: String(f[0]), name: String(f[1]), currency: String(f[3])))
        }
        self.init(countries)
    }

    /// Each country's currency by its ISO code and its name, in lower case.
    public var currencyByKey: [String: String] { byKey.mapValues(\.currency) }
}
