import Datasets
import Domain
import Foundation
import Geo
import Hummingbird
import Storage

/// Gyms running their own catalog: a member opens a gym and becomes its owner; its owner and
/// admins add classes with weekly timetables, one-off sessions, change or retire classes, and
/// cancel sessions (which refunds and tells every booked member). The index follows each change.
struct GymAdminRoutes {
    let services: ServerServices

    struct NewGym: Decodable {
        var name: String
        var slug: String?
        var email: String
        var phone: String
        var address: Address
        var location: Location
        var timezone: String
        var marketplaceEnabled: Bool?
        /// The currency the gym sells and is paid in; its country's unless given.
        var currency: String?
    }

    struct NewClass: Decodable {
        var name: String
        var description: String?
        var classType: String
        var difficultyLevel: String?
        var durationMinutes: Int
        var maxCapacity: Int
        var creditsRequired: Int
        var equipmentNeeded: [String]?
        var instructorId: String?
        var weeklySlots: [WeeklySlot]?
    }

    /// Leaving a field out keeps it; `null` on an instructor or a window clears it (a window
    /// then follows the gym's).
    struct ClassPatch: Decodable {
        var name: String?
        var description: String?
        var difficultyLevel: String?
        var creditsRequired: Int?
        var isActive: Bool?
        var classType: String?
        var instructorId: String??
        var durationMinutes: Int?
        var maxCapacity: Int?
        var weeklySlots: [WeeklySlot]?
        var bookingWindowHours: Int??
        var cancellationWindowHours: Int??
        var waitlistCutoffMinutes: Int??
        /// Cancel (refund and tell) booked sessions the new weekly slots drop, instead of keeping them.
        var cancelBookedSessions: Bool?

        enum CodingKeys: String, CodingKey {
            case name, description, difficultyLevel, creditsRequired, isActive, classType, instructorId, durationMinutes, maxCapacity, weeklySlots
            case bookingWindowHours, cancellationWindowHours, waitlistCutoffMinutes, cancelBookedSessions
        }

