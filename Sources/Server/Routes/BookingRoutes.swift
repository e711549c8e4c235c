import Booking
import Foundation
import Hummingbird
import Storage

/// Booking a session (directly with the gym's credits, or through the marketplace with
/// universal credits), reading and cancelling a booking, and staff checking a member in.
struct BookingRoutes {
    let services: ServerServices

    struct NewBooking: Decodable {
        var sessionId: String
        /// False to be refused with CLASS_FULL rather than waitlisted when the session is full.
        var joinWaitlist: Bool?
    }

    struct Cancellation: Decodable {
        var reason: String?
    }

    struct CheckIn: Decodable {
        var token: String
    }

    /// A booking as its member (or the gym's staff) sees it.
    struct BookingView: Encodable, Sendable {
        var id: String
        var sessionId: String
        var tenantId: String
        var status: String
        var waitlistPosition: Int?
        var creditsCharged: Int
        var isMarketplace: Bool
        var marketplaceFeeCents: Int64?
        var currency: String?
        var spotsLeft: Int?
        /// The QR code's content, for the member's own confirmed booking.
        var checkinToken: String?
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
            var view = BookingView(
                id: booking.id, sessionId: booking.sessionId, tenantId: booking.tenantId, status: booking.status.rawValue,
                creditsCharged: booking.creditsCharged, isMarketplace: booking.isMarketplace
            )
            if booking.userId == user && booking.status == .confirmed && services.store.bookings.checkInTokens != nil {
                view.checkinToken = try await services.store.bookings.checkInToken(bookingId: booking.id, member: user)
            }
            return Reply(view)
        }
        api.delete("bookings/{id}") { request, context in
            let user = try context.requireUser()
            // The body is optional: a DELETE without one cancels without a reason.
            let reason = try await request.optionalJSON(Cancellation.self, context: context)?.reason
            if let reason, reason.count > 500 { throw APIError.validation("reason must be at most 500 characters") }
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
            let booking = try await services.store.bookings.booking(id: id)
            return Reply(BookingView(
                id: id, sessionId: booking.sessionId, tenantId: booking.tenantId, status: booking.status.rawValue,
                creditsCharged: booking.creditsCharged, isMarketplace: booking.isMarketplace
            ))
        }
    }

    private func book(_ request: Request, _ context: AppContext, marketplace: Bool) async throws -> Reply<BookingView> {
        let user = try context.requireUser()
        let body = try await request.json(NewBooking.self, context: context)
        do {
            let outcome = try await services.store.bookings.book(
                member: user, sessionId: body.sessionId, marketplace: marketplace, joinWaitlist: body.joinWaitlist ?? true,
                now: services.clock.now()
            )
            services.metrics.booking(outcome: outcome.status.rawValue)
            return Reply(BookingView(
                id: outcome.bookingId, sessionId: body.sessionId, tenantId: outcome.tenantId, status: outcome.status.rawValue,
                waitlistPosition: outcome.waitlistPosition, creditsCharged: outcome.creditsCharged, isMarketplace: marketplace,
                marketplaceFeeCents: outcome.marketplaceFee?.cents, currency: outcome.marketplaceFee?.currency, spotsLeft: outcome.spotsLeft
            ), status: .created)
        } catch StoreError.refused(let refusal) {
            services.metrics.booking(outcome: refusal.rawValue.lowercased())
            throw APIError(refusal)
        } catch StoreError.notFound {
            throw APIError.notFound("no session with id '\(body.sessionId)'")
        }
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
    private func visibleBooking(_ id: String, to user: String) async throws -> BookingRecord {
        let booking: BookingRecord
        do { booking = try await services.store.bookings.booking(id: id) } catch StoreError.notFound { throw APIError.notFound("booking not found") }
        if booking.userId == user { return booking }
        guard try await services.store.staff.role(of: user, at: booking.tenantId)?.isStaff == true else {
            throw APIError.notFound("booking not found")
        }
        return booking
    }
}
