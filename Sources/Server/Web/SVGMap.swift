import Foundation

/// A map of search results drawn on the server: the numbered gyms placed by their coordinates
/// (equirectangular, with longitudes shrunk by the cosine of the latitude so distances look
/// right this close to the ground), the place searched marked, a scale bar. It needs no script
/// and no tiles: it is the map a phone on a slow or blocked network sees, and the one under the
/// Leaflet map until the tiles arrive.
enum SVGMap {
    struct Pin: Sendable {
        /// The result's number in the list beside the map; nil for a map of one place.
        var number: Int?
        var name: String
        var lat: Double
        var lng: Double
    }

    static let width = 480.0, height = 300.0, margin = 24.0

    /// `title` says what the map shows, for a screen reader ("Map of the 20 results").
    static func results(_ pins: [Pin], center: (lat: Double, lng: Double)?, title: String, _ words: Words) -> String? {
        guard !pins.isEmpty else { return nil }
        var lats = pins.map(\.lat), lngs = pins.map(\.lng)
        if let center { lats.append(center.lat); lngs.append(center.lng) }
        let midLat = (lats.min()! + lats.max()!) / 2
        let shrink = cos(midLat * .pi / 180)
        // Half a kilometre at least each way, so one gym is not a dot in an empty square.
        let spanLat = max(lats.max()! - lats.min()!, 0.009), spanLng = max((lngs.max()! - lngs.min()!) * shrink, 0.009)
        let scale = min((width - 2 * margin) / spanLng, (height - 2 * margin) / spanLat)
        let midLng = (lngs.min()! + lngs.max()!) / 2
        func x(_ lng: Double) -> Double { width / 2 + (lng - midLng) * shrink * scale }
        func y(_ lat: Double) -> Double { height / 2 - (lat - midLat) * scale }

        var svg = "<svg class=\"map\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-labelledby=\"map-title\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title id=\"map-title\">\(HTML.escape(title))</title>"
        svg += "<rect class=\"ground\" width=\"\(n(width))\" height=\"\(n(height))\" rx=\"6\"/>"
        if let center {
            svg += "<circle class=\"here\" cx=\"\(n(x(center.lng)))\" cy=\"\(n(y(center.lat)))\" r=\"7\"><title>\(HTML.escape(words("The place searched")))</title></circle>"
        }
        // The best results drawn last, on top, where gyms crowd together.
        for pin in pins.sorted(by: { ($0.number ?? 0) > ($1.number ?? 0) }) {
            let cx = n(x(pin.lng)), cy = n(y(pin.lat))
            let label = pin.number.map { "\($0). " + pin.name } ?? pin.name
            svg += "<g class=\"pin\"><title>\(HTML.escape(label))</title><circle cx=\"\(cx)\" cy=\"\(cy)\" r=\"10\"/>"
                + (pin.number.map { "<text x=\"\(cx)\" y=\"\(cy)\" dy=\"4\" text-anchor=\"middle\">\($0)</text>" } ?? "") + "</g>"
        }
        // A scale bar of a round number of kilometres, about a fifth of the width.
        let kmPerUnit = 111.32 / scale
        let km = [0.2, 0.5, 1, 2, 5, 10, 20, 50].last { $0 / kmPerUnit <= width / 5 } ?? 0.2
        let bar = km / kmPerUnit
        svg += "<line class=\"scale\" x1=\"\(n(margin))\" y1=\"\(n(height - 10))\" x2=\"\(n(margin + bar))\" y2=\"\(n(height - 10))\"/>"
        let distance = km < 1 ? words("{m} m", ["m": words.format.number(Int(km * 1000))]) : words("{km} km", ["km": words.format.number(Int(km))])
        svg += "<text class=\"scale\" x=\"\(n(margin + bar + 6))\" y=\"\(n(height - 6))\">\(HTML.escape(distance))</text>"
        return svg + "</svg>"
    }

    private static func n(_ value: Double) -> String { String(format: "%.1f", value) }
}
