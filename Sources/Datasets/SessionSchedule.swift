/// One scheduled session of a class (the seed's `class_schedules`), materialized from the
/// class's weekly timetable.
public struct SessionOccurrence: Hashable, Sendable {
    public var classIndex: Int
    /// UTC seconds since 1970.
    public var start: Int64
    public var end: Int64
    public var capacity: Int
    public var availableSpots: Int
    public var isCancelled: Bool

    public var status: String { isCancelled ? "cancelled" : "scheduled" }
}

/// Turns weekly timetables into sessions over a rolling horizon, in each gym's own time zone.
///
/// Everything here is a pure function of the dataset, "now" and the horizon: session ids and
/// the bookings a session starts with are hashed from the class, the start and the dataset's
/// seed, so any reader (the index, `data export`, a store import) derives the same sessions.
public enum SessionSchedule {
    public static let defaultHorizonDays = 14
    public static let bookingWindowHours = 168
    public static let cancellationWindowHours = 24

    /// Every session of every active class starting in [`from`, `to`), class by class in the
    /// dataset's order and by start time within a class.
    public static func sessions(of dataset: Dataset, from: Int64, to: Int64) -> [SessionOccurrence] {
        var clocks = ZoneClocks()
        var tenantZone: [String: String] = [:]
        for tenant in dataset.tenants { tenantZone[tenant.id] = tenant.timezone }
        var sessions: [SessionOccurrence] = []
        for (index, fitnessClass) in dataset.classes.enumerated() {
            guard let zone = tenantZone[fitnessClass.tenantId] else { continue }
            sessions += occurrences(
                of: fitnessClass, classIndex: index, zone: zone, clocks: &clocks,
                from: from, to: to, seed: dataset.manifest.seed
            )
        }
        return sessions
    }

    /// The sessions of one class starting in [`from`, `to`), by start time.
    public static func occurrences(
        of fitnessClass: FitnessClass, classIndex: Int, zone: String, clocks: inout ZoneClocks,
        from: Int64, to: Int64, seed: UInt64
    ) -> [SessionOccurrence] {
        guard fitnessClass.isActive, from < to else { return [] }
        let slots = fitnessClass.weeklySlots.compactMap { slot in slot.minuteOfDay.map { (slot.weekday, $0) } }
        guard !slots.isEmpty else { return [] }
        var starts: [Int64] = []
        clocks.withClock(zone) { clock in
            // A day either side: a local day's sessions may fall on the neighbouring UTC day.
            let first = clock.localDay(at: from) - 1, last = clock.localDay(at: to) + 1
            for day in first...last {
                let weekday = CivilTime.weekday(days: day)
                for (slotDay, minute) in slots where slotDay == weekday {
                    let start = clock.instant(day: day, minuteOfDay: minute)
                    if start >= from && start < to { starts.append(start) }
                }
            }
        }
        starts.sort()
        var sessions: [SessionOccurrence] = []
        sessions.reserveCapacity(starts.count)
        var previous: Int64?
        for start in starts where start != previous {
            previous = start
            let state = initialState(classId: fitnessClass.id, start: start, capacity: fitnessClass.maxCapacity, seed: seed)
            sessions.append(SessionOccurrence(
                classIndex: classIndex, start: start, end: start + Int64(fitnessClass.durationMinutes) * 60,
                capacity: fitnessClass.maxCapacity, availableSpots: state.availableSpots, isCancelled: state.isCancelled
            ))
        }
        return sessions
    }

    /// The session's identifier: a UUID hashed from its class and start, stable across runs.
    public static func sessionID(classId: String, start: Int64) -> String {
        var hash = FNV1a()
        hash.combine(classId)
        hash.combine(start)
        var rng = SeededRandom(seed: hash.value)
        return UUIDText.random(using: &rng)
    }

    /// How full a session starts: most are open, some partly booked, some full, a few cancelled.
    static func initialState(classId: String, start: Int64, capacity: Int, seed: UInt64) -> (availableSpots: Int, isCancelled: Bool) {
        var hash = FNV1a()
        hash.combine(Int64(bitPattern: seed))
        hash.combine(classId)
        hash.combine(start)
        var rng = SeededRandom(seed: hash.value)
        let cancelled = rng.chance(0.02)
        let fill = rng.unit()
        let booked =
            if fill < 0.15 { capacity }
            else if fill < 0.50, capacity > 1 { rng.int(in: 1..<capacity) }
            else { 0 }
        return (capacity - booked, cancelled)
    }
}

/// One `ZoneClock` per IANA zone, so each zone's conversions are cached once per run.
public struct ZoneClocks {
    private var clocks: [String: ZoneClock] = [:]

    public init() {}

    /// Runs `body` with the clock of `identifier`; an unknown zone falls back to UTC.
    public mutating func withClock<R>(_ identifier: String, _ body: (inout ZoneClock) -> R) -> R {
        var clock = clocks[identifier] ?? ZoneClock(identifier: identifier) ?? ZoneClock(identifier: "UTC")!
        defer { clocks[identifier] = clock }
        return body(&clock)
    }
}

/// Lowercase RFC 4122 UUID text.
public enum UUIDText {
    /// A version-4 UUID drawn from `rng`: deterministic for a seeded generator.
    public static func random(using rng: inout SeededRandom) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let a = rng.next(), b = rng.next()
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: a >> (8 * i))
            bytes[i + 8] = UInt8(truncatingIfNeeded: b >> (8 * i))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }
}
