public import Domain
/// A scheduled session as the rules see it.
public struct SessionFacts: Sendable, Hashable {
    public var id: String
    public var tenantId: String
    /// UTC seconds.
    public var start: Int64
    public var end: Int64
    public var capacity: Int
    public var confirmed: Int
    public var waitlisted: Int
    public var isCancelled: Bool
    public var bookingWindowHours: Int
    public var cancellationWindowHours: Int
    /// The gym's own rules beyond the windows.
    public var policy: GymPolicy

    public init(
        id: String, tenantId: String, start: Int64, end: Int64, capacity: Int, confirmed: Int = 0, waitlisted: Int = 0,
        isCancelled: Bool = false, bookingWindowHours: Int = 168, cancellationWindowHours: Int = 24, policy: GymPolicy = GymPolicy()
    ) {
        self.policy = policy
        self.id = id
        self.tenantId = tenantId
        self.start = start
        self.end = end
        self.capacity = capacity
        self.confirmed = confirmed
        self.waitlisted = waitlisted
        self.isCancelled = isCancelled
        self.bookingWindowHours = bookingWindowHours
        self.cancellationWindowHours = cancellationWindowHours
    }

    public var spotsLeft: Int { max(0, capacity - confirmed) }
}

/// What a gym decides for itself about its sessions, beyond the booking and cancellation
/// windows each session carries.
public struct GymPolicy: Sendable, Hashable {
    /// Nobody is promoted from the waitlist this long before the start; nil: the platform's.
    public var waitlistCutoffSeconds: Int64?
    /// A late cancellation gets its credits back all the same (the gym forgives lateness).
    public var lateCancelRefunds: Bool
    /// This many no-shows within `noShowPeriodSeconds` stop a member booking for
    /// `noShowBlockDays` after the last; nil: no limit.
    public var noShowLimit: Int?
    public var noShowBlockDays: Int

    public static let noShowPeriodSeconds: Int64 = 30 * 86_400
    /// How long a member waits after their last no-show unless the gym says otherwise.
    public static let defaultNoShowBlockDays = 7

    public init(
        waitlistCutoffSeconds: Int64? = nil, lateCancelRefunds: Bool = false, noShowLimit: Int? = nil, noShowBlockDays: Int = defaultNoShowBlockDays
    ) {
        self.waitlistCutoffSeconds = waitlistCutoffSeconds
        self.lateCancelRefunds = lateCancelRefunds
        self.noShowLimit = noShowLimit
        self.noShowBlockDays = noShowBlockDays
    }
}

/// One of the member's own bookings, to find conflicts.
public struct MemberBooking: Sendable, Hashable {
    public var sessionId: String
    public var start: Int64
    public var end: Int64
    public var status: BookingStatus

    public init(sessionId: String, start: Int64, end: Int64, status: BookingStatus) {
        self.sessionId = sessionId
        self.start = start
        self.end = end
        self.status = status
    }
}

/// The booking rules as pure functions: each takes what the store read inside its
/// transaction and returns what to write, so the same rules hold on SQLite and PostgreSQL and
/// can be tested without either.
public enum BookingRules {
    /// Waitlist promotion stops this long before the start, as studios commonly set it.
    public static let defaultPromotionCutoffSeconds: Int64 = 2 * 3600
    /// Staff can check members in from this long before the start until the end.
    public static let checkInOpensSeconds: Int64 = 30 * 60

    public enum BookDecision: Equatable, Sendable {
        /// Take a spot and charge this many credits.
        case confirm(credits: Int)
        /// Join the waitlist at this position; nothing is charged until promotion.
        case waitlist(position: Int)
    }

