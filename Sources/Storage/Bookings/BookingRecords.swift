public import Booking

/// What a booking request did.
public struct BookingOutcome: Equatable, Sendable {
    public var bookingId: String
    public var tenantId: String
    public var status: BookingStatus
    /// 1-based place in the queue when waitlisted.
    public var waitlistPosition: Int?
    public var creditsCharged: Int
    /// For a marketplace booking: the platform's commission, in cents.
    public var marketplaceFee: Money?
    /// The session's spots left after the change, for the search index.
    public var spotsLeft: Int
    /// The booking as it was written, read in the same transaction (so the answer to a
    /// committed booking never depends on a second round trip).
    public var booking: BookingDetails
    /// A retry under an Idempotency-Key already answered: nothing was booked this time, and
    /// `booking` is the booking that request made, as it is now.
    public var replayed = false
}

/// What a cancellation did.
public struct CancelOutcome: Equatable, Sendable {
    public var decision: BookingRules.CancelDecision
    public var creditsRefunded: Int
    /// The waitlisted booking that took the freed spot, if any.
    public var promoted: String?
    /// Waitlisted bookings passed over for lack of credits.
    public var skipped: [String]
    /// Waitlisted bookings cancelled because the promotion cut-off had passed.
    public var closed: [String]
    public var spotsLeft: Int
}

/// A booking as stored.
public struct BookingRecord: Equatable, Sendable {
    public var id: String
    public var tenantId: String
    public var sessionId: String
    public var userId: String
    public var status: BookingStatus
    public var creditsCharged: Int
    public var isMarketplace: Bool
}
