public import Datasets

/// A time as people give it: an instant (`2026-12-02T18:00:00+02:00`, `…Z`), or a wall-clock
/// time with no offset (`2026-12-02`, `2026-12-02T18:00`) that means the searched place's own
/// clock, so "the 2nd" in Cairo starts at Cairo's midnight, not UTC's.
public enum SearchTime: Equatable, Sendable, CustomStringConvertible {
    case instant(Int64)
    case local(day: Int64, minuteOfDay: Int)

    /// Nil for anything that is neither.
    public init?(_ text: String) {
        let text = text.trimmingCharacters(in: .whitespaces)
        if let day = CivilTime.days(iso: text) {
            self = .local(day: day, minuteOfDay: 0)
        } else if text.count == 16 || text.count == 19, let seconds = ISO8601.parse(text + "Z") {
            // A date and a time without an offset: read as UTC only to take it apart.
            let day = CivilTime.floorDiv(seconds, 86_400)
            self = .local(day: day, minuteOfDay: Int((seconds - day * 86_400) / 60))
        } else if let seconds = ISO8601.parse(text) {
            self = .instant(seconds)
        } else {
            return nil
        }
    }

    public var needsClock: Bool { if case .local = self { true } else { false } }

    /// The instant on `clock` (an instant is already one).
    public func instant(on clock: inout ZoneClock) -> Int64 {
        switch self {
        case .instant(let seconds): seconds
        case .local(let day, let minute): clock.instant(day: day, minuteOfDay: minute)
        }
    }

    /// As it would be typed: the instant in UTC, a wall-clock time without an offset.
    public var description: String {
        switch self {
        case .instant(let seconds): return ISO8601.format(seconds)
        case .local(let day, let minute):
            let iso = ISO8601.format(day * 86_400 + Int64(minute) * 60)
            return minute == 0 ? String(iso.prefix(10)) : String(iso.prefix(16))
        }
    }

    static let hint = "an ISO 8601 time: 2026-11-25T18:00:00+02:00, or 2026-11-25T18:00 or 2026-11-25 on the searched place's clock"
}

/// "When" as people say it, on the searched place's clock: `today` (now to midnight),
/// `tonight` (17:00 to midnight), `tomorrow`, `tomorrow-morning` (05:00 to noon), `weekend`
/// (Saturday and Sunday; `this-weekend` too), a weekday (`friday`: the next one, today
/// included), or a date (`2026-12-02`). A window never starts before now.
public enum SearchWhen {
    public static let words = [
        "today", "tonight", "tomorrow", "tomorrow-morning", "weekend", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    ]

    /// The window `text` names; a `SearchError` on `parameter` when it names nothing, or only the past.
    public static func window(
        _ text: String, clock: inout ZoneClock, now: Int64, parameter: SearchParameter = .when
    ) throws(SearchError) -> (from: Int64, to: Int64) {
        let word = text.trimmingCharacters(in: .whitespaces).lowercased().replacingOccurrences(of: " ", with: "-").replacingOccurrences(of: "_", with: "-")
        let today = clock.localDay(at: now)
        let days: (first: Int64, minute: Int, last: Int64, lastMinute: Int)
        switch word {
        case "today": days = (today, 0, today + 1, 0)
        case "tonight": days = (today, 17 * 60, today + 1, 0)
        case "tomorrow": days = (today + 1, 0, today + 2, 0)
        case "tomorrow-morning": days = (today + 1, 5 * 60, today + 1, 12 * 60)
        case "weekend", "this-weekend":
            let weekday = CivilTime.weekday(days: today)  // 6 is Saturday, 7 Sunday
            let saturday = weekday >= 6 ? today - Int64(weekday - 6) : today + Int64(6 - weekday)
            days = (saturday, 0, saturday + 2, 0)
        default:
            if let index = words.firstIndex(of: word), index >= 5 {
                let ahead = (Int64(index - 4) - Int64(CivilTime.weekday(days: today)) + 7) % 7
                days = (today + ahead, 0, today + ahead + 1, 0)
            } else if let day = CivilTime.days(iso: word) {
                days = (day, 0, day + 1, 0)
            } else {
                throw SearchError(parameter, "must be \(words.joined(separator: ", ")) or a date such as 2026-12-02 (got '\(text)')")
            }
        }
        let from = max(clock.instant(day: days.first, minuteOfDay: days.minute), now)
        let to = clock.instant(day: days.last, minuteOfDay: days.lastMinute)
        guard from < to else { throw SearchError(parameter, "'\(text)' is already over on the place's clock") }
        return (from, to)
    }
}
