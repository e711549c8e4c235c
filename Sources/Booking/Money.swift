/// An amount of money in the currency's minor unit (cents), never floating point.
public struct Money: Hashable, Sendable, Codable, CustomStringConvertible {
    public var cents: Int64
    /// ISO 4217, "ZAR".
    public var currency: String

    public init(cents: Int64, currency: String) {
        self.cents = cents
        self.currency = currency
    }

    public var description: String {
        let sign = cents < 0 ? "-" : ""
        let whole = abs(cents) / 100, fraction = abs(cents) % 100
        return "\(sign)\(currency) \(whole).\(fraction < 10 ? "0" : "")\(fraction)"
    }
}
