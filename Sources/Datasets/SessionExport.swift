public import Domain
/// A materialized session with its gym and class, as `studioloop data export` writes it.
public struct ExportedSession: Codable, Sendable {
    public var id: String
    public var tenantId: String
    public var classId: String
    public var startTime: String
    public var endTime: String
    public var localStartTime: String
    public var timezone: String
    public var availableSpots: Int
    public var maxCapacity: Int
    public var bookingWindowHours: Int
    public var cancellationWindowHours: Int
    public var status: String
    public var gym: Gym
    public var `class`: Class

    public struct Gym: Codable, Sendable {
        public var name: String
        public var slug: String
        public var suburb: String
        public var city: String
        public var country: String
        public var location: Location
        public var marketplaceEnabled: Bool
        public var status: TenantStatus
    }

    public struct Class: Codable, Sendable {
        public var name: String
        public var classType: ClassType
        public var difficultyLevel: Difficulty
        public var creditsRequired: Int
        public var instructorId: String
    }
}

extension ExportedSession {
    /// Calls `body` with every session starting in [`from`, `to`), class by class.
    public static func forEach(
        in dataset: Dataset, from: Int64, to: Int64, _ body: (ExportedSession) throws -> Void
    ) rethrows {
        var tenants: [String: Tenant] = [:]
        for tenant in dataset.tenants { tenants[tenant.id] = tenant }
        var clocks = ZoneClocks()
        for (index, fitnessClass) in dataset.classes.enumerated() {
            guard let tenant = tenants[fitnessClass.tenantId] else { continue }
            let sessions = SessionSchedule.occurrences(
                of: fitnessClass, classIndex: index, zone: tenant.timezone, clocks: &clocks,
                from: from, to: to, seed: dataset.manifest.seed
            )
            for session in sessions {
                let offset = clocks.withClock(tenant.timezone) { $0.offset(at: session.start) }
                try body(ExportedSession(
                    id: SessionSchedule.sessionID(classId: fitnessClass.id, start: session.start),
                    tenantId: tenant.id, classId: fitnessClass.id,
                    startTime: ISO8601.format(session.start), endTime: ISO8601.format(session.end),
                    localStartTime: ISO8601.format(session.start, offsetSeconds: offset, utcDesignator: false),
                    timezone: tenant.timezone, availableSpots: session.availableSpots, maxCapacity: session.capacity,
                    bookingWindowHours: SessionSchedule.bookingWindowHours,
                    cancellationWindowHours: SessionSchedule.cancellationWindowHours, status: session.status,
                    gym: Gym(
                        name: tenant.name, slug: tenant.slug, suburb: tenant.address.suburb, city: tenant.address.city,
                        country: tenant.address.country, location: tenant.location,
                        marketplaceEnabled: tenant.marketplaceEnabled, status: tenant.status
                    ),
                    class: Class(
                        name: fitnessClass.name, classType: fitnessClass.classType,
                        difficultyLevel: fitnessClass.difficultyLevel, creditsRequired: fitnessClass.creditsRequired,
                        instructorId: fitnessClass.instructorId
                    )
                ))
            }
        }
    }
}
