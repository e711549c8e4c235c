/// A class a gym offers (the seed's `classes`), with its weekly timetable.
public struct FitnessClass: Codable, Hashable, Sendable {
    public var id: String
    public var tenantId: String
    public var name: String
    public var description: String
    public var classType: ClassType
    public var instructorId: String
    public var durationMinutes: Int
    public var maxCapacity: Int
    public var difficultyLevel: Difficulty
    public var creditsRequired: Int
    public var equipmentNeeded: [String]
    public var isActive: Bool
    public var weeklySlots: [WeeklySlot]

    public init(
        id: String, tenantId: String, name: String, description: String, classType: ClassType, instructorId: String,
        durationMinutes: Int, maxCapacity: Int, difficultyLevel: Difficulty, creditsRequired: Int,
        equipmentNeeded: [String], isActive: Bool, weeklySlots: [WeeklySlot]
    ) {
        self.id = id
        self.tenantId = tenantId
        self.name = name
        self.description = description
        self.classType = classType
        self.instructorId = instructorId
        self.durationMinutes = durationMinutes
        self.maxCapacity = maxCapacity
        self.difficultyLevel = difficultyLevel
        self.creditsRequired = creditsRequired
        self.equipmentNeeded = equipmentNeeded
        self.isActive = isActive
        self.weeklySlots = weeklySlots
    }
}

public enum ClassType: String, Codable, CaseIterable, Sendable, Comparable {
    case yoga, pilates, hiit, strength, cardio, dance
    case martialArts = "martial_arts"
    case swimming, cycling

    /// The words a search for this type should find, as a person writes them.
    public var displayName: String {
        switch self {
        case .hiit: "HIIT"
        case .martialArts: "martial arts"
        default: rawValue
        }
    }

    public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
}

public enum Difficulty: String, Codable, CaseIterable, Sendable {
    case beginner, intermediate, advanced
    case allLevels = "all_levels"
}

/// Whether a session of a class runs: a cancelled one is kept (its bookings refunded), out of
/// search and closed to booking.
public enum SessionStatus: String, Sendable, Codable, CaseIterable {
    case scheduled, cancelled
}