        init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decodeIfPresent(String.self, forKey: .name)
            description = try c.decodeIfPresent(String.self, forKey: .description)
            difficultyLevel = try c.decodeIfPresent(String.self, forKey: .difficultyLevel)
            creditsRequired = try c.decodeIfPresent(Int.self, forKey: .creditsRequired)
            isActive = try c.decodeIfPresent(Bool.self, forKey: .isActive)
            classType = try c.decodeIfPresent(String.self, forKey: .classType)
            instructorId = try c.decodePatch(String.self, forKey: .instructorId)
            durationMinutes = try c.decodeIfPresent(Int.self, forKey: .durationMinutes)
            maxCapacity = try c.decodeIfPresent(Int.self, forKey: .maxCapacity)
            weeklySlots = try c.decodeIfPresent([WeeklySlot].self, forKey: .weeklySlots)
            bookingWindowHours = try c.decodePatch(Int.self, forKey: .bookingWindowHours)
            cancellationWindowHours = try c.decodePatch(Int.self, forKey: .cancellationWindowHours)
            waitlistCutoffMinutes = try c.decodePatch(Int.self, forKey: .waitlistCutoffMinutes)
            cancelBookedSessions = try c.decodeIfPresent(Bool.self, forKey: .cancelBookedSessions)
        }
    }

    /// What a timetable change did, beside the class's id.
    struct ClassUpdated: Encodable, Sendable {
        var id: String
        var sessionsAdded: Int
        var sessionsRemoved: Int
        var bookedSessionsKept: [String]
        var bookedSessionsCancelled: [String]
    }

    struct NewSession: Decodable {
        var classId: String
        var startTime: String
    }

    struct Cancellation: Decodable {
        var reason: String?
    }

    struct Created: Encodable, Sendable {
        var id: String
        var slug: String?
        var sessionsAdded: Int?
    }

    struct SessionCancelled: Encodable, Sendable {
        var sessionId: String
        var status = "cancelled"
        var bookingsCancelled: Int
    }

    func register(on api: RouterGroup<AppContext>) {
        api.post("tenants") { request, context in
            let tenant = try await openGym(try await request.json(NewGym.self, context: context), owner: try context.requireUser())
            return Reply(Created(id: tenant.id, slug: tenant.slug), status: .created)
        }
        api.post("tenants/{slug}/classes") { request, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let fitnessClass = try newClass(try await request.json(NewClass.self, context: context), tenant: tenant)
            let now = services.clock.now()
            let added = try await services.store.catalog.createClass(
                fitnessClass, staff: user, until: now + Int64(services.horizonDays) * 86_400, now: now
            )
            return Reply(Created(id: fitnessClass.id, sessionsAdded: added), status: .created)
        }
        api.patch("tenants/{slug}/classes/{class_id}") { request, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let patch = try await request.json(ClassPatch.self, context: context)
            let id = try context.parameters.require("class_id")
            let now = services.clock.now()
            let change: TimetableChange
            do {
                change = try await services.store.catalog.updateClass(
                    id: id, tenant: tenant, staff: user, changes: try classChanges(patch), until: now + Int64(services.horizonDays) * 86_400, now: now
                )
            } catch StoreError.conflict(let why) {
                throw APIError(.conflict, why)
            }
            return Reply(ClassUpdated(
                id: id, sessionsAdded: change.sessionsAdded, sessionsRemoved: change.sessionsRemoved,
                bookedSessionsKept: change.bookedSessionsKept, bookedSessionsCancelled: change.bookedSessionsCancelled
            ))
        }
        api.delete("tenants/{slug}/classes/{class_id}") { _, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let id = try context.parameters.require("class_id")
            try await services.store.catalog.updateClass(id: id, tenant: tenant, staff: user, changes: ClassChanges(isActive: false), now: services.clock.now())
            return Reply(Created(id: id))
        }
        api.post("tenants/{slug}/schedules") { request, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let body = try await request.json(NewSession.self, context: context)
            guard let start = ISO8601.parse(body.startTime) else {
                throw APIError.validation("start_time must be an ISO 8601 time such as 2026-11-27T18:00:00+02:00")
            }
            let now = services.clock.now()
            guard start > now, start < now + Int64(services.horizonDays) * 86_400 else {
                throw APIError.validation("start_time must be in the next \(services.horizonDays) days")
            }
            let id: String
            do {
                id = try await services.store.catalog.addSession(classId: body.classId, tenant: tenant, start: start, staff: user, now: now)
            } catch StoreError.conflict {
                throw APIError(.sessionExists, "this class already has a session at that time")
            }
            return Reply(Created(id: id), status: .created)
        }
        api.delete("tenants/{slug}/schedules/{session_id}") { request, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let reason = try await request.optionalJSON(Cancellation.self, context: context)?.reason
            let session = try context.parameters.require("session_id")
            // The session must belong to the gym in the path, or it is as good as missing.
            guard try await services.store.catalog.sessionTenant(session) == tenant else { throw APIError.notFound("session not found") }
            let cancelled = try await services.store.catalog.cancelSession(
                sessionId: session, staff: user, reason: String((reason ?? "cancelled by the gym").prefix(500)), now: services.clock.now()
            )
            return Reply(SessionCancelled(sessionId: session, bookingsCancelled: cancelled))
        }
    }


    /// A verified member opens a gym and becomes its owner.
    func openGym(_ body: NewGym, owner user: String) async throws -> Tenant {
        try await services.requireVerified(user)
        let tenant = try gym(from: body)
        let currencies = services.store.bookings.currencies
        if let currency = body.currency, currencies.creditValue(in: currency) == nil {
            throw APIError.validation("currency must be one the platform deals in: \(currencies.all.joined(separator: ", ")) (got '\(currency)')")
        }
        do {
            try await services.store.catalog.createGym(tenant, owner: user, currency: body.currency, now: services.clock.now())
        } catch StoreError.conflict(let why) {
            throw APIError(.slugTaken, "\(why); choose another slug")
        }
        return tenant
    }

    private func classChanges(_ patch: ClassPatch) throws -> ClassChanges {
        var changes = ClassChanges(isActive: patch.isActive)
        if let name = patch.name { changes.name = try Self.text(name, "name", 1...120) }
        if let description = patch.description { changes.description = try Self.text(description, "description", 0...2_000, multiline: true) }
        if let level = patch.difficultyLevel { changes.difficulty = try Self.difficulty(level) }
        if let credits = patch.creditsRequired { changes.creditsRequired = try Self.number(credits, "credits_required", 0...100) }
        if let type = patch.classType { changes.classType = try Self.classType(type) }
        changes.instructorId = patch.instructorId
        if let minutes = patch.durationMinutes { changes.durationMinutes = try Self.number(minutes, "duration_minutes", 5...480) }
        if let capacity = patch.maxCapacity { changes.maxCapacity = try Self.number(capacity, "max_capacity", 1...500) }
        if let slots = patch.weeklySlots { changes.weeklySlots = try Self.slots(slots) }
        changes.bookingWindowHours = try patch.bookingWindowHours.map { try $0.map { try Self.number($0, "booking_window_hours", 1...2_160) } }
        changes.cancellationWindowHours = try patch.cancellationWindowHours.map { try $0.map { try Self.number($0, "cancellation_window_hours", 0...336) } }
        changes.waitlistCutoffMinutes = try patch.waitlistCutoffMinutes.map { try $0.map { try Self.number($0, "waitlist_cutoff_minutes", 0...2_880) } }
        changes.cancelBookedSessions = patch.cancelBookedSessions ?? false
        return changes
    }

    private func gym(from body: NewGym) throws -> Tenant {
        let name = try Self.text(body.name, "name", 2...120)
        let slug = body.slug ?? Self.slug(from: name)
        guard (3...60).contains(slug.count), slug.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }),
            !slug.hasPrefix("-"), !slug.hasSuffix("-")
        else { throw APIError.validation("slug must be 3 to 60 lower-case letters, digits and dashes (got '\(slug)')") }
        return Tenant(
            id: UUID().uuidString.lowercased(), name: name, slug: slug, email: try AuthRoutes.checkedEmail(body.email),
            phone: try Self.text(body.phone, "phone", 5...30), address: try Self.address(body.address), location: try Self.location(body.location),
            timezone: try Self.timezone(body.timezone), subscriptionTier: .starter, marketplaceEnabled: body.marketplaceEnabled ?? true,
            status: .active, placeId: services.nearestPlace(body.location)
        )
    }

    static func location(_ location: Location) throws -> Location {
        guard Coordinate(latitude: location.lat, longitude: location.lng).isValid else {
            throw APIError.validation("location: latitude must be within [-90, 90] and longitude within [-180, 180]")
        }
        return location
    }

    static func timezone(_ zone: String) throws -> String {
        guard TimeZone(identifier: zone) != nil, zone.contains("/") else {
            throw APIError.validation("timezone must be an IANA zone such as Africa/Johannesburg (got '\(zone)')")
        }
        return zone
    }

    static func address(_ a: Address) throws -> Address {
        var address = a
        address.street = try text(a.street, "address.street", 1...200)
        address.suburb = try text(a.suburb, "address.suburb", 0...100)
        address.city = try text(a.city, "address.city", 1...100)
        address.province = try text(a.province, "address.province", 0...100)
        address.postalCode = try text(a.postalCode, "address.postal_code", 0...20)
        address.country = try text(a.country, "address.country", 2...100)
        return address
    }

    func newClass(_ body: NewClass, tenant: String) throws -> FitnessClass {
        let type = try Self.classType(body.classType)
        let slots = try Self.slots(body.weeklySlots ?? [])
        let equipment = body.equipmentNeeded ?? []
        guard equipment.count <= 20, equipment.allSatisfy({ (1...60).contains($0.count) }) else {
            throw APIError.validation("equipment_needed: at most 20 items of 1 to 60 characters")
        }
        return FitnessClass(
            id: UUID().uuidString.lowercased(), tenantId: tenant, name: try Self.text(body.name, "name", 1...120),
            description: try Self.text(body.description ?? "", "description", 0...2_000, multiline: true), classType: type,
            instructorId: body.instructorId ?? "", durationMinutes: try Self.number(body.durationMinutes, "duration_minutes", 5...480),
            maxCapacity: try Self.number(body.maxCapacity, "max_capacity", 1...500),
            difficultyLevel: try body.difficultyLevel.map(Self.difficulty) ?? .allLevels,
            creditsRequired: try Self.number(body.creditsRequired, "credits_required", 0...100), equipmentNeeded: equipment,
            isActive: true, weeklySlots: slots.sorted()
        )
    }

    /// Text as `CleanText` keeps it; `multiline` for long text (a description) that may hold
    /// line breaks.
    static func text(_ value: String, _ name: String, _ length: ClosedRange<Int>, multiline: Bool = false) throws -> String {
        try CleanText.check(value, name, length, multiline: multiline)
    }

    static func classType(_ text: String) throws -> ClassType {
        guard let type = ClassType(rawValue: text.lowercased().replacingOccurrences(of: "-", with: "_")) else {
            throw APIError.validation("class_type must be one of \(ClassType.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return type
    }

    static func slots(_ slots: [WeeklySlot]) throws -> [WeeklySlot] {
        guard slots.count <= 50 else { throw APIError.validation("weekly_slots: at most 50 a week") }
        for slot in slots where !(1...7).contains(slot.weekday) || slot.minuteOfDay == nil {
            throw APIError.validation("weekly_slots: weekday is 1 (Monday) to 7 (Sunday) and start is HH:MM (got \(slot.weekday) \(slot.start))")
        }
        guard Set(slots).count == slots.count else { throw APIError.validation("weekly_slots: each slot at most once") }
        return slots
    }

    static func number(_ value: Int, _ name: String, _ range: ClosedRange<Int>) throws -> Int {
        guard range.contains(value) else { throw APIError.validation("\(name) must be between \(range.lowerBound) and \(range.upperBound) (got \(value))") }
        return value
    }

    static func difficulty(_ text: String) throws -> Difficulty {
        guard let level = Difficulty(rawValue: text.lowercased().replacingOccurrences(of: "-", with: "_")) else {
            throw APIError.validation("difficulty_level must be one of \(Difficulty.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return level
    }

    /// "Zen Fitness Kigali" → "zen-fitness-kigali".
    static func slug(from name: String) -> String {
        let folded = name.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: nil).lowercased()
        var slug = ""
        for c in folded {
            if c.isASCII && (c.isLetter || c.isNumber) { slug.append(c) } else if !slug.hasSuffix("-") && !slug.isEmpty { slug.append("-") }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        return String(slug.prefix(60))
    }
}
