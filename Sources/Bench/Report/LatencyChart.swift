import Foundation

/// An SVG line chart of p99 latency against dataset size (sessions), both axes logarithmic,
/// one line per system, from the latest report of each scale.
public enum LatencyChart {
    public static func svg(_ reports: [BenchReport]) -> String {
        let reports = reports.sorted { $0.dataset.sessions < $1.dataset.sessions }
        let width = 720.0, height = 440.0, left = 80.0, right = 150.0, top = 40.0, bottom = 60.0
        let names = Array(Set(reports.flatMap { $0.systems.map(\.name) })).sorted { a, b in
            a == "studioloop" ? true : (b == "studioloop" ? false : a < b)
        }
        let points = names.map { name in
            reports.compactMap { r in r.systems.first { $0.name == name }.map { (Double(r.dataset.sessions), $0.latency.p99 / 1000) } }
        }
        let xs = reports.map { Double($0.dataset.sessions) }
        let ys = points.flatMap { $0.map(\.1) }.filter { $0 > 0 }
        let xRange = (log10(max(1, (xs.min() ?? 1) / 2)), log10((xs.max() ?? 10) * 2))
        let yRange = (floor(log10(max(1e-3, ys.min() ?? 0.01))), ceil(log10(max(1e-3, ys.max() ?? 1))) + (ys.isEmpty ? 1 : 0))
        func x(_ v: Double) -> Double { left + (log10(v) - xRange.0) / max(1e-9, xRange.1 - xRange.0) * (width - left - right) }
        func y(_ v: Double) -> Double { height - bottom - (log10(v) - yRange.0) / max(1e-9, yRange.1 - yRange.0) * (height - top - bottom) }
        let colours = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#7f7f7f"]

        var svg = [
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"12\">",
            "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
            "<text x=\"\(Int(left))\" y=\"24\" font-size=\"15\">p99 search latency against dataset size (log scales)</text>",
        ]
        var decade = yRange.0
        while decade <= yRange.1 {
            let value = pow(10, decade), py = y(value)
            svg.append("<line x1=\"\(left)\" y1=\"\(py)\" x2=\"\(width - right)\" y2=\"\(py)\" stroke=\"#ddd\"/>")
            svg.append("<text x=\"\(left - 8)\" y=\"\(py + 4)\" text-anchor=\"end\">\(Self.label(value)) ms</text>")
            decade += 1
        }
        for r in reports {
            let px = x(Double(r.dataset.sessions))
            svg.append("<line x1=\"\(px)\" y1=\"\(top)\" x2=\"\(px)\" y2=\"\(height - bottom)\" stroke=\"#eee\"/>")
            svg.append("<text x=\"\(px)\" y=\"\(height - bottom + 18)\" text-anchor=\"middle\">\(r.scale.rawValue)</text>")
            svg.append("<text x=\"\(px)\" y=\"\(height - bottom + 33)\" text-anchor=\"middle\" fill=\"#666\">\(Self.sessions(r.dataset.sessions)) sessions</text>")
        }
        for (i, name) in names.enumerated() where !points[i].isEmpty {
            let colour = colours[i % colours.count]
            let path = points[i].map { "\(x($0.0)),\(y(max($0.1, 1e-3)))" }.joined(separator: " ")
            svg.append("<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\"/>")
            for (px, py) in points[i] { svg.append("<circle cx=\"\(x(px))\" cy=\"\(y(max(py, 1e-3)))\" r=\"3.5\" fill=\"\(colour)\"/>") }
            let ly = top + 20 + Double(i) * 20
            svg.append("<line x1=\"\(width - right + 16)\" y1=\"\(ly - 4)\" x2=\"\(width - right + 36)\" y2=\"\(ly - 4)\" stroke=\"\(colour)\" stroke-width=\"2\"/>")
            svg.append("<text x=\"\(width - right + 42)\" y=\"\(ly)\">\(name)</text>")
        }
        svg.append("</svg>")
        return svg.joined(separator: "\n") + "\n"
    }

    static func label(_ value: Double) -> String {
        value >= 1 ? String(format: "%.0f", value) : String(format: "%g", value)
    }

    static func sessions(_ n: Int) -> String {
        n >= 1_000_000 ? String(format: "%.1f M", Double(n) / 1e6) : String(format: "%.0f k", Double(n) / 1e3)
    }
}
