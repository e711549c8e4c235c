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
