import Booking
import Datasets
import Foundation
import Hummingbird
import Storage

/// The front desk: a session's roster, checking members in by name (and undoing a mistake),
/// marking no-shows, and the day's sessions with their counts. For any of the gym's staff.
struct RosterRoutes {
    let services: ServerServices

    struct EntryView: Encodable, Sendable {
        var bookingId: String
        var userId: String
        var firstName: String
        var lastName: String
        var status: BookingStatus
        var waitlistPosition: Int?
        var checkedInAt: String?
        var checkedInBy: String?
        var checkInMethod: String?
        var isMarketplace: Bool
    }

    struct RosterView: Encodable, Sendable {
        var session: ScheduleRoutes.ClassScheduleJSON
        var counts: Counts
        var members: [EntryView]
    }

    struct Counts: Encodable, Sendable {
        var confirmed: Int
        var waitlisted: Int
        var checkedIn: Int
        var noShows: Int
    }

    struct DayView: Encodable, Sendable {
        var date: String
        var timezone: String
        var sessions: [DaySessionView]
    }

    struct DaySessionView: Encodable, Sendable {
        var sessionId: String
        var classId: String
        var className: String
        var instructorId: String?
        var startTime: String
        var endTime: String
        var capacity: Int
        var status: String
        var counts: Counts
    }

    /// The handler of a staff action on one of the gym's bookings, answered with the booking as
    /// it now is.
    private func frontDesk(
        _ act: @escaping @Sendable (_ bookingId: String, _ tenant: String, _ staff: String, _ now: Int64) async throws -> Void
    ) -> @Sendable (Request, AppContext) async throws -> Reply<BookingJSON> {
        { _, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let id = try context.parameters.require("booking_id")
            try await act(id, tenant, user, services.clock.now())
            return Reply(BookingJSON(try await services.store.bookings.details(id: id), qrCode: nil))
        }
    }

    func register(on api: RouterGroup<AppContext>) {
        api.get("tenants/{slug}/schedules/{session_id}/roster") { _, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let id = try context.parameters.require("session_id")
            let entries = try await services.store.bookings.roster(sessionId: id, tenant: tenant, staff: user)
            guard let session = try await services.store.catalog.scheduledSession(id: id) else { throw APIError.notFound("session not found") }
            let local = GymTime(timezone: session.timezone).format
            return Reply(RosterView(
                session: .init(session, now: services.clock.now()),
                counts: Counts(
                    confirmed: entries.count { $0.status == .confirmed }, waitlisted: entries.count { $0.status == .waitlisted },
                    checkedIn: entries.count { $0.status == .checkedIn || $0.status == .completed }, noShows: entries.count { $0.status == .noShow }
                ),
                members: entries.map {
                    EntryView(
                        bookingId: $0.bookingId, userId: $0.userId, firstName: $0.firstName, lastName: $0.lastName, status: $0.status,
                        waitlistPosition: $0.waitlistPosition, checkedInAt: $0.checkedInAt.map(local), checkedInBy: $0.checkedInBy,
                        checkInMethod: $0.checkInMethod, isMarketplace: $0.isMarketplace
                    )
                }
            ))
        }
        let bookings = services.store.bookings
        api.post("tenants/{slug}/bookings/{booking_id}/checkin", use: frontDesk(bookings.checkInByName))
        api.delete("tenants/{slug}/bookings/{booking_id}/checkin", use: frontDesk(bookings.undoCheckIn))
        api.post("tenants/{slug}/bookings/{booking_id}/no-show", use: frontDesk(bookings.markNoShow))
        api.get("tenants/{slug}/day") { request, context in
            let user = try context.requireUser()
            let slug = try context.parameters.require("slug")
            guard let gym = try await services.store.catalog.tenant(slug: slug) else { throw APIError.notFound("no gym with slug '\(slug)'") }
            guard var clock = ZoneClock(identifier: gym.tenant.timezone) else { throw APIError.notFound("gym has no valid time zone") }
            let day: Int64
            if let text = request.uri.queryParameters["date"] {
                guard text.count == 10, let midnight = ISO8601.parse(String(text)) else {
                    throw APIError.validation("date must be a day such as 2026-12-02 (the gym's own calendar)")
                }
                day = midnight / 86_400
            } else {
                day = clock.localDay(at: services.clock.now())
            }
            let from = clock.instant(day: day, minuteOfDay: 0), to = clock.instant(day: day + 1, minuteOfDay: 0)
            let sessions = try await services.store.bookings.day(tenant: gym.tenant.id, staff: user, from: from, to: to)
            let local = GymTime(timezone: gym.tenant.timezone).format
            let now = services.clock.now()
            return Reply(DayView(
                date: String(ISO8601.format(day * 86_400).prefix(10)), timezone: gym.tenant.timezone,
                sessions: sessions.map {
                    DaySessionView(
                        sessionId: $0.sessionId, classId: $0.classId, className: $0.className, instructorId: $0.instructorId,
                        startTime: local($0.start), endTime: local($0.end), capacity: $0.capacity,
                        status: $0.isCancelled ? "cancelled" : now >= $0.end ? "completed" : now >= $0.start ? "in_progress" : "scheduled",
                        counts: Counts(confirmed: $0.confirmed, waitlisted: $0.waitlisted, checkedIn: $0.checkedIn, noShows: $0.noShows)
                    )
                }
            ))
        }
    }
}
