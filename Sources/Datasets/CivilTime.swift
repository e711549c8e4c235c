public import Foundation
import Domain

/// Calendar arithmetic on the proleptic Gregorian calendar, in whole days since 1970-01-01
/// (Howard Hinnant's algorithms): exact, allocation-free, and independent of any time zone.
public enum CivilTime {
    public static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let m = Int64(month)
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public static func date(days: Int64) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (Int(yoe + era * 400 + (m <= 2 ? 1 : 0)), Int(m), Int(d))
    }

    /// The day a calendar date names, `YYYY-MM-DD` (as a date input sends it); nil for anything else.
    public static func days(iso text: String) -> Int64? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard text.count == 10, parts.count == 3, (1...12).contains(parts[1]), (1...31).contains(parts[2]) else { return nil }
        return days(year: parts[0], month: parts[1], day: parts[2])
    }

    /// ISO weekday of a day: 1 is Monday, 7 is Sunday (1970-01-01 was a Thursday).
    public static func weekday(days: Int64) -> Int {
        Int(((days % 7) + 7 + 3) % 7) + 1
    }

    public static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        a >= 0 ? a / b : -((-a + b - 1) / b)
    }
}

/// Local wall-clock time in one IANA zone, turned into UTC instants the way calendars do it:
/// a time that falls in a spring-forward gap moves forward by the gap; a time that occurs twice
/// when clocks fall back takes the first occurrence (as java.time does).
public struct ZoneClock: Sendable {
    public let zone: TimeZone
    private var cache: [Int64: Int64] = [:]

    public init?(identifier: String) {
        guard let zone = TimeZone(identifier: identifier) else { return nil }
        self.zone = zone
    }

    /// The clock of a stored zone name, or UTC's when the name is not one this system knows (a
    /// page or a report still shows times, if not local ones).
    public init(zoneOrUTC identifier: String) {
        zone = TimeZone(identifier: identifier) ?? .gmt
    }

    /// The zone's offset from UTC at `utcSeconds`, in seconds.
    public func offset(at utcSeconds: Int64) -> Int {
        zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(utcSeconds)))
    }

    /// The local day (days since 1970-01-01 on the wall calendar) at `utcSeconds`.
    public func localDay(at utcSeconds: Int64) -> Int64 {
        CivilTime.floorDiv(utcSeconds + Int64(offset(at: utcSeconds)), 86_400)
    }

    /// The UTC instant of `minuteOfDay` on local day `day`.
    public mutating func instant(day: Int64, minuteOfDay: Int) -> Int64 {
        let wall = day * 86_400 + Int64(minuteOfDay) * 60
        if let known = cache[wall] { return known }
        // The offsets in force a day either side bracket any transition near this wall time.
        let before = Int64(offset(at: wall - 86_400)), after = Int64(offset(at: wall + 86_400))
        let valid = [before, after].filter { Int64(offset(at: wall - $0)) == $0 }.map { wall - $0 }
        // No valid offset: the wall time is in a gap, and `wall - before` lands as far past the
        // transition as the wall time is past the gap's start.
        let instant = valid.min() ?? (wall - before)
        cache[wall] = instant
        return instant
    }
}

/// ISO 8601 timestamps as the API and the CLI print and read them.
public enum ISO8601 {
    /// "2026-11-25T18:30:00+02:00" (or "Z" when the offset is zero and `utcDesignator` is set).
    /// Written byte by byte into the string's own storage: every search result has two, and
    /// building them from interpolated pieces cost more than ranking the result.
    public static func format(_ utcSeconds: Int64, offsetSeconds: Int = 0, utcDesignator: Bool = true) -> String {
        let local = utcSeconds + Int64(offsetSeconds)
        let day = CivilTime.floorDiv(local, 86_400)
        let second = Int(local - day * 86_400)
        let (y, m, d) = CivilTime.date(days: day)
        let zulu = offsetSeconds == 0 && utcDesignator
        // A year past 9999 (or before 0) takes the slow way: never in practice, but exact.
        guard (0...9999).contains(y) else { return slowFormat(y, m, d, second, offsetSeconds: offsetSeconds, zulu: zulu) }
        return String(unsafeUninitializedCapacity: zulu ? 20 : 25) { out in
            var at = 0
            func put(_ value: Int, _ width: Int) {
                var v = value, i = at + width - 1
                while i >= at {
                    out[i] = UInt8(ascii: "0") + UInt8(v % 10)
                    v /= 10
                    i -= 1
                }
                at += width
            }
            func put(_ character: Unicode.Scalar) {
                out[at] = UInt8(ascii: character)
                at += 1
            }
            put(y, 4); put("-"); put(m, 2); put("-"); put(d, 2); put("T")
            put(second / 3600, 2); put(":"); put(second / 60 % 60, 2); put(":"); put(second % 60, 2)
            if zulu {
                put("Z")
            } else {
                let minutes = abs(offsetSeconds) / 60
                put(offsetSeconds < 0 ? "-" : "+"); put(minutes / 60 % 100, 2); put(":"); put(minutes % 60, 2)
            }
            return at
        }
    }

