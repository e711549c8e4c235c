import Booking

extension BookingRefusal {
    /// What the member or staff reads.
    var message: String {
        switch self {
        case .sessionCancelled: "the gym cancelled this session"
        case .bookingNotYetOpen: "booking for this session has not opened yet"
        case .bookingWindowClosed: "booking for this session has closed"
        case .bookingConflict: "you already hold a booking for this session or one that overlaps it"
        case .classFull: "this session is full; send join_waitlist: true to join its waitlist (when it is still open)"
        case .insufficientCredits: "not enough credits for this class; buy more or choose a cheaper class"
        case .creditsMismatch: "credits_to_use is not this session's price; read the session again and confirm its price"
        case .notCancellable: "this booking is no longer active"
        case .cancellationClosed: "this session has started; the booking can no longer be cancelled"
        case .forbidden: "you may not do this at this gym"
        case .invalidToken: "this check-in code is not valid"
        case .tokenExpired: "this check-in code has expired"
        case .tokenForAnotherGym: "this check-in code belongs to another gym"
        case .bookingCancelled: "this booking was cancelled"
        case .notConfirmed: "only a confirmed booking can be checked in"
        case .alreadyCheckedIn: "this booking is already checked in"
        case .checkInNotOpen: "check-in opens 30 minutes before the class"
        case .checkInClosed: "check-in closed when the class ended"
        case .outsideGeofence: "you are not at the gym; check in when you arrive"
        case .memberBlocked: "this gym is not taking bookings from you; contact the gym"
        case .noShowLimit: "you missed too many classes at this gym lately; you can book again once its no-show block ends"
        case .sessionEnded: "this session has ended"
        case .sessionNotStarted: "this session has not started yet"
        case .recordedInFuture: "this check-in was recorded at a time still to come; set the device's clock"
        }
    }
}
