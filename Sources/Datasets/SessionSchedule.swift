public import Domain
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

    public init(classIndex: Int, start: Int64, end: Int64, capacity: Int, availableSpots: Int, isCancelled: Bool) {
        self.classIndex = classIndex
        self.start = start
        self.end = end
        self.capacity = capacity
        self.availableSpots = availableSpots
        self.isCancelled = isCancelled
    }

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
        guard fitnessClass.isActive else { return [] }
        return occurrences(
            classId: fitnessClass.id, timetable: Timetable(fitnessClass.weeklySlots), classIndex: classIndex,
            durationMinutes: fitnessClass.durationMinutes, capacity: fitnessClass.maxCapacity, zone: zone,
            clocks: &clocks, from: from, to: to, seed: seed
        )
    }

    /// The sessions a weekly timetable gives in [`from`, `to`), by start time.
    public static func occurrences(
        classId: String, timetable: Timetable, classIndex: Int, durationMinutes: Int, capacity: Int,
        zone: String, clocks: inout ZoneClocks, from: Int64, to: Int64, seed: UInt64
    ) -> [SessionOccurrence] {
        guard !timetable.slots.isEmpty, from < to else { return [] }
        var starts: [Int64] = []
        clocks.withClock(zone) { clock in
            // A day either side: a local day's sessions may fall on the neighbouring UTC day.
            let first = clock.localDay(at: from) - 1, last = clock.localDay(at: to) + 1
            for day in first...last {
                let weekday = CivilTime.weekday(days: day)
                for slot in timetable.slots where slot.weekday == weekday {
                    let start = clock.instant(day: day, minuteOfDay: slot.minuteOfDay)
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
            let state = initialState(classId: classId, start: start, capacity: capacity, seed: seed)
            sessions.append(SessionOccurrence(
                classIndex: classIndex, start: start, end: start + Int64(durationMinutes) * 60,
                capacity: capacity, availableSpots: state.availableSpots, isCancelled: state.isCancelled
            ))
        }
        return sessions
    }

    /// The session's identifier: a UUID hashed from its class and start, stable across runs.
    public static func sessionID(classId: String, start: Int64) -> String {
        SessionIdentity(classId: classId, start: start).uuidString
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

/// A class's weekly timetable in a compact form: (ISO weekday, minute of the local day) pairs.
public struct Timetable: Hashable, Sendable {
    /// Four bytes, not sixteen: an index holds one per weekly slot of every class.
    public struct Slot: Hashable, Sendable {
        private var day: UInt8
        private var minute: UInt16

        /// Values past 255 and 65,535 are clamped; a timetable's own checks keep them valid.
        public init(weekday: Int, minuteOfDay: Int) {
            day = UInt8(clamping: weekday)
            minute = UInt16(clamping: minuteOfDay)
        }

        public var weekday: Int {
            get { Int(day) }
            set { day = UInt8(clamping: newValue) }
        }

        public var minuteOfDay: Int {
            get { Int(minute) }
            set { minute = UInt16(clamping: newValue) }
        }
    }

    public var slots: [Slot]

    public init(slots: [Slot]) {
        self.slots = slots
    }

    /// The valid slots of a class (a malformed "HH:MM" or weekday is skipped, not guessed).
    public init(_ weeklySlots: [WeeklySlot]) {
        slots = weeklySlots.compactMap { slot in
            guard (1...7).contains(slot.weekday), let minute = slot.minuteOfDay else { return nil }
            return Slot(weekday: slot.weekday, minuteOfDay: minute)
        }
    }
}

/// One `ZoneClock` per IANA zone, so each zone's conversions are cached once per run.
public struct ZoneClocks {
    private var clocks: [String: ZoneClock] = [:]

    public init() {}

    /// Runs `body` with the clock of `identifier`; an unknown zone falls back to UTC.
    public mutating func withClock<R>(_ identifier: String, _ body: (inout ZoneClock) -> R) -> R {
        var clock = clocks[identifier] ?? ZoneClock(zoneOrUTC: identifier)
        defer { clocks[identifier] = clock }
        return body(&clock)
    }
}

/// A session's UUID as two integers, hashed from its class and start. Comparing `(high, low)`
/// orders sessions exactly as their UUID strings order, without making the strings, which is
/// what ranking tie-breaks need.
public struct SessionIdentity: Hashable, Sendable, Comparable {
    public var high: UInt64
    public var low: UInt64

    public init(classId: String, start: Int64) {
        self.init(classHash: Self.classHash(classId), start: start)
    }

    /// - Parameter classHash: `classHash(classId)`, computed once per class.
    public init(classHash: UInt64, start: Int64) {
        var hash = FNV1a(state: classHash)
        hash.combine(start)
        var rng = SeededRandom(seed: hash.value)
        (high, low) = UUIDText.bits(using: &rng)
    }

    public init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    public static func classHash(_ classId: String) -> UInt64 {
        FNV1a.hash(classId)
    }

    public var uuidString: String { UUIDText.format(high: high, low: low) }

    public static func < (a: Self, b: Self) -> Bool { (a.high, a.low) < (b.high, b.low) }
}

/// Lowercase RFC 4122 UUID text.
public enum UUIDText {
    /// A version-4 UUID drawn from `rng`: deterministic for a seeded generator.
    public static func random(using rng: inout SeededRandom) -> String {
        let (high, low) = bits(using: &rng)
        return format(high: high, low: low)
    }

    /// The 128 bits of a version-4 UUID drawn from `rng`, most significant first.
    static func bits(using rng: inout SeededRandom) -> (UInt64, UInt64) {
        let a = rng.next(), b = rng.next()
        // Bytes 0-7 are a's little-endian bytes and 8-15 b's; as big-endian integers:
        var high = a.byteSwapped, low = b.byteSwapped
        high = (high & ~0x0000_0000_0000_F000) | 0x0000_0000_0000_4000  // version 4 (byte 6)
        low = (low & ~0xC000_0000_0000_0000) | 0x8000_0000_0000_0000  // RFC 4122 variant (byte 8)
        return (high, low)
    }

    public static func format(high: UInt64, low: UInt64) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(36)
        for nibble in 0..<32 {
            if nibble == 8 || nibble == 12 || nibble == 16 || nibble == 20 { text.append(UInt8(ascii: "-")) }
            let word = nibble < 16 ? high : low
            let shift = UInt64(60 - 4 * (nibble % 16))
            text.append(digits[Int((word >> shift) & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Parses a UUID string (any case) into its 128 bits.
    public static func parse(_ text: String) -> (high: UInt64, low: UInt64)? {
        let hex = text.utf8.filter { $0 != UInt8(ascii: "-") }
        guard hex.count == 32, text.utf8.count == 36 else { return nil }
        var high: UInt64 = 0, low: UInt64 = 0
        for (i, c) in hex.enumerated() {
            let v: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): v = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): v = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            if i < 16 { high = high << 4 | UInt64(v) } else { low = low << 4 | UInt64(v) }
        }
        return (high, low)
    }
}
