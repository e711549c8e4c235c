import Booking
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// Booking a session (directly with the gym's credits, or through the marketplace with
/// universal credits), reading and cancelling a booking, and staff checking a member in.
struct BookingRoutes {
    let services: ServerServices

    /// The seed's booking request: `class_schedule_id` and, optionally, the credits the app
    /// showed (`credits_to_use`). `session_id` is the old name of `class_schedule_id`, accepted
    /// for one release.
    struct NewBooking: Decodable {
        var classScheduleId: String?
        var sessionId: String?
        var creditsToUse: Int?
        /// True to join the waitlist when the session is full; otherwise a full session is
        /// refused with CLASS_FULL.
        var joinWaitlist: Bool?

        func session() throws -> String {
            switch (classScheduleId, sessionId) {
            case (let id?, nil), (nil, let id?): return id
            case (let id?, let old?) where id == old: return id
            case (_?, _?): throw APIError.validation("class_schedule_id and session_id (its old name) name different sessions: give class_schedule_id")
            case (nil, nil): throw APIError.validation("class_schedule_id is required")
            }
        }
    }

    struct Cancellation: Decodable {
        var reason: String?
    }

    struct CheckIn: Decodable {
        var token: String
    }

    struct CancelView: Encodable, Sendable {
        var id: String
        var status = "cancelled"
        var refund: String
        var creditsRefunded: Int
        var spotsLeft: Int
    }

    func register(on api: RouterGroup<AppContext>) {
        api.post("bookings") { request, context in try await book(request, context, marketplace: false) }
        api.post("marketplace/bookings") { request, context in try await book(request, context, marketplace: true) }
        api.get("bookings/{id}") { _, context in
            let user = try context.requireUser()
            let booking = try await visibleBooking(try context.parameters.require("id"), to: user)
            return Reply(BookingJSON(booking, qrCode: booking.userId == user ? services.store.bookings.qrCode(for: booking) : nil))
        }
        api.delete("bookings/{id}") { request, context in
            let user = try context.requireUser()
            // The body is optional: a DELETE without one cancels without a reason.
            let reason = try await request.optionalJSON(Cancellation.self, context: context)?.reason
                .map { try CleanText.check($0, "reason", 0...500, multiline: true) }
            let id = try context.parameters.require("id")
            let outcome = try await services.store.bookings.cancel(bookingId: id, member: user, reason: reason, now: services.clock.now())
            services.metrics.booking(outcome: "cancelled")
            return Reply(CancelView(
                id: id, refund: Self.describe(outcome.decision), creditsRefunded: outcome.creditsRefunded, spotsLeft: outcome.spotsLeft
            ))
        }
        api.post("bookings/{id}/checkin") { request, context in
            let staff = try context.requireUser()
            let body = try await request.json(CheckIn.self, context: context)
            let id = try context.parameters.require("id")
            try await services.store.bookings.checkIn(bookingId: id, token: body.token, staff: staff, now: services.clock.now())
            return Reply(BookingJSON(try await services.store.bookings.details(id: id), qrCode: nil))
        }
    }

    /// Set on the answer to a retried booking request (same Idempotency-Key): nothing new was booked.
    static let replayed = HTTPField.Name("Idempotent-Replayed")!

    private func book(_ request: Request, _ context: AppContext, marketplace: Bool) async throws -> Reply<BookingJSON> {
        let user = try context.requireUser()
        let body = try await request.json(NewBooking.self, context: context)
        let session = try body.session()
        if let credits = body.creditsToUse, credits < 0 { throw APIError.validation("credits_to_use must be 0 or more") }
        let outcome: BookingOutcome
        do {
            outcome = try await services.store.bookings.book(
                member: user, sessionId: session, marketplace: marketplace, joinWaitlist: body.joinWaitlist ?? false,
                statedCredits: body.creditsToUse, idempotencyKey: request.headers[PaymentRoutes.idempotencyKey], now: services.clock.now()
            )
        } catch StoreError.refused(let refusal) {
            services.metrics.booking(outcome: refusal.rawValue.lowercased())
            throw APIError(refusal)
        } catch StoreError.notFound {
            throw APIError.notFound("no session with id '\(session)'")
        }
        let booking = outcome.booking
        var reply = Reply(BookingJSON(booking, qrCode: services.store.bookings.qrCode(for: booking), spotsLeft: outcome.spotsLeft), status: .created)
        if outcome.replayed {
            reply.headers[Self.replayed] = "true"
        } else {
            services.metrics.booking(outcome: outcome.status.rawValue)
        }
        return reply
    }

    static func describe(_ decision: BookingRules.CancelDecision) -> String {
        switch decision {
        case .refund: "full"
        case .lateCancel: "none: cancelled inside the cancellation window"
        case .leaveWaitlist: "none: nothing was charged while waitlisted"
        }
    }

    /// The booking if `user` is its member or staff at its gym; otherwise it is as good as
    /// missing, so nobody learns that another member's booking exists.
    private func visibleBooking(_ id: String, to user: String) async throws -> BookingDetails {
        let booking: BookingDetails
        do { booking = try await services.store.bookings.details(id: id) } catch StoreError.notFound { throw APIError.notFound("booking not found") }
        if booking.userId == user { return booking }
        guard try await services.store.staff.role(of: user, at: booking.tenantId)?.isStaff == true else {
            throw APIError.notFound("booking not found")
        }
        return booking
    }
}