    /// Decides a booking request. The caller holds the session row (or updates it
    /// conditionally) so `confirmed` cannot change under it. A full session takes the member
    /// onto its waitlist, unless they asked not to or the waitlist has closed (nobody is promoted
    /// within `promotionCutoffSeconds` of the start): then it is `classFull`.
    public static func book(
        _ session: SessionFacts, price credits: Int, creditsAvailable: Int, memberBookings: [MemberBooking], now: Int64,
        joinWaitlist: Bool = true, promotionCutoffSeconds: Int64 = defaultPromotionCutoffSeconds
    ) -> Result<BookDecision, BookingRefusal> {
        if session.isCancelled { return .failure(.sessionCancelled) }
        if now < session.start - Int64(session.bookingWindowHours) * 3600 { return .failure(.bookingNotYetOpen) }
        if now >= session.start { return .failure(.bookingWindowClosed) }
        for other in memberBookings where other.status.isActive {
            // The same session twice, or two sessions that overlap in time.
            if other.sessionId == session.id || (other.start < session.end && session.start < other.end) {
                return .failure(.bookingConflict)
            }
        }
        if session.confirmed < session.capacity {
            return creditsAvailable >= credits ? .success(.confirm(credits: credits)) : .failure(.insufficientCredits)
        }
        guard joinWaitlist, now < session.start - promotionCutoffSeconds else { return .failure(.classFull) }
        return .success(.waitlist(position: session.waitlisted + 1))
    }

    public enum CancelDecision: Equatable, Sendable {
        /// A confirmed spot cancelled in time: refund everything; the spot goes to the waitlist.
        case refund
        /// A confirmed spot cancelled inside the cancellation window: nothing back; the spot
        /// still goes to the waitlist.
        case lateCancel
        /// Leaving the waitlist: nothing was charged.
        case leaveWaitlist
    }

    public static func cancel(status: BookingStatus, session: SessionFacts, now: Int64) -> Result<CancelDecision, BookingRefusal> {
        switch status {
        case .waitlisted:
            return .success(.leaveWaitlist)
        case .confirmed:
            if now >= session.start { return .failure(.cancellationClosed) }
            let deadline = session.start - Int64(session.cancellationWindowHours) * 3600
            return .success(now < deadline || session.policy.lateCancelRefunds ? .refund : .lateCancel)
        case .cancelled, .checkedIn, .completed, .noShow:
            return .failure(.notCancellable)
        }
    }

    /// A member waiting for a spot, in queue order, with the credits they could pay now.
    public struct WaitlistEntry: Sendable, Hashable {
        public var bookingId: String
        public var creditsAvailable: Int

        public init(bookingId: String, creditsAvailable: Int) {
            self.bookingId = bookingId
            self.creditsAvailable = creditsAvailable
        }
    }

    public struct Promotion: Equatable, Sendable {
        /// Who gets the spot (charged at promotion), if anyone.
        public var promoted: String?
        /// Passed over for lack of credits; they stay on the list and are told.
        public var skipped: [String]
        /// The cut-off has passed: the waitlist is closed and all of these are told.
        public var closed: [String]

        public init(promoted: String?, skipped: [String], closed: [String]) {
            self.promoted = promoted
            self.skipped = skipped
            self.closed = closed
        }
    }

    /// Who takes a freed spot: the first in line who can pay, unless the cut-off has passed.
    public static func promote(
        waitlist: [WaitlistEntry], price credits: Int, session: SessionFacts, now: Int64,
        cutoffSeconds: Int64 = defaultPromotionCutoffSeconds
    ) -> Promotion {
        if now >= session.start - cutoffSeconds || session.isCancelled {
            return Promotion(promoted: nil, skipped: [], closed: waitlist.map(\.bookingId))
        }
        var skipped: [String] = []
        for entry in waitlist {
            if entry.creditsAvailable >= credits { return Promotion(promoted: entry.bookingId, skipped: skipped, closed: []) }
            skipped.append(entry.bookingId)
        }
        return Promotion(promoted: nil, skipped: skipped, closed: [])
    }

    /// Until when a member may not book at a gym for missing its classes, given the end times
    /// of their no-shows there; nil when they may book.
    public static func noShowBlock(noShowEnds: [Int64], policy: GymPolicy, now: Int64) -> Int64? {
        guard let limit = policy.noShowLimit else { return nil }
        let recent = noShowEnds.filter { $0 > now - GymPolicy.noShowPeriodSeconds && $0 <= now }
        guard recent.count >= limit, let last = recent.max() else { return nil }
        let until = last + Int64(policy.noShowBlockDays) * 86_400
        return until > now ? until : nil
    }

