import ArgumentParser
import Datasets
import Foundation
import Marketplace
import Geo
@testable import StudioLoopCLI
import Testing

/// How `studioloop search` reads what explorers type, and how it refuses what it cannot use.
@Suite struct SearchArgumentsTests {
    @Test(arguments: [
        ["--near", "-26.2041,28.0473"],
        ["--near=-26.2041,28.0473"],
        ["yoga", "--near", "-26.2041,28.0473", "--radius", "5km"],
        ["--near", "-26.2041, 28.0473"],
    ])
    func southernLatitudesParseAsTyped(_ arguments: [String]) throws {
        let search = try Search.parse(arguments)
        #expect(search.near?.coordinate.latitude == -26.2041)
        #expect(search.near?.coordinate.longitude == 28.0473)
    }

    @Test func wordsAndOptions() throws {
        let search = try Search.parse([
            "spin", "class", "--near", "-33.92,18.42", "--radius", "800m", "--type", "cycling,hiit", "--difficulty", "beginner",
            "--sort", "start_time", "--limit", "5", "--min-spots", "0", "--json", "--from", "2026-11-26T17:00:00+02:00",
        ])
        #expect(search.words == ["spin", "class"])
        #expect(search.radius?.kilometres == 0.8)
        #expect(search.classTypes() == [.cycling, .hiit])
        #expect(search.from == .instant(1_795_705_200))
    }

    /// Each mistake is refused with a message naming its flag.
    @Test(arguments: [
        (["--near", "91,28"], "--near"),
        (["--near", "-26.2,181"], "--near"),
        (["--near", "somewhere"], "--near"),
        (["--near", "-26.2,28", "--radius", "-3km"], "--radius"),
        (["--near", "-26.2,28", "--radius", "500km"], "--radius"),
        (["--near", "-26.2,28", "--radius", "far"], "--radius"),
        (["--near", "-26.2,28", "--type", "yogga"], "--type"),
        (["--near", "-26.2,28", "--difficulty", "expert"], "--difficulty"),
        (["--near", "-26.2,28", "--limit", "0"], "--limit"),
        (["--near", "-26.2,28", "--limit", "101"], "--limit"),
        (["--near", "-26.2,28", "--from", "tonight"], "--from"),
        (["--near", "-26.2,28", "--from", "2026-11-26T17:00:00+02:00", "--to", "2026-11-26T16:00:00+02:00"], "--to"),
        (["--near", "-26.2,28", "--sort", "price"], "--sort"),
        (["--near", "-26.2,28", "--min-spots", "-1"], "--min-spots"),
        (["yoga"], "--near"),
        (["--bbox", "-26.3,27.9,-26.1"], "--bbox"),
        (["--bbox", "-26.1,27.9,-26.3,28.1"], "--bbox"),
        (["--near", "-26.2,28", "--city", "lagos"], "--city"),
        (["--area", "soweto", "--within", "area.geojson"], "--area"),
        (["--along", "_p~iF~ps|U_ulLnnqC", "--near", "-26.2,28"], "--along"),
        (["--near", "-26.2,28", "--corridor", "2km"], "--corridor"),
        (["--near", "-26.2,28", "--max-credits", "-1"], "--max-credits"),
        (["--near", "-26.2,28", "--min-spots", "-2"], "--min-spots"),
        (["--near", "-26.2,28", "--limit", "-5"], "--limit"),
        (["yoga", "--near", "-26.2", "28.0"], "--near -26.2041,28.0473"),
        (["--along", "_p~iF~ps|U_ulLnnqC", "--corridor", "20km"], "--corridor"),
    ])
    func badInputNamesItsFlag(_ arguments: [String], _ flag: String) {
        do {
            _ = try Search.parse(arguments)
            Issue.record("\(arguments) was accepted")
        } catch {
            let message = StudioLoop.oneLine(error)
            #expect(message.contains(flag), "\(arguments): \(message)")
            #expect(!message.contains("\n"), "one line: \(message)")
        }
    }

