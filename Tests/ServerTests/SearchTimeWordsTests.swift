import Datasets
import Foundation
import Marketplace
import Testing

/// "Tonight", "tomorrow morning", "the weekend", a weekday, a date, and a time without an
/// offset all mean the searched place's own clock, in the API and the command line alike.
@Suite("Search time words")
struct SearchTimeWordsTests {
    // Wednesday 2 December 2026, 12:00 in Cairo (UTC+2).
    static let now = ISO8601.parse("2026-12-02T10:00:00Z")!
    static let cairo = ZoneClock(identifier: "Africa/Cairo")!

    static func window(_ words: String) throws(SearchError) -> (String, String) {
        var clock = cairo
        let (from, to) = try SearchWhen.window(words, clock: &clock, now: now)
        return (ISO8601.format(from), ISO8601.format(to))
    }

    @Test("each word is a window on the place's clock, never before now")
    func words() throws {
        #expect(try Self.window("tonight") == ("2026-12-02T15:00:00Z", "2026-12-02T22:00:00Z"))
        #expect(try Self.window("today") == ("2026-12-02T10:00:00Z", "2026-12-02T22:00:00Z"), "from now, not from midnight")
        #expect(try Self.window("tomorrow") == ("2026-12-02T22:00:00Z", "2026-12-03T22:00:00Z"))
        #expect(try Self.window("tomorrow morning") == ("2026-12-03T03:00:00Z", "2026-12-03T10:00:00Z"), "as typed, with a space")
        #expect(try Self.window("Tomorrow-Morning") == ("2026-12-03T03:00:00Z", "2026-12-03T10:00:00Z"))
        #expect(try Self.window("weekend") == ("2026-12-04T22:00:00Z", "2026-12-06T22:00:00Z"), "Saturday and Sunday")
        #expect(try Self.window("this weekend") == ("2026-12-04T22:00:00Z", "2026-12-06T22:00:00Z"))
        #expect(try Self.window("friday") == ("2026-12-03T22:00:00Z", "2026-12-04T22:00:00Z"))
        #expect(try Self.window("wednesday") == ("2026-12-02T10:00:00Z", "2026-12-02T22:00:00Z"), "today's weekday is today")
        #expect(try Self.window("tuesday") == ("2026-12-07T22:00:00Z", "2026-12-08T22:00:00Z"), "a weekday gone by is next week's")
        #expect(try Self.window("2026-12-05") == ("2026-12-04T22:00:00Z", "2026-12-05T22:00:00Z"))
        #expect(throws: SearchError.self) { try Self.window("2026-12-01") }
        #expect(throws: SearchError.self) { try Self.window("someday") }
        // After 17:00 tonight starts now; after midnight it is tomorrow's.
        var clock = Self.cairo
        let late = try SearchWhen.window("tonight", clock: &clock, now: ISO8601.parse("2026-12-02T20:30:00Z")!)
        #expect(ISO8601.format(late.from) == "2026-12-02T20:30:00Z")
    }

    @Test("a date or a time without an offset is read on the place's clock; one with an offset as it says")
    func times() {
        #expect(SearchTime("2026-12-02") == .local(day: CivilTime.days(year: 2026, month: 12, day: 2), minuteOfDay: 0))
        #expect(SearchTime("2026-12-02T18:30") == .local(day: CivilTime.days(year: 2026, month: 12, day: 2), minuteOfDay: 18 * 60 + 30))
        #expect(SearchTime("2026-12-02T18:30:00") == SearchTime("2026-12-02T18:30"))
        #expect(SearchTime("2026-12-02T18:30:00+02:00") == .instant(ISO8601.parse("2026-12-02T16:30:00Z")!))
        #expect(SearchTime("2026-12-02T18:30Z") == .instant(ISO8601.parse("2026-12-02T18:30:00Z")!))
        #expect(SearchTime("2026-13-02") == nil && SearchTime("tonight") == nil && SearchTime("18:00") == nil)
        var clock = Self.cairo
        #expect(SearchTime("2026-12-02")!.instant(on: &clock) == ISO8601.parse("2026-12-01T22:00:00Z")!)
        #expect(SearchTime("2026-12-02T18:30")!.description == "2026-12-02T18:30" && SearchTime("2026-12-02")!.description == "2026-12-02")
    }

    @Test("the API reads when=, dates and local times on the clock of the place searched")
    func api() throws {
        let now = ServerFixture.start  // Wednesday 25 November 2026, 08:00 in Johannesburg
        func query(_ parameters: [String: String]) throws(SearchError) -> SearchQuery {
            try SearchQuery(parameters: parameters, areas: ServerFixture.areas, now: now)
        }
        let joburg = "-26.2041,28.0473"
        let tonight = try query(["near": joburg, "when": "tonight"])
        #expect(tonight.from == ISO8601.parse("2026-11-25T15:00:00Z") && tonight.to == ISO8601.parse("2026-11-25T22:00:00Z"))
        let soweto = try query(["area": "Soweto", "when": "tomorrow-morning"])
        #expect(soweto.from == ISO8601.parse("2026-11-26T03:00:00Z"), "a named area's own zone")
        let day = try query(["near": joburg, "from": "2026-11-27", "to": "2026-11-27T18:00"])
        #expect(day.from == ISO8601.parse("2026-11-26T22:00:00Z") && day.to == ISO8601.parse("2026-11-27T16:00:00Z"))
        let cairo = try query(["near": "30.0444,31.2357", "from": "2026-11-27"])
        #expect(cairo.from == ISO8601.parse("2026-11-26T22:00:00Z"))
        let lagos = try query(["near": "6.5244,3.3792", "from": "2026-11-27"])
        #expect(lagos.from == ISO8601.parse("2026-11-26T23:00:00Z"), "Lagos is an hour behind")
        let offset = try query(["near": joburg, "from": "2026-11-27T00:00:00Z"])
        #expect(offset.from == ISO8601.parse("2026-11-27T00:00:00Z"), "a time with its offset means that instant")

        #expect { try query(["when": "tonight"]) } throws: { ($0 as? SearchError)?.parameter == "when" }
        #expect { try query(["from": "2026-11-27"]) } throws: { ($0 as? SearchError)?.parameter == "from" }
        #expect { try query(["near": joburg, "when": "tonight", "from": "2026-11-27"]) } throws: { ($0 as? SearchError)?.parameter == "when" }
        #expect { try query(["near": joburg, "when": "someday"]) } throws: { ($0 as? SearchError)?.message.contains("tomorrow-morning") == true }
        #expect { try query(["near": joburg, "from": "27/11/2026"]) } throws: { ($0 as? SearchError)?.message.contains("on the searched place's clock") == true }
    }

    @Test("over HTTP, tonight's results all start tonight on the gym's clock")
    func overHTTP() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let page = try await client.json("/api/v1/marketplace/search?near=-26.2041,28.0473&radius_km=50&when=tonight&limit=100&sort=start_time&min_spots=0")
            #expect(page.status == .ok, "\(page.text)")
            let starts = (page.object["results"] as? [[String: Any]] ?? []).compactMap { $0["start_time"] as? String }
            #expect(!starts.isEmpty)
            #expect(starts.allSatisfy { $0.hasPrefix("2026-11-25T") && $0.dropFirst(11).prefix(5) >= "17:00" && $0.hasSuffix("+02:00") }, "\(starts)")
            let refused = try await client.json("/api/v1/marketplace/search?near=-26.2041,28.0473&when=yesterday")
            #expect(refused.status == .badRequest && refused.text.contains("when"), "\(refused.text)")
        }
    }
}
