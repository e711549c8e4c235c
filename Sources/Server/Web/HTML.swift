/// Text made safe to place in HTML, in an element or a quoted attribute. The templates escape
/// their values themselves; this is for the few fragments written in Swift (the QR code's SVG,
/// the checkout and API documentation pages).
enum HTML {
    static func escape(_ text: String) -> String {
        // Most names need nothing: a scan of the bytes is much cheaper than a walk of the characters.
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || $0 == 0x22 || $0 == 0x27 }) else { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }
}