    @Test func namedAreas() throws {
        let search = try Search.parse(["yoga", "--area", "Soweto"])
        #expect(search.area == "Soweto")
        #expect(try Search.namedArea("soweto", near: nil).area.contains(Coordinate(latitude: -26.2678, longitude: 27.8585)))
        do {
            _ = try Search.namedArea("atlantis-of-the-sands", near: nil)
            Issue.record("an unknown area was accepted")
        } catch {
            #expect(StudioLoop.oneLine(error).hasPrefix("--area: no area called"))
        }
    }

    @Test func routes() throws {
        let search = try Search.parse(["yoga", "--along", "_p~iF~ps|U_ulLnnqC", "--corridor", "500m"])
        #expect(search.corridor?.kilometres == 0.5)
        #expect(try Search.corridor(from: search.along!, widthKm: 0.5).path.count == 2)
        #expect(throws: ValidationError.self) { try Search.corridor(from: "~~~~", widthKm: 1) }
    }

    @Test func boundingBoxes() throws {
        let search = try Search.parse(["--bbox", "-26.3,27.9,-26.1,28.1", "yoga"])
        #expect(search.bbox?.box == GeoBox(south: -26.3, west: 27.9, north: -26.1, east: 28.1))
        // West above east: the box crosses the antimeridian.
        #expect(try Search.parse(["--bbox=-20,179,-10,-179"]).bbox?.box.crossesAntimeridian == true)
    }

    @Test func distances() {
        #expect(Distance(argument: "5km")?.kilometres == 5)
        #expect(Distance(argument: "5")?.kilometres == 5)
        #expect(Distance(argument: "250m")?.kilometres == 0.25)
        #expect(Distance(argument: "2.5 KM")?.kilometres == 2.5)
        #expect(Distance(argument: "km") == nil)
    }
}

/// `--when` and times without an offset, read on the searched place's clock.
@Suite struct SearchTimeArgumentsTests {
    @Test func localTimesStayLocalUntilThePlaceIsKnown() throws {
        let search = try Search.parse(["yoga", "--area", "Soweto", "--from", "2026-12-02", "--to", "2026-12-02T18:00"])
        #expect(search.from?.needsClock == true && search.to?.needsClock == true)
        let clock = try search.placeClock(origin: nil)
        #expect(clock?.zone.identifier == "Africa/Johannesburg")
        let query = try search.query(origin: nil, area: nil, clock: clock)
        #expect(query.from.map { ISO8601.format($0) } == "2026-12-01T22:00:00Z")
        #expect(try search.requestBody()["from"] as? String == "2026-12-02", "sent as typed, for the server's own clock")
    }

    @Test func whenNeedsAPlaceAndNoFromOrTo() throws {
        #expect { try Search.parse(["--when", "tonight", "--from", "2026-12-02"]) } throws: { "\($0)".contains("--when sets the window") }
        #expect { try Search.parse(["yoga", "--when", "tonight"]) } throws: { "\(StudioLoop.oneLine($0))".hasPrefix("--when: needs a place") }
        #expect { try Search.parse(["--near", "-26.2,28", "--when", "someday"]) } throws: { "\(StudioLoop.oneLine($0))".hasPrefix("--when: must be today, tonight") }
        let search = try Search.parse(["--near", "30.0444,31.2357", "--when", "tomorrow morning", "--now", "2026-12-02T10:00:00Z"])
        let query = try search.query(origin: search.near?.coordinate, area: nil, clock: try search.placeClock(origin: search.near?.coordinate))
        #expect(query.from.map { ISO8601.format($0) } == "2026-12-03T03:00:00Z", "Cairo's 05:00")
    }
}

/// The table's footer says what each time measured.
@Suite struct ResultTableTimingTests {
    @Test func theQueryApartFromLoadingAndTheRoundTrip() throws {
        let page = try JSONLines.decoder().decode(SearchPage.self, from: Data(#"{"results": [], "next_cursor": null, "took_ms": 1.5}"#.utf8))
        let local = ResultTable(page: page, explain: false, howLoaded: "read the dataset in 12.00 s, built the index in 32.10 s").render()
        #expect(local.contains("(1.500 ms, the query alone; read the dataset in 12.00 s, built the index in 32.10 s)"), "\(local)")
        let remote = ResultTable(page: page, explain: false, roundTripMs: 3.25).render()
        #expect(remote.contains("(1.500 ms in the server's index, 3.250 ms round trip)"), "\(remote)")
    }
}
