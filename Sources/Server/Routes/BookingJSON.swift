import Booking
import Datasets
import Storage

/// A booking as the app reads it: the seed's `Booking`, field for field (`class_schedule_id`,
/// `booking_type`, `credits_used`, `qr_code`, …), and beside it what "My classes" shows so that
/// screen is one call: the class, the gym, the session's times in the gym's own zone, the
/// place on the waitlist.
struct BookingJSON: Encodable, Sendable {
    var id: String
    var tenantId: String
    var userId: String
    var classScheduleId: String
    var status: BookingStatus
    var bookingType: BookingType
    var creditsUsed: Int
    /// The check-in QR code's content: only for its member, only while confirmed.
    var qrCode: String?
    var qrExpiresAt: String?
    var checkInTime: String?
    var cancellationReason: String?
    /// The platform's commission on a marketplace booking, in minor units of `currency`.
    var marketplaceFee: Int64?
    var currency: String?
    var createdAt: String
    var updatedAt: String

    var classId: String
    var className: String
    var gym: Gym
    /// The session's times with the gym's UTC offset at that instant; `timezone` names its zone.
    var startTime: String
    var endTime: String
    var timezone: String
    var waitlistPosition: Int?
    /// The session's spots left, when the answer is to a booking or a cancellation.
    var spotsLeft: Int?

    enum BookingType: String, Encodable, Sendable {
        case direct, marketplace
    }

    struct Gym: Encodable, Sendable {
        var id: String
        var name: String
        var slug: String
    }

    /// - Parameter qrCode: the booking's QR code, when the reader is its member.
    init(_ b: BookingDetails, qrCode: String?, spotsLeft: Int? = nil) {
        let local = GymTime(timezone: b.timezone).format
        id = b.id
        tenantId = b.tenantId
        userId = b.userId
        classScheduleId = b.sessionId
        status = b.status
        bookingType = b.isMarketplace ? .marketplace : .direct
        creditsUsed = b.creditsCharged
        self.qrCode = qrCode
        qrExpiresAt = qrCode == nil ? nil : local(b.endTime)
        checkInTime = b.checkedInAt.map(local)
        cancellationReason = b.cancelReason
        marketplaceFee = b.marketplaceFee?.cents
        currency = b.marketplaceFee?.currency
        createdAt = ISO8601.format(b.createdAt)
        updatedAt = ISO8601.format(b.updatedAt)
        classId = b.classId
        className = b.className
        gym = Gym(id: b.tenantId, name: b.gymName, slug: b.gymSlug)
        startTime = local(b.startTime)
        endTime = local(b.endTime)
        timezone = b.timezone
        waitlistPosition = b.waitlistPosition
        self.spotsLeft = spotsLeft
    }
}
