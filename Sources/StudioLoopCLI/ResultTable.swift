import Datasets
import Foundation
import Marketplace
import TextSearch

/// The human view of a page: one line per session, columns padded to fit.
struct ResultTable {
    let page: SearchPage
    let explain: Bool
    /// Along a route the distance shown is the detour.
    var detour = false
    /// Asked of a server: the whole round trip, beside the server's own index time.
    var roundTripMs: Double?
    /// Searched here: how the index was loaded, and how long that took.
    var howLoaded: String?
    /// When the window starts at or after the last instant the index holds sessions for: that
    /// instant.
    var pastHorizon: Int64?

    func render() -> String {
        guard !page.results.isEmpty else {
            if let pastHorizon {
                return "No sessions match: the index holds sessions until \(ISO8601.format(pastHorizon)) and the window starts after that. Try an earlier --from, or --when tomorrow. (\(timing))" + planLine
            }
            return "No sessions match. Try a wider --radius, a later --to, or fewer words. (\(timing))" + planLine
        }
        let matched = explain && page.results.contains { $0.explain?.matched != nil }
        var rows = [
            ["CLASS", "GYM", "SUBURB", detour ? "DETOUR" : "DISTANCE", "STARTS (LOCAL)", "SPOTS", "CREDITS"]
                + (explain ? ["SCORE (TEXT/DIST/TIME)"] : []) + (matched ? ["MATCHED"] : [])
        ]
        for r in page.results {
            var row = [
                r.class.name, r.gym.name, r.gym.suburb, String(format: "%.1f km", r.distanceKm), localStart(r.startTime),
                r.waitlistOnly ? "full (waitlist)" : String(r.spotsLeft), String(r.class.credits),
            ]
            if explain, let e = r.explain {
                row.append(String(format: "%.3f (%@/%.2f/%.2f)", e.total, e.text.map { String(format: "%.2f", $0) } ?? "-", e.distance, e.time))
            }
            if matched {
                // "yoga: class type" per word: whether the class itself matched.
                row.append((r.explain?.matched ?? []).map { "\($0.word): \($0.field)" }.joined(separator: ", "))
            }
            rows.append(row)
        }
        // Columns by display width (ICU's), not by characters: an Arabic name with vowel marks
        // or a wide character takes the columns it shows in.
        let widths = rows[0].indices.map { column in rows.map { min(32, DisplayWidth.of($0[column])) }.max() ?? 0 }
        var lines = rows.map { row in
            zip(row, widths).map { cell, width in
                let clipped = DisplayWidth.of(cell) > width ? DisplayWidth.prefix(cell, columns: width - 1) + "…" : cell
                // A right-to-left cell is isolated (FSI … PDI), so a terminal that reorders
                // bidirectional text keeps it in its column and the padding after it.
                let shown = DisplayWidth.isRightToLeft(clipped) ? "\u{2068}\(clipped)\u{2069}" : clipped
                return shown + String(repeating: " ", count: width - DisplayWidth.of(clipped))
            }.joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }
        var footer = "\(page.results.count) sessions in \(timing)"
        footer += planLine
        if let next = page.nextCursor { footer += "\nmore: --cursor \(next)" }
        lines.append("")
        lines.append(footer)
        return lines.joined(separator: "\n")
    }

    /// "2026-11-26T18:30:00+02:00" → "Thu 2026-11-26 18:30 +02:00": the gym's own day and time.
    private func localStart(_ iso: String) -> String {
        let chars = Array(iso)
        guard chars.count >= 25 else { return iso }
        let date = String(chars[0..<10]), time = String(chars[11..<16]), offset = String(chars[19...])
        guard let day = CivilTime.days(iso: date) else { return "\(date) \(time) \(offset)" }
        return "\(Self.weekdays[CivilTime.weekday(days: day) - 1]) \(date) \(time) \(offset)"
    }

    private static let weekdays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    private var planLine: String {
        guard let plan = page.plan else { return "" }
        let onlyAround = plan.wordsOnlyAround.map { $0 > 0 ? ", \($0) word(s) only in gym or place names" : "" } ?? ""
        return " · plan: \(plan.driver) (geo ≈ \(plan.geographicEstimate) classes, text ≈ \(plan.textEstimate.map(String.init) ?? "-")"
            + "\(onlyAround); visited \(plan.visited))"
    }

    /// What the time measured: the index's search alone, and over HTTP the round trip too.
    private var timing: String {
        if let roundTripMs { return "\(format(page.tookMs)) ms in the server's index, \(format(roundTripMs)) ms round trip" }
        if let howLoaded { return "\(format(page.tookMs)) ms, the query alone; \(howLoaded)" }
        return "\(format(page.tookMs)) ms"
    }

    private func format(_ ms: Double) -> String { String(format: "%.3f", ms) }
}
