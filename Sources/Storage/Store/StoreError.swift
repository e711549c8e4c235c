public import Booking

/// What can go wrong in the store. `refused` carries a booking rule's refusal (the client's
/// doing, a 4xx); `notFound` is a 404; `invalid` a 400 and `conflict` (a row that already
/// exists, such as a second account with one email) a 409; the rest are server faults.
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    case refused(BookingRefusal)
    case notFound(String)
    case invalid(String)
    case conflict(String)
    /// Well-formed but contradicting what was asked before (an idempotency key reused with other
    /// parameters): a 422.
    case unprocessable(String)
    case database(String)
    case busy(String)

    public var description: String {
        switch self {
        case .refused(let refusal): refusal.rawValue
        case .notFound(let what): "\(what) not found"
        case .invalid(let why): why
        case .conflict(let what): what
        case .unprocessable(let why): why
        case .database(let message): "database error: \(message)"
        case .busy(let message): "database busy: \(message)"
        }
    }
}
