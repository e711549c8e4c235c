/// Text made safe to place in HTML, in an element or a quoted attribute. The templates escape
/// their values themselves; this is for the few fragments written in Swift (the QR code's SVG,
/// the checkout and API documentation pages).
enum HTML {
    static func escape(_ text: String) -> String {
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