    /// Staff who may check members in at a gym.
    public typealias StaffRole = Domain.StaffRole

    /// Decides a check-in: staff of the session's gym, a valid token for this booking, an
    /// active booking, inside [start - 30 min, end].
    public static func checkIn(
        bookingId: String, status: BookingStatus, session: SessionFacts, staffRole: StaffRole?, staffTenant: String,
        token: CheckInToken.Verdict, now: Int64
    ) -> Result<Void, BookingRefusal> {
        guard let staffRole, staffRole.canCheckIn, staffTenant == session.tenantId else { return .failure(.forbidden) }
        switch token {
        case .forged: return .failure(.invalidToken)
        case .expired: return .failure(.tokenExpired)
        case .valid(let claims):
            if claims.tenantId != staffTenant { return .failure(.tokenForAnotherGym) }
            if claims.bookingId != bookingId { return .failure(.invalidToken) }
        }
        return attendable(status: status, session: session, now: now).map(Result.failure) ?? .success(())
    }

    /// What a check-in made offline at the gym comes to when it syncs.
    public enum OfflineCheckIn: Hashable, Sendable {
        /// The booking becomes this: checked in, or completed when the session has ended since.
        case apply(BookingStatus)
        /// The booking was already checked in (online, or by another device).
        case already
        case refused(BookingRefusal)
    }

    /// How far a staff device's clock may run ahead of ours.
    public static let deviceClockSkewSeconds: Int64 = 5 * 60

    /// Decides a check-in recorded offline at `recordedAt`, under the rules as they stood then:
    /// inside the session's check-in window, the booking active, the code (when one was
    /// scanned) valid then for this booking at this gym. A booking marked a no-show meanwhile
    /// (by the sweep after the end, or at a desk that could not see this check-in) counts as
    /// the confirmed booking it was.
    public static func offlineCheckIn(
        bookingId: String, status: BookingStatus, session: SessionFacts, code: CheckInToken.Verdict?, recordedAt: Int64, now: Int64
    ) -> OfflineCheckIn {
        if recordedAt > now + deviceClockSkewSeconds { return .refused(.recordedInFuture) }
        switch code {
        case nil: break
        case .forged?: return .refused(.invalidToken)
        case .expired?: return .refused(.tokenExpired)
        case .valid(let claims)?:
            if claims.tenantId != session.tenantId { return .refused(.tokenForAnotherGym) }
            if claims.bookingId != bookingId { return .refused(.invalidToken) }
        }
        if status == .checkedIn || status == .completed { return .already }
        let then = status == .noShow ? .confirmed : status
        if let refusal = attendable(status: then, session: session, now: recordedAt) { return .refused(refusal) }
        return .apply(now > session.end ? .completed : .checkedIn)
    }

    /// Decides a member checking themselves in from the app: their own active booking, inside
    /// the check-in window, and where they stand inside the gym's geofence.
    public static func selfCheckIn(status: BookingStatus, session: SessionFacts, insideGeofence: Bool, now: Int64) -> Result<Void, BookingRefusal> {
        if let refusal = attendable(status: status, session: session, now: now) { return .failure(refusal) }
        return insideGeofence ? .success(()) : .failure(.outsideGeofence)
    }

    /// Why a booking cannot be checked in now, if it cannot: it must be confirmed, and the
    /// time within [start - 30 min, end].
    public static func attendable(status: BookingStatus, session: SessionFacts, now: Int64) -> BookingRefusal? {
        switch status {
        case .cancelled: return .bookingCancelled
        case .checkedIn, .completed: return .alreadyCheckedIn
        case .waitlisted, .noShow: return .notConfirmed
        case .confirmed: break
        }
        if now < session.start - checkInOpensSeconds { return .checkInNotOpen }
        if now > session.end { return .checkInClosed }
        return nil
    }

    /// What a booking becomes once its session has ended, or nil if it stays as it is.
    public static func settle(status: BookingStatus, session: SessionFacts, now: Int64) -> BookingStatus? {
        guard now >= session.end else { return nil }
        switch status {
        case .confirmed: return .noShow
        case .checkedIn: return .completed
        default: return nil
        }
    }
}
