/// The money the platform deals in: its own currency and what one universal credit is worth in
/// it, what a credit is worth in each other currency a gym may be paid in, and each country's
/// currency, which a gym's follows unless it was set for the gym.
public struct Currencies: Sendable, Equatable {
    /// The platform's currency and the value of one credit in it ("R50.00").
    public var base: Money
    /// Minor units of each other currency one credit is worth.
    public var creditValues: [String: Int64]
    /// A country's currency, by its ISO code or English name in lower case ("za", "south africa").
    public var byCountry: [String: String]

    public init(base: Money, creditValues: [String: Int64] = Self.defaultCreditValues, byCountry: [String: String] = [:]) {
        self.base = base
        self.creditValues = creditValues.filter { $0.key != base.currency }
        self.byCountry = byCountry
    }

    /// One credit in the cities' currencies: rough defaults meant to sit near R50.00, not checked
    /// against any exchange rate; operators set their own (`--credit-values`). RWF has no minor unit, so its value is in francs.
    public static let defaultCreditValues: [String: Int64] = [
        "NGN": 400_000, "KES": 35_000, "GHS": 3_000, "EGP": 13_500, "MAD": 2_500, "ETB": 37_500, "RWF": 4_000, "MZN": 17_500,
    ]

    /// Every currency a credit has a value in, the platform's first.
    public var all: [String] { [base.currency] + creditValues.keys.sorted() }

    /// What one credit is worth in `currency`, if the platform deals in it.
    public func creditValue(in currency: String) -> Money? {
        currency == base.currency ? base : creditValues[currency].map { Money(cents: $0, currency: currency) }
    }

    /// The currency a gym sells and is paid in: its own if set, else its country's when the
    /// platform deals in it, else the platform's.
    public func gymCurrency(country: String, configured: String?) -> String {
        if let configured, creditValue(in: configured) != nil { return configured }
        if let local = byCountry[country.lowercased()], creditValue(in: local) != nil { return local }
        return base.currency
    }
}
