import Datasets
import Domain
import Hummingbird
import Storage

/// A gym's timetable: its sessions in a window, each as the seed's `ClassSchedule` (public, as
/// the catalog is), and a session's own notes and stand-in instructor (its managers).
struct ScheduleRoutes {
    let services: ServerServices

    /// The seed's `ClassSchedule`, with the class's name beside it.
    struct ClassScheduleJSON: Encodable, Sendable {
        var id: String
        var tenantId: String
        var classId: String
        var className: String
        var instructorId: String?
        /// With the gym's UTC offset at that instant; `timezone` names its zone.
        var startTime: String
        var endTime: String
        var timezone: String
        var capacity: Int
        var availableSpots: Int
        var bookingWindowHours: Int
        var cancellationWindowHours: Int
        var status: Status
        /// What the gym tells members about this session.
        var notes: String?

        /// The seed's `ScheduleStatus`: what is stored, and whether it is on or over by now.
        enum Status: String, Encodable, Sendable {
            case scheduled, cancelled, inProgress = "in_progress", completed
        }

        init(_ s: ScheduledSession, now: Int64) {
            let local = GymTime(timezone: s.timezone).format
            id = s.id
            tenantId = s.tenantId
            classId = s.classId
            className = s.className
            instructorId = s.instructorId
            notes = s.notes
            startTime = local(s.startTime)
            endTime = local(s.endTime)
            timezone = s.timezone
            capacity = s.capacity
            availableSpots = s.availableSpots
            bookingWindowHours = s.bookingWindowHours
            cancellationWindowHours = s.cancellationWindowHours
            status = s.status == .cancelled ? .cancelled : now >= s.endTime ? .completed : now >= s.startTime ? .inProgress : .scheduled
        }
    }

    static let maxWindowSeconds: Int64 = 31 * 86_400

    /// A session's own notes, stand-in instructor and windows; `null` clears one (a window then
    /// follows the class's and the gym's), leaving it out keeps it.
    struct SessionPatch: Decodable {
        var notes: String??
        var instructorId: String??
        var bookingWindowHours: Int??
        var cancellationWindowHours: Int??

        enum CodingKeys: String, CodingKey { case notes, instructorId, bookingWindowHours, cancellationWindowHours }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            notes = try c.decodePatch(String.self, forKey: .notes)
            instructorId = try c.decodePatch(String.self, forKey: .instructorId)
            bookingWindowHours = try c.decodePatch(Int.self, forKey: .bookingWindowHours)
            cancellationWindowHours = try c.decodePatch(Int.self, forKey: .cancellationWindowHours)
        }
    }

    func register(on api: RouterGroup<AppContext>) {
        api.get("tenants/{slug}/schedules") { request, context in
            let slug = try context.parameters.require("slug")
            guard let gym = try await services.store.catalog.tenant(slug: slug), gym.tenant.isActive else {
                throw APIError.notFound("no gym with slug '\(slug)'")
            }
            let now = services.clock.now()
            func instant(_ name: String) throws -> Int64? {
                guard let text = request.uri.queryParameters[name[...]] else { return nil }
                guard let seconds = ISO8601.parse(String(text)) else { throw APIError.validation("\(name) must be an ISO 8601 time, such as 2026-12-02T06:00:00+02:00") }
                return seconds
            }
            let from = try instant("from") ?? now
            let to = try instant("to") ?? from + 7 * 86_400
            guard from < to, to - from <= Self.maxWindowSeconds else { throw APIError.validation("to must be after from, and at most 31 days after it") }
            let sessions = try await services.store.catalog.schedule(tenant: gym.tenant.id, from: from, to: to)
            return Reply(["schedules": sessions.map { ClassScheduleJSON($0, now: now) }])
        }
        api.patch("tenants/{slug}/schedules/{session_id}") { request, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let id = try context.parameters.require("session_id")
            let patch = try await request.json(SessionPatch.self, context: context)
            var notes = patch.notes
            if case .some(.some(let text)) = notes { notes = .some(try CleanText.check(text, "notes", 0...500, multiline: true)) }
            let windows = SessionWindowChanges(
                booking: try patch.bookingWindowHours.map { try $0.map { try GymAdminRoutes.number($0, "booking_window_hours", 1...2_160) } },
                cancellation: try patch.cancellationWindowHours.map { try $0.map { try GymAdminRoutes.number($0, "cancellation_window_hours", 0...336) } }
            )
            try await services.store.catalog.updateSession(
                sessionId: id, tenant: tenant, staff: user, notes: notes, instructor: patch.instructorId, windows: windows
            )
            guard let session = try await services.store.catalog.scheduledSession(id: id) else { throw APIError.notFound("session not found") }
            return Reply(ClassScheduleJSON(session, now: services.clock.now()))
        }
    }
}
