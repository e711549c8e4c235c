import Datasets
public import Domain
public import Geo
public import GeoAreas

/// What an explorer asks: where, what, when, and how to order the answer.
public struct SearchQuery: Sendable, Hashable {
    /// The explorer's position: the centre of a radius search and where distances are measured from.
    public var origin: Coordinate?
    /// Kilometres around `origin`; defaults to 10 when there is no box.
    public var radiusKm: Double?
    /// A box to search instead of (or as well as) a radius.
    public var box: GeoBox?
    /// A drawn or named area (a GeoJSON polygon) to search within; with no radius given, it
    /// replaces the default radius. Distances are still measured from `origin` when given.
    public var area: Area?
    /// A route to search along: gyms within its width, ranked by the detour they cost (twice
    /// the distance off the route), which `distance_km` then reports. It replaces a position,
    /// radius, box and area.
    public var corridor: Corridor?
    /// Words to match, as typed; the last may be unfinished.
    public var text: String?
    /// The window sessions must start in, UTC seconds; defaults to [now, now + 7 days).
    public var from: Int64?
    public var to: Int64?
    public var types: Set<ClassType> = []
    public var difficulties: Set<Difficulty> = []
    public var maxCredits: Int?
    /// Sessions with fewer spots left are left out; 0 includes full ones (waitlist only).
    public var minSpots: Int = 1
    /// Only this gym (its id or slug).
    public var tenant: String?
    /// Only gyms that sell through the marketplace.
    public var marketplaceOnly: Bool = true
    public var sort: SortOrder = .relevance
    public var limit: Int = 20
    public var cursor: String?
    public var explain: Bool = false
    /// The instant "now" means, UTC seconds.
    public var now: Int64
    /// Which side drives the search; `.automatic` lets the planner choose. Both give the same
    /// answer: tests force each.
    public var plan: PlanChoice = .automatic
    /// A rule that lets a search skip work, deliberately made wrong: only the tests set it, to
    /// prove the oracle catches a wrong rule.
    var loosened: LoosenedRule?

    public init(now: Int64) {
        self.now = now
    }

    public static let defaultRadiusKm = 10.0
    public static let maxRadiusKm = 100.0
    public static let defaultWindowSeconds: Int64 = 7 * 86_400
    public static let maxLimit = 100
    public static let maxTextLength = 200
    public static let maxWords = 12

    /// The rules a test may loosen (see `loosened`).
    enum LoosenedRule: CaseIterable, Sendable, Hashable {
        /// Contradictions ignore words met in gym and place names.
        case contradictionsIgnoreGymsAndPlaces
        /// The nearest-first walk's bound takes each gym as twice as far as it is.
        case distanceBoundDoubled
        /// The walks' bounds take one more word than the postings show to be matched only
        /// around the class (in its gym's or place's names).
        case wordsOnlyAroundOverstated
    }
}

public enum SortOrder: String, Sendable, Hashable, CaseIterable, Codable {
    /// One score of text match, distance decay and how soon the session starts.
    case relevance
    case distance
    case startTime = "start_time"
    case credits
}

public enum PlanChoice: String, Sendable, Hashable, CaseIterable {
    case automatic, geographic, text
    /// Sessions walked in the order's own key (start time, or credits then start time) from
    /// the window's beginning, wherever their gyms are: by start time or credits a page is
    /// full after the first matches. Any order gives the right answer; the others walk the
    /// whole window.
    case sessions
}

/// A query the index cannot answer, said so the asker can fix it. Every case is the client's
/// doing (an HTTP 400).
public struct SearchError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The parameter at fault, as the API names it ("radius_km", "cursor").
    public var parameter: String
    public var message: String

    public init(_ parameter: String, _ message: String) {
        self.parameter = parameter
        self.message = message
    }

    public var description: String { "\(parameter): \(message)" }
}
