public import Datasets
import Domain
import Foundation
import Geo
import Marketplace
public import SearchReference
import TextSearch

/// The deterministic query mix, modelled on how explorers search: centres near real places
/// drawn by population, radii of 2, 5, 10 and 25 km, 60 % with words (10 % of those
/// misspelled, 20 % unfinished), a time window (tonight, tomorrow morning, this weekend, the
/// next 7 days) in the place's own time zone, half with a class type, bookable sessions only,
/// every sort. The same seed gives the same queries on every run and to every system.
public enum Workload {
    public static let radiiKm: [Double] = [2, 5, 10, 25]
    public static let limit = 20

    public static func queries(_ count: Int, dataset: Dataset, catalog: ReferenceCatalog, seed: UInt64 = 7) -> [BenchQuery] {
        var rng = SeededRandom(seed: seed)
        let places = dataset.places.filter { $0.population > 0 }
        let cumulative = places.reduce(into: [Int]()) { $0.append(($0.last ?? 0) + $1.population) }
        let gymsByPlace = Dictionary(grouping: dataset.tenants.filter(\.isActive), by: \.placeId)
        let classesByGym = Dictionary(grouping: dataset.classes, by: \.tenantId)
        let matcher = TermMatcher(vocabulary: catalog.vocabulary)
        var clocks: [String: Calendar] = [:]

        return (0..<count).map { number in
            let pick = rng.int(in: 0..<(cumulative.last ?? 1))
            let place = places[cumulative.firstIndex { $0 > pick } ?? 0]
            var search = SearchQuery(now: catalog.now)
            search.origin = GreatCircle.destination(from: place.coordinate, km: rng.double(in: 0..<2), bearingDegrees: rng.double(in: 0..<360))
            search.radiusKm = rng.element(of: radiiKm)
            search.marketplaceOnly = true
            search.minSpots = 1
            search.limit = limit
            search.sort = rng.element(of: SortOrder.allCases)
            if rng.chance(0.5) { search.types = [rng.element(of: ClassType.allCases)] }

            let window = rng.element(of: BenchQuery.TimeWindow.allCases)
            let calendar = clocks[place.timezone] ?? Self.calendar(place.timezone)
            clocks[place.timezone] = calendar
            (search.from, search.to) = Self.bounds(of: window, now: catalog.now, calendar: calendar)

            var kind = BenchQuery.TextKind.none
            if rng.chance(0.6) {
                let roll = rng.unit()
                kind = roll < 0.1 ? .misspelled : (roll < 0.3 ? .unfinished : .words)
                let nearby = gymsByPlace[place.id] ?? []
                let classes = nearby.isEmpty ? [] : classesByGym[rng.element(of: nearby).id] ?? []
                search.text = Self.text(kind, classes: classes, rng: &rng)
            }
            let words = TextFolding.words(in: search.text ?? "")
            let terms = words.enumerated().map { i, word in
                BenchQuery.WordTerms(
                    word: word, synonyms: Synonyms.standard.expansions(of: word).sorted(),
                    isPrefix: i == words.count - 1 && word.unicodeScalars.count >= MatchKind.minimumPrefixLength
                )
            }
            let typos = words.enumerated().contains { i, word in matcher.reachesTypo(word, isLastWord: i == words.count - 1) }
            return BenchQuery(number: number, search: search, text: kind, window: window, nativeTerms: terms, needsTypoTolerance: typos)
        }
    }

    /// One or two words of a class near the centre (its name or its type), some misspelled,
    /// some unfinished, as explorers type them.
    static func text(_ kind: BenchQuery.TextKind, classes: [FitnessClass], rng: inout SeededRandom) -> String {
        var pool = ClassType.allCases.map(\.displayName)
        if !classes.isEmpty {
            let fitnessClass = rng.element(of: classes)
            pool = fitnessClass.name.split(separator: " ").map(String.init) + [fitnessClass.classType.displayName]
        }
        var words = (0..<rng.int(in: 1...2)).map { _ in rng.element(of: pool) }
        var last = Array(words[words.count - 1])
        switch kind {
        case .misspelled:
            // A slip in the longest word, where typos are forgiven (5 letters or more).
            let longest = words.indices.max { words[$0].count < words[$1].count }!
            var letters = Array(words[longest])
            if letters.count >= 5 {
                let i = rng.int(in: 1..<(letters.count - 1))
                if rng.chance(0.5) { letters.swapAt(i, i - 1) } else { letters[i] = "x" }
            }
            words[longest] = String(letters)
        case .unfinished:
            if last.count > 3 { last = Array(last.prefix(rng.int(in: 3..<last.count))) }
            words[words.count - 1] = String(last)
        case .words, .none:
            break
        }
        return words.joined(separator: " ")
    }

    static func calendar(_ zone: String) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: zone) ?? .gmt
        return calendar
    }

    /// The window's [from, to) in UTC seconds, in the explorer's local time.
    static func bounds(of window: BenchQuery.TimeWindow, now: Int64, calendar: Calendar) -> (Int64, Int64) {
        let instant = Date(timeIntervalSince1970: TimeInterval(now))
        let midnight = calendar.startOfDay(for: instant)
        func at(days: Int, hour: Int) -> Int64 {
            let day = calendar.date(byAdding: .day, value: days, to: midnight)!
            return Int64(calendar.date(bySettingHour: hour, minute: 0, second: 0, of: day)!.timeIntervalSince1970)
        }
        switch window {
        case .tonight:
            let days = at(days: 0, hour: 22) <= now ? 1 : 0
            return (max(now, at(days: days, hour: 17)), at(days: days, hour: 22))
        case .tomorrowMorning:
            return (at(days: 1, hour: 5), at(days: 1, hour: 12))
        case .weekend:
            // From Saturday 00:00 (or now, on a weekend) to Monday 00:00.
            let weekday = calendar.component(.weekday, from: instant)  // 1 = Sunday
            let toSaturday = (7 - weekday) % 7
            let toMonday = weekday == 1 ? 1 : toSaturday + 2
            return (max(now, at(days: toSaturday, hour: 0)), at(days: toMonday, hour: 0))
        case .nextSevenDays:
            return (now, now + 7 * 86_400)
        }
    }
}

/// Which catalog words a query word reaches, by the project's own definition of matching.
struct TermMatcher {
    let vocabulary: [String]

    func reachesTypo(_ word: String, isLastWord: Bool) -> Bool {
        vocabulary.contains { term in
            guard let kind = WordMatcher.match(query: word, word: term, isLastWord: isLastWord) else { return false }
            return kind == .oneTypo || kind == .twoTypos
        }
    }
}
