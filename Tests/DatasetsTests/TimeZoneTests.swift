import Datasets
import Domain
import Foundation
import Testing

/// Weekly timetables across the offset changes of Cairo (summer time from the last Friday of
/// April to the last Thursday of October) and Casablanca (UTC+0 during Ramadan, UTC+1 otherwise),
/// as the tz database has them for 2026.
@Suite struct TimeZoneTests {
    func utc(_ text: String) -> Int64 { ISO8601.parse(text)! }

    func sessions(zone: String, slots: [WeeklySlot], from: String, to: String) -> [String] {
        let fitnessClass = FitnessClass(
            id: "c", tenantId: "t", name: "Sunrise Yoga", description: "", classType: .yoga, instructorId: "i",
            durationMinutes: 60, maxCapacity: 10, difficultyLevel: .allLevels, creditsRequired: 1, equipmentNeeded: [],
            isActive: true, weeklySlots: slots
        )
        var clocks = ZoneClocks()
        return SessionSchedule.occurrences(
            of: fitnessClass, classIndex: 0, zone: zone, clocks: &clocks, from: utc(from), to: utc(to), seed: 1
        ).map { session in
            let offset = clocks.withClock(zone) { $0.offset(at: session.start) }
            return ISO8601.format(session.start, offsetSeconds: offset, utcDesignator: false)
        }
    }

