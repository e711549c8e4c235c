public import Geo

/// The records of a dataset, one JSON object per line, with the field names of the seed's data
/// model (snake case on disk). Identifiers are lowercase UUID strings.

public struct Location: Codable, Hashable, Sendable {
    public var lat: Double
    public var lng: Double

    public init(lat: Double, lng: Double) {
        self.lat = lat
        self.lng = lng
    }
}

public struct Address: Codable, Hashable, Sendable {
    public var street: String
    public var suburb: String
    public var city: String
    public var province: String
    public var postalCode: String
    public var country: String

    public init(street: String, suburb: String, city: String, province: String, postalCode: String, country: String) {
        self.street = street
        self.suburb = suburb
        self.city = city
        self.province = province
        self.postalCode = postalCode
        self.country = country
    }
}

/// A gym or studio (the seed's `tenants`).
public struct Tenant: Codable, Hashable, Sendable {
    public var id: String
    public var name: String
    public var slug: String
    public var email: String
    public var phone: String
    public var address: Address
    public var location: Location
    public var timezone: String
    public var subscriptionTier: String
    public var marketplaceEnabled: Bool
    public var status: String
    /// The GeoNames place the gym belongs to; its alternate names are searchable.
    public var placeId: Int

    public init(
        id: String, name: String, slug: String, email: String, phone: String, address: Address, location: Location,
        timezone: String, subscriptionTier: String, marketplaceEnabled: Bool, status: String, placeId: Int
    ) {
        self.id = id
        self.name = name
        self.slug = slug
        self.email = email
        self.phone = phone
        self.address = address
        self.location = location
        self.timezone = timezone
        self.subscriptionTier = subscriptionTier
        self.marketplaceEnabled = marketplaceEnabled
        self.status = status
        self.placeId = placeId
    }

    public var isActive: Bool { status == "active" }
}

/// A recurring weekly slot, in the gym's local time.
public struct WeeklySlot: Codable, Hashable, Sendable, Comparable {
    /// ISO weekday: 1 is Monday, 7 is Sunday.
    public var weekday: Int
    /// Local start time, "HH:MM".
    public var start: String

    public init(weekday: Int, start: String) {
        self.weekday = weekday
        self.start = start
    }

    /// Minutes after local midnight, or nil if `start` is not a valid "HH:MM".
    public var minuteOfDay: Int? {
        let parts = start.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
            let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m)
        else { return nil }
        return h * 60 + m
    }

    public static func < (a: Self, b: Self) -> Bool { (a.weekday, a.start) < (b.weekday, b.start) }
}

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

/// A user of the platform; datasets carry the instructors.
public struct User: Codable, Hashable, Sendable {
    public var id: String
    public var tenantId: String
    public var email: String
    public var firstName: String
    public var lastName: String
    public var phone: String
    public var role: String

    public init(id: String, tenantId: String, email: String, firstName: String, lastName: String, phone: String, role: String) {
        self.id = id
        self.tenantId = tenantId
        self.email = email
        self.firstName = firstName
        self.lastName = lastName
        self.phone = phone
        self.role = role
    }

    public var fullName: String { "\(firstName) \(lastName)" }
}

/// A real place from GeoNames that gyms are scattered around.
public struct Place: Codable, Hashable, Sendable {
    public var id: Int
    public var name: String
    public var lat: Double
    public var lng: Double
    public var country: String
    public var population: Int
    public var timezone: String
    public var alternateNames: [String]

    public var coordinate: Coordinate { Coordinate(latitude: lat, longitude: lng) }
}

/// What a dataset was generated from, so materialization is reproducible from the files alone.
public struct DatasetManifest: Codable, Hashable, Sendable {
    public var format: Int
    public var cities: [String]
    public var gyms: Int
    public var seed: UInt64
    public var generator: String

    public init(format: Int, cities: [String], gyms: Int, seed: UInt64, generator: String) {
        self.format = format
        self.cities = cities
        self.gyms = gyms
        self.seed = seed
        self.generator = generator
    }
}
