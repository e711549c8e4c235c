import Datasets
import Foundation
import Marketplace
@testable import StudioLoopCLI
import Testing
import TextSearch

/// The table lines up whatever script the names are in.
@Suite struct ResultTableTests {
    static func result(_ className: String, gym: String) -> String {
        """
        {"session_id":"s","class":{"id":"c","name":"\(className)","type":"yoga","difficulty":"beginner","credits":2},
         "gym":{"id":"g","name":"\(gym)","slug":"g","suburb":"Maadi","city":"Cairo","country":"Egypt","lat":30,"lng":31},
         "distance_km":1.5,"start_time":"2026-12-08T19:00:00+02:00","end_time":"2026-12-08T20:00:00+02:00",
         "timezone":"Africa/Cairo","spots_left":3,"waitlist_only":false,"score":0.5}
        """
    }

    @Test func columnsLineUpForVowelMarksWideLettersAndGeez() throws {
        let names = [("يُوغَا الصَّبَاح", "نادي الأطلس"), ("Morning Yoga", "Atlas Club"), ("ዮጋ ለጀማሪዎች", "ጂም"), ("ヨガ", "ｆｉｔ")]
        let json = "{\"results\":[" + names.map { Self.result($0.0, gym: $0.1) }.joined(separator: ",") + "],\"next_cursor\":null,\"took_ms\":0.2}"
        let page = try JSONLines.decoder().decode(SearchPage.self, from: Data(json.utf8))
        let lines = ResultTable(page: page, explain: false).render().split(separator: "\n").map(String.init)
        // Where the SUBURB column starts, in display columns, on every line.
        let starts = lines.prefix(1 + names.count).map { line -> Int in
            let visible = line.replacingOccurrences(of: "\u{2068}", with: "").replacingOccurrences(of: "\u{2069}", with: "")
            let range = try! #require(visible.range(of: visible.hasPrefix("CLASS") ? "SUBURB" : "Maadi"))
            return DisplayWidth.of(String(visible[..<range.lowerBound]))
        }
        #expect(Set(starts).count == 1, "\(lines.joined(separator: "\n"))")
        // Right-to-left cells are isolated, so a bidi terminal keeps them in their column.
        #expect(lines[1].contains("\u{2068}يُوغَا الصَّبَاح\u{2069}"))
        #expect(!lines[2].contains("\u{2068}"))
    }

    @Test func displayWidthsFromICU() {
        #expect(DisplayWidth.of("يُوغَا") == 4)
        #expect(DisplayWidth.of("Pila\u{0301}tes") == 7)
        #expect(DisplayWidth.of("ｐｉｌａｔｅｓ") == 14)
        #expect(DisplayWidth.of("ዮጋ") == 2)
        #expect(DisplayWidth.prefix("ｐｉｌａｔｅｓ", columns: 5) == "ｐｉ")
        #expect(DisplayWidth.isRightToLeft("يوغا 2") && !DisplayWidth.isRightToLeft("Yoga يوغا"))
    }
}

/// The progress bar's line: the step, how far, how long so far, and the time left at the pace
/// so far once there is one.
@Suite struct ProgressBarTests {
    @Test func lineSaysHowFarAndHowLongIsLeft() {
        #expect(ProgressBar.line(step: "indexing gyms", done: 25, total: 100, inStep: 3) == "indexing gyms [#######.......................] 25%  3.0 s, about 9 s left")
        // Too early to tell a pace, and done: no guess.
        #expect(!ProgressBar.line(step: "reading classes.jsonl", done: 1, total: 100, inStep: 0.1).contains("left"))
        #expect(ProgressBar.line(step: "writing users.jsonl", done: 10, total: 10, inStep: 2) == "writing users.jsonl [##############################] 100%  2.0 s")
    }
}