    @Test func cairoSpringForward() {
        // 09:00 every day keeps its wall-clock time as the offset moves from +02:00 to +03:00.
        let daily = (1...7).map { WeeklySlot(weekday: $0, start: "09:00") }
        #expect(sessions(zone: "Africa/Cairo", slots: daily, from: "2026-04-22T00:00:00Z", to: "2026-04-26T00:00:00Z") == [
            "2026-04-22T09:00:00+02:00", "2026-04-23T09:00:00+02:00",
            "2026-04-24T09:00:00+03:00", "2026-04-25T09:00:00+03:00",
        ])
        // Friday 00:30 does not exist that night (00:00 jumps to 01:00): it moves forward by the gap.
        let gap = [WeeklySlot(weekday: 5, start: "00:30")]
        #expect(sessions(zone: "Africa/Cairo", slots: gap, from: "2026-04-20T00:00:00Z", to: "2026-05-02T00:00:00Z") == [
            "2026-04-24T01:30:00+03:00", "2026-05-01T00:30:00+03:00",
        ])
    }

    @Test func cairoFallBack() {
        // Thursday 23:30 happens twice on 29 October (24:00 falls back to 23:00): the first counts.
        let overlap = [WeeklySlot(weekday: 4, start: "23:30")]
        let found = sessions(zone: "Africa/Cairo", slots: overlap, from: "2026-10-20T00:00:00Z", to: "2026-11-06T00:00:00Z")
        #expect(found == ["2026-10-22T23:30:00+03:00", "2026-10-29T23:30:00+03:00", "2026-11-05T23:30:00+02:00"])
        #expect(utc("2026-10-29T23:30:00+03:00") == utc("2026-10-29T20:30:00Z"))
    }

    @Test func casablancaRamadanOffsets() {
        let daily = (1...7).map { WeeklySlot(weekday: $0, start: "18:30") }
        // Into Ramadan time on 15 February: +01:00 to +00:00.
        #expect(sessions(zone: "Africa/Casablanca", slots: daily, from: "2026-02-14T00:00:00Z", to: "2026-02-17T00:00:00Z") == [
            "2026-02-14T18:30:00+01:00", "2026-02-15T18:30:00+00:00", "2026-02-16T18:30:00+00:00",
        ])
        // Back on 22 March: Sunday 02:30 falls in the gap (02:00 jumps to 03:00) and moves to 03:30.
        let gap = [WeeklySlot(weekday: 7, start: "02:30"), WeeklySlot(weekday: 7, start: "18:30")]
        #expect(sessions(zone: "Africa/Casablanca", slots: gap, from: "2026-03-21T00:00:00Z", to: "2026-03-23T00:00:00Z") == [
            "2026-03-22T03:30:00+01:00", "2026-03-22T18:30:00+01:00",
        ])
        // On 15 February 02:00-03:00 happens twice: 02:30 is the first, at +01:00.
        let overlap = [WeeklySlot(weekday: 7, start: "02:30")]
        #expect(sessions(zone: "Africa/Casablanca", slots: overlap, from: "2026-02-14T00:00:00Z", to: "2026-02-16T00:00:00Z") == [
            "2026-02-15T02:30:00+01:00",
        ])
    }

    @Test func johannesburgHasNoChanges() {
        let slots = [WeeklySlot(weekday: 3, start: "06:00")]
        #expect(sessions(zone: "Africa/Johannesburg", slots: slots, from: "2026-11-25T00:00:00Z", to: "2026-12-03T00:00:00Z") == [
            "2026-11-25T06:00:00+02:00", "2026-12-02T06:00:00+02:00",
        ])
    }

    @Test func windowBoundsAreHalfOpen() {
        let slots = [WeeklySlot(weekday: 3, start: "06:00")]
        // Starts exactly at `from` count; starts exactly at `to` do not.
        #expect(sessions(zone: "UTC", slots: slots, from: "2026-11-25T06:00:00Z", to: "2026-12-02T06:00:00Z") == ["2026-11-25T06:00:00Z"].map {
            $0.replacingOccurrences(of: "Z", with: "+00:00")
        })
    }

    @Test func iso8601() {
        #expect(ISO8601.parse("2026-11-25T18:30:00+02:00") == ISO8601.parse("2026-11-25T16:30:00Z"))
        #expect(ISO8601.parse("2026-11-25T16:30Z") == ISO8601.parse("2026-11-25T16:30:00.250Z"))
        #expect(ISO8601.parse("2026-11-25") == ISO8601.parse("2026-11-25T00:00:00Z"))
        #expect(ISO8601.parse("2024-02-29T00:00:00Z") != nil)
        for bad in ["2026-02-29T00:00:00Z", "2026-13-01", "2026-11-25T24:00:00Z", "2026-11-25T18:30:00", "tonight", "", "2026-11-25T18:30:00+2"] {
            #expect(ISO8601.parse(bad) == nil, "\(bad)")
        }
        #expect(ISO8601.format(0) == "1970-01-01T00:00:00Z")
        #expect(ISO8601.format(utc("2026-11-25T16:30:00Z"), offsetSeconds: 7200, utcDesignator: false) == "2026-11-25T18:30:00+02:00")
        #expect(ISO8601.format(utc("2026-01-01T00:30:00Z"), offsetSeconds: -3600, utcDesignator: false) == "2025-12-31T23:30:00-01:00")
    }

    /// The byte-level formatter against Foundation's, over four centuries and every offset a
    /// zone has used (whole, half and three-quarter hours).
    @Test func formattingAgreesWithFoundation() {
        let formatter = Foundation.ISO8601DateFormatter()
        var rng = SeededRandom(seed: 17)
        for _ in 0..<5_000 {
            let seconds = Int64(rng.int(in: -2_000_000_000...10_000_000_000))
            let offset = rng.int(in: -56...56) * 15 * 60
            formatter.timeZone = TimeZone(secondsFromGMT: offset)!
            let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(ISO8601.format(seconds, offsetSeconds: offset, utcDesignator: offset == 0) == expected, "\(seconds) \(offset)")
        }
    }

    @Test func civilCalendar() {
        for days in stride(from: Int64(-800_000), through: 800_000, by: 997) {
            let (y, m, d) = CivilTime.date(days: days)
            #expect(CivilTime.days(year: y, month: m, day: d) == days)
        }
        #expect(CivilTime.weekday(days: CivilTime.days(year: 2026, month: 11, day: 25)) == 3)  // a Wednesday
    }
}
