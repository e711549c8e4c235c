public import Datasets
public import Domain
import Geo

/// A gym as the index keeps it: what results show, what filters test, and where its classes are.
struct GymEntry: Sendable, Equatable {
    var id: String
    var name: String
    var slug: String
    var suburb: String
    var city: String
    var country: String
    var coordinate: Coordinate
    var timezone: String
    var marketplaceEnabled: Bool
    var isActive: Bool
    /// Index into the segment's places, or -1.
    var place: Int32
    var classes: Range<Int32>
}

/// A class as the index keeps it; its sessions are `sessions` in the segment's session arrays,
/// ordered by start.
struct ClassEntry: Sendable, Equatable {
    var id: String
    var name: String
    var type: ClassType
    var difficulty: Difficulty
    var credits: Int32
    var capacity: Int32
    var durationSeconds: Int32
    var instructor: String
    var gym: Int32
    var sessions: Range<Int32>
    /// The weekly timetable, empty for an inactive class: sessions are materialized from it
    /// again when a snapshot is loaded at a later time.
    var timetable: Timetable
    /// `SessionIdentity.classHash(id)`: its sessions' UUIDs follow from it and their starts.
    var idHash: UInt64
}

/// What the search loop reads of a gym, without a single reference-counted field: copying one
/// out of its array costs no retain or release, unlike `GymEntry` with its strings.
struct GymFacts: Sendable {
    var coordinate: Coordinate
    var searchable: Bool
    var marketplaceEnabled: Bool
    var place: Int32
    var classes: Range<Int32>

    init(_ gym: GymEntry) {
        coordinate = gym.coordinate
        searchable = gym.isActive
        marketplaceEnabled = gym.marketplaceEnabled
        place = gym.place
        classes = gym.classes
    }
}

/// What the search loop reads of a class, all plain values (see `GymFacts`).
struct ClassFacts: Sendable {
    var gym: Int32
    var type: ClassType
    var difficulty: Difficulty
    var credits: Int32
    var durationSeconds: Int32
    var sessions: Range<Int32>
    var idHash: UInt64

    init(_ entry: ClassEntry) {
        gym = entry.gym
        type = entry.type
        difficulty = entry.difficulty
        credits = entry.credits
        durationSeconds = entry.durationSeconds
        sessions = entry.sessions
        idHash = entry.idHash
    }
}

extension ClassType {
    /// One bit per type, for sets of types as masks.
    var bit: UInt16 {
        switch self {
        case .yoga: 1 << 0
        case .pilates: 1 << 1
        case .hiit: 1 << 2
        case .strength: 1 << 3
        case .cardio: 1 << 4
        case .dance: 1 << 5
        case .martialArts: 1 << 6
        case .swimming: 1 << 7
        case .cycling: 1 << 8
        }
    }
}

struct PlaceEntry: Sendable, Equatable {
    var id: Int
    var name: String
}

/// Everything the index needs about one gym, as the datasets (or later the store) describe it.
public struct GymRecords: Sendable {
    public var tenant: Tenant
    public var place: Place?
    public var classes: [FitnessClass]
    public var instructors: [User]
    /// The gym's sessions; `classIndex` counts within `classes`.
    public var sessions: [SessionOccurrence]

    public init(tenant: Tenant, place: Place?, classes: [FitnessClass], instructors: [User], sessions: [SessionOccurrence]) {
        self.tenant = tenant
        self.place = place
        self.classes = classes
        self.instructors = instructors
        self.sessions = sessions
    }
}

/// The text collections of a segment and the fields each indexes, with what a match in each
/// field is worth to ranking.
/// The three text collections a query's words are looked up in; public so that a reference
/// implementation (the benchmark's brute force) scores words with the same field weights.
public enum TextCollection: Int, CaseIterable, Sendable {
    case classes, gyms, places

    /// Field weights by bit: classes name, type, instructor, description; gyms name, suburb,
    /// city, country; places name, alternate names. None above 1: the relevance bound relies on it.
    public var fieldWeights: [Double] { Self.weights[rawValue] }

    private static let weights: [[Double]] = [[1.0, 1.0, 0.6, 0.4], [0.8, 0.7, 0.6, 0.5], [0.7, 0.6]]

    /// The best field's weight for every combination of field bits, worked out once: scoring
    /// asks this for every matched term of every document it reads.
    private static let bestWeight: [[Double]] = weights.map { fields in
        (0..<256).map { bits in
            fields.enumerated().filter { bits & (1 << $0.offset) != 0 }.map(\.element).max() ?? 0
        }
    }

    /// What each field bit holds, as an explanation names it.
    public var fieldNames: [String] { Self.names[rawValue] }

    private static let names = [
        ["class name", "class type", "instructor", "description"], ["gym name", "suburb", "city", "country"],
        ["place name", "place's other name"],
    ]

    /// The weight of the best field among `bits`.
    func weight(ofFields bits: UInt8) -> Double {
        Self.bestWeight[rawValue][Int(bits)]
    }
}
