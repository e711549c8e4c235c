/// Where a booking stands.
public enum BookingStatus: String, Sendable, Codable, CaseIterable {
    case confirmed, waitlisted, cancelled
    case checkedIn = "checked_in"
    case completed
    case noShow = "no_show"

    /// Holding a spot or a place in the queue.
    public var isActive: Bool { self == .confirmed || self == .waitlisted || self == .checkedIn }
}

/// A refusal a member or staff can cause, with the API's error code.
public enum BookingRefusal: String, Error, Sendable, CaseIterable {
    case sessionCancelled = "SESSION_CANCELLED"
    case bookingNotYetOpen = "BOOKING_NOT_YET_OPEN"
    case bookingWindowClosed = "BOOKING_WINDOW_CLOSED"
    case bookingConflict = "BOOKING_CONFLICT"
    /// Full, and the member did not want the waitlist or it has closed.
    case classFull = "CLASS_FULL"
    case insufficientCredits = "INSUFFICIENT_CREDITS"
    /// The credits the member said they would spend are not the session's price.
    case creditsMismatch = "CREDITS_MISMATCH"
    case notCancellable = "BOOKING_NOT_ACTIVE"
    case cancellationClosed = "CANCELLATION_CLOSED"
    case forbidden = "FORBIDDEN"
    case invalidToken = "INVALID_CHECKIN_TOKEN"
    case tokenExpired = "CHECKIN_TOKEN_EXPIRED"
    case tokenForAnotherGym = "CHECKIN_WRONG_GYM"
    case bookingCancelled = "BOOKING_CANCELLED"
    case notConfirmed = "BOOKING_NOT_CONFIRMED"
    case alreadyCheckedIn = "ALREADY_CHECKED_IN"
    case checkInNotOpen = "CHECKIN_NOT_OPEN"
    case checkInClosed = "CHECKIN_CLOSED"
    /// A self check-in from outside the gym's geofence.
    case outsideGeofence = "OUTSIDE_GEOFENCE"
    /// The gym stopped this member booking with it.
    case memberBlocked = "MEMBER_BLOCKED"
    /// Too many recent no-shows at this gym, under its no-show policy.
    case noShowLimit = "NO_SHOW_LIMIT"
    /// An undo or no-show asked after the session it is about has ended.
    case sessionEnded = "SESSION_ENDED"
    /// A no-show marked before the session has started.
    case sessionNotStarted = "SESSION_NOT_STARTED"
    /// An offline check-in recorded at a time still to come: the device's clock is wrong.
    case recordedInFuture = "CHECKIN_TIME_IN_FUTURE"
}
