/// An amount of money in the currency's minor unit (cents), never floating point.
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    public var cents: Int64
    /// ISO 4217, "ZAR".
    public var currency: String

    public init(cents: Int64, currency: String) {
        self.cents = cents
        self.currency = currency
    }

    /// ISO 4217 currencies without a minor unit: their "cents" are whole units (as Stripe reads them).
    public static let zeroDecimalCurrencies: Set<String> = [
        "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA", "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
    ]

    public var description: String {
        let sign = cents < 0 ? "-" : ""
        if Self.zeroDecimalCurrencies.contains(currency) { return "\(sign)\(currency) \(abs(cents))" }
        let whole = abs(cents) / 100, fraction = abs(cents) % 100
        return "\(sign)\(currency) \(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
