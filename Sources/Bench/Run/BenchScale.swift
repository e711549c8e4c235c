/// The three dataset sizes, from the deterministic generator with the same seed every run.
public enum BenchScale: String, CaseIterable, Codable, Sendable {
    /// Johannesburg, 2,000 gyms.
    case city
    /// Gauteng (Johannesburg's 65 km radius reaches Pretoria), 10,000 gyms.
    case metro
    /// Every city in `Data/`, 100,000 gyms shared out by population.
    case continent

    public var cities: String { self == .continent ? "all" : "johannesburg" }

    public var gyms: Int {
        switch self {
        case .city: 2_000
        case .metro: 10_000
        case .continent: 100_000
        }
    }

    public var title: String {
        switch self {
        case .city: "city (Johannesburg, 2,000 gyms)"
        case .metro: "metro (Gauteng, 10,000 gyms)"
        case .continent: "continent (every city, 100,000 gyms)"
        }
    }

    public static let seed: UInt64 = 42
}

/// The systems a run can put beside the index.
public enum Peer: String, CaseIterable, Codable, Sendable {
    case postgis, sqlite, geos, redis, sphinx, xapian, brute
}