    private static func slowFormat(_ y: Int, _ m: Int, _ d: Int, _ second: Int, offsetSeconds: Int, zulu: Bool) -> String {
        var text = "\(pad(y, 4))-\(pad(m, 2))-\(pad(d, 2))T\(pad(second / 3600, 2)):\(pad(second / 60 % 60, 2)):\(pad(second % 60, 2))"
        if zulu {
            text += "Z"
        } else {
            let sign = offsetSeconds < 0 ? "-" : "+"
            let minutes = abs(offsetSeconds) / 60
            text += "\(sign)\(pad(minutes / 60, 2)):\(pad(minutes % 60, 2))"
        }
        return text
    }

    /// Parses "YYYY-MM-DDTHH:MM[:SS[.fff]](Z|±HH:MM)" or a date alone ("YYYY-MM-DD", midnight
    /// UTC) into seconds since 1970. Returns nil for anything else, including impossible dates.
    public static func parse(_ text: String) -> Int64? {
        let s = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= s.count else { return nil }
            var value = 0
            for i in range {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(s[i]) else { return nil }
                value = value * 10 + Int(s[i] - UInt8(ascii: "0"))
            }
            return value
        }
        guard s.count >= 10, let y = number(0..<4), s[4] == UInt8(ascii: "-"), let mo = number(5..<7),
            s[7] == UInt8(ascii: "-"), let d = number(8..<10), (1...12).contains(mo), d >= 1,
            d <= daysInMonth(year: y, month: mo)
        else { return nil }
        let day = CivilTime.days(year: y, month: mo, day: d)
        if s.count == 10 { return day * 86_400 }
        guard s.count >= 16, s[10] == UInt8(ascii: "T") || s[10] == UInt8(ascii: " "), let h = number(11..<13),
            s[13] == UInt8(ascii: ":"), let mi = number(14..<16), h < 24, mi < 60
        else { return nil }
        var i = 16, sec = 0
        if i < s.count, s[i] == UInt8(ascii: ":") {
            guard let value = number(17..<19), value < 60 else { return nil }
            sec = value
            i = 19
            if i < s.count, s[i] == UInt8(ascii: ".") {
                i += 1
                let start = i
                while i < s.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(s[i]) { i += 1 }
                guard i > start else { return nil }
            }
        }
        guard i < s.count else { return nil }  // an instant needs its zone: Z or an offset
        var offset = 0
        if s[i] == UInt8(ascii: "Z") || s[i] == UInt8(ascii: "z") {
            i += 1
        } else if s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") {
            let sign = s[i] == UInt8(ascii: "-") ? -1 : 1
            guard let oh = number(i + 1..<i + 3), oh <= 14 else { return nil }
            i += 3
            var om = 0
            if i < s.count, s[i] == UInt8(ascii: ":") { i += 1 }
            if i < s.count {
                guard let value = number(i..<i + 2), value < 60 else { return nil }
                om = value
                i += 2
            }
            offset = sign * (oh * 3600 + om * 60)
        } else {
            return nil
        }
        guard i == s.count else { return nil }
        return day * 86_400 + Int64(h * 3600 + mi * 60 + sec) - Int64(offset)
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}

/// Local times as people read them in messages and pages, in English: "Fri 4 Dec", "06:30".
extension ZoneClock {
    public static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    public static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "Fri 4 Dec": the local day at `utcSeconds`.
    public func dayLabel(at utcSeconds: Int64) -> String {
        let day = localDay(at: utcSeconds)
        let date = CivilTime.date(days: day)
        return "\(Self.weekdays[CivilTime.weekday(days: day) - 1]) \(date.day) \(Self.months[date.month - 1])"
    }

    /// "06:30": the local wall-clock time at `utcSeconds`.
    public func timeLabel(at utcSeconds: Int64) -> String {
        let minutes = Int(CivilTime.floorDiv(utcSeconds + Int64(offset(at: utcSeconds)), 60) % 1_440)
        let hh = minutes / 60, mm = minutes % 60
        return (hh < 10 ? "0" : "") + "\(hh):" + (mm < 10 ? "0" : "") + "\(mm)"
    }
}
