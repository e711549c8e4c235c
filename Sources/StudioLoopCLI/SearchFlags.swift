public import ArgumentParser
import Domain
public import Marketplace

/// The search's errors in the command line's words: each names the flag to fix, where the
/// API names the parameter.
func flagged<T>(_ body: () throws(SearchError) -> T) throws -> T {
    do { return try body() } catch {
        let flag = SearchParameter(rawValue: error.parameter)?.flag ?? error.parameter
        throw ValidationError("\(flag): \(error.message)")
    }
}

extension SearchParameter {
    /// The flag (or argument) of `studioloop search` that sets this parameter.
    var flag: String {
        switch self {
        case .lat, .lng, .near, .location: "--near"
        case .radiusKm: "--radius"
        case .bbox: "--bbox"
        case .q: "<words>"
        case .from: "--from"
        case .to: "--to"
        case .type: "--type"
        case .difficulty: "--difficulty"
        case .maxCredits: "--max-credits"
        case .minSpots: "--min-spots"
        case .sort: "--sort"
        case .limit: "--limit"
        case .cursor: "--cursor"
        case .explain: "--explain"
        case .tenant: "--tenant"
        case .allGyms: "--all-gyms"
        case .area: "--area"
        case .along: "--along"
        case .corridorKm: "--corridor"
        case .when: "--when"
        }
    }
}

/// Values of an enum, comma-separated (`--type hiit,strength`), read as the API reads them;
/// `--help` lists the values.
struct CommaSeparated<Value: CaseIterable & RawRepresentable<String> & Hashable & Sendable>: ExpressibleByArgument, Sendable {
    var values: Set<Value>

    init?(argument: String) {
        // The parameter only names the error, which the parser replaces with its own.
        guard let values = try? SearchQuery.choices(argument, of: Value.self, for: .type) else { return nil }
        self.values = values
    }

    static var allValueStrings: [String] { Value.allCases.map(\.rawValue) }
}

extension Marketplace.SortOrder: ExpressibleByArgument {}
extension PlanChoice: ExpressibleByArgument {}

extension SearchTime: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
}
