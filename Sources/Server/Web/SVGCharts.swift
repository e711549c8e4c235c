import Foundation

/// The dashboard's charts, drawn on the server as inline SVG: no script, no chart library, a
/// few hundred bytes each, and styled by the site's stylesheet (`.chart …`). Every chart is an
/// image with a title for screen readers, and every mark carries its figure in a `<title>`
/// (a tooltip on hover). Labels are escaped here: they hold names from the data. A chart reads
/// left to right in every language (time runs that way on its axis), so it says `dir="ltr"`.
enum SVGCharts {
    struct Bar: Sendable {
        var label: String
        /// 0…1.
        var rate: Double
        /// What the bar's tooltip says: "14 of 20 spots".
        var detail: String
    }

    struct MoneyBar: Sendable {
        var label: String
        var commission: Int64
        var payout: Int64
        /// Formats minor units: "R 1 234.00".
        var format: @Sendable (Int64) -> String
    }

    /// Narrow enough that its labels stay readable scaled to a phone's 360 px.
    static let width = 480.0
    static let height = 200.0
    static let left = 54.0, bottom = 28.0, top = 16.0
    /// A lone bar stays a bar, not a block.
    static let widestBar = 48.0

    /// Vertical bars of rates, 0–100 %.
    static func rates(_ bars: [Bar], title: String, id: String, _ words: Words) -> String {
        var svg = open(title: title, id: id, height: height)
        let plot = height - bottom - top
        for tick in [0.0, 0.5, 1.0] {
            let y = top + plot * (1 - tick)
            svg += line(left, y, width, y, "grid") + text(left - 6, y + 4, words.format.percent(tick), anchor: "end")
        }
        let step = (width - left) / Double(max(bars.count, 1))
        for (i, bar) in bars.enumerated() {
            let w = min(step * 0.7, widestBar), h = plot * min(max(bar.rate, 0), 1), x = left + Double(i) * step + (step - w) / 2
            svg += "<rect class=\"bar\" x=\"\(n(x))\" y=\"\(n(top + plot - h))\" width=\"\(n(w))\" height=\"\(n(h))\">"
                + "<title>\(escape(bar.label)): \(words.format.percent(bar.rate)), \(escape(bar.detail))</title></rect>"
            if labelled(i, of: bars.count) { svg += text(x + w / 2, height - 10, bar.label, anchor: "middle") }
        }
        return svg + "</svg>"
    }

    /// Bookings by local weekday (rows, Monday first) and hour (columns): darker is busier.
    static func heatMap(_ counts: [[Int]], title: String, id: String, _ words: Words) -> String {
        let days = (1...7).map { words.format.weekday($0, short: true) }
        let cell = (width - left) / 24, rowHeight = 24.0, mapHeight = top + 7 * rowHeight + bottom
        let most = max(counts.joined().max() ?? 0, 1)
        var svg = open(title: title, id: id, height: mapHeight)
        for (day, row) in counts.enumerated() {
            let y = top + Double(day) * rowHeight
            svg += text(left - 6, y + rowHeight * 0.65, days[day], anchor: "end")
            for (hour, count) in row.enumerated() {
                let opacity = count == 0 ? 0.06 : 0.2 + 0.8 * Double(count) / Double(most)
                svg += "<rect class=\"cell\" x=\"\(n(left + Double(hour) * cell + 1))\" y=\"\(n(y + 1))\" width=\"\(n(cell - 2))\" height=\"\(n(rowHeight - 2))\""
                    + " fill-opacity=\"\(n(opacity))\"><title>\(escape(days[day])) \(hour < 10 ? "0" : "")\(hour):00: \(escape(words.count(count, "{n} booking", "{n} bookings")))</title></rect>"
            }
        }
        for hour in stride(from: 0, to: 24, by: 3) {
            svg += text(left + (Double(hour) + 0.5) * cell, mapHeight - 10, "\(hour < 10 ? "0" : "")\(hour):00", anchor: "middle")
        }
        return svg + "</svg>"
    }

    /// Stacked bars per month: the gym's payout below, the platform's commission above; the
    /// whole bar is the gross.
    static func money(_ bars: [MoneyBar], title: String, id: String, _ words: Words) -> String {
        var svg = open(title: title, id: id, height: height)
        let plot = height - bottom - top
        let most = max(bars.map { $0.commission + $0.payout }.max() ?? 0, 1)
        svg += line(left, top + plot, width, top + plot, "grid")
        let step = (width - left) / Double(max(bars.count, 1))
        for (i, bar) in bars.enumerated() {
            let w = min(step * 0.6, widestBar), x = left + Double(i) * step + (step - w) / 2
            let payout = plot * Double(max(bar.payout, 0)) / Double(most), commission = plot * Double(max(bar.commission, 0)) / Double(most)
            let label = escape(bar.label)
            svg += "<rect class=\"bar\" x=\"\(n(x))\" y=\"\(n(top + plot - payout))\" width=\"\(n(w))\" height=\"\(n(payout))\">"
                + "<title>\(label): \(escape(words("payout {amount}", ["amount": bar.format(bar.payout)])))</title></rect>"
            svg += "<rect class=\"bar commission\" x=\"\(n(x))\" y=\"\(n(top + plot - payout - commission))\" width=\"\(n(w))\" height=\"\(n(commission))\">"
                + "<title>\(label): \(escape(words("commission {amount}", ["amount": bar.format(bar.commission)])))</title></rect>"
            // Totals fit above a few bars; with more, the table and the tooltips say them.
            if bars.count <= 4 { svg += text(x + w / 2, top + plot - payout - commission - 4, bar.format(bar.commission + bar.payout), anchor: "middle") }
            if labelled(i, of: bars.count) { svg += text(x + w / 2, height - 10, bar.label, anchor: "middle") }
        }
        return svg + "</svg>"
    }

    // MARK: Pieces

    /// At most about eight labels along the bottom, so they never overlap.
    private static func labelled(_ index: Int, of count: Int) -> Bool { index % ((count + 7) / 8) == 0 }

    private static func open(title: String, id: String, height: Double) -> String {
        "<svg class=\"chart\" dir=\"ltr\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-labelledby=\"\(id)\" xmlns=\"http://www.w3.org/2000/svg\">"
            + "<title id=\"\(id)\">\(escape(title))</title>"
    }

    private static func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, _ cls: String) -> String {
        "<line class=\"\(cls)\" x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\"/>"
    }

    private static func text(_ x: Double, _ y: Double, _ value: String, anchor: String) -> String {
        "<text x=\"\(n(x))\" y=\"\(n(y))\" text-anchor=\"\(anchor)\">\(escape(value))</text>"
    }

    private static func escape(_ text: String) -> String { HTML.escape(text) }

    /// One decimal is finer than a pixel of these charts.
    private static func n(_ value: Double) -> String {
        let tenths = (value * 10).rounded()
        return tenths.truncatingRemainder(dividingBy: 10) == 0 ? String(Int(tenths / 10)) : String(format: "%.1f", value)
    }
}
