/// Where a payment is: waiting for its provider's word, or settled by it (once).
public enum PaymentStatus: String, Sendable, Codable, CaseIterable {
    case pending, succeeded, failed
}

/// Where a subscription is: waiting for its first charge, running, lapsed after failed
/// renewals, or cancelled.
public enum SubscriptionStatus: String, Sendable, Codable, CaseIterable {
    case pending, active, lapsed, cancelled

    /// Whether a renewal (or a failed one) still applies to it.
    public var renews: Bool { self == .pending || self == .active }
}
