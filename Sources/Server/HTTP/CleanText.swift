import Foundation

/// Text people type (names, descriptions, reasons), as the API keeps it: in Unicode NFC (so
/// "é" typed two ways is one name), trimmed, within its length, and refused (422
/// `INVALID_TEXT`) when it holds what only breaks a screen or deceives a reader: control
/// characters (a line break or tab only in long text), bidirectional overrides and isolates
/// (which can make "gpj.exe" read "exe.jpg"), byte-order marks and non-characters. The marks
/// that Arabic and Hebrew text needs (U+200E, U+200F, U+061C) stay allowed.
enum CleanText {
    static func check(_ value: String, _ field: String, _ length: ClosedRange<Int>, multiline: Bool = false) throws -> String {
        let text = value.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines)
        if let bad = text.unicodeScalars.first(where: { !allowed($0, multiline: multiline) }) {
            let code = String(bad.value, radix: 16, uppercase: true)
            throw APIError(.invalidText, "\(field) holds U+\(String(repeating: "0", count: max(0, 4 - code.count)) + code), which is not allowed in text")
        }
        guard length.contains(text.count) else {
            throw APIError.validation("\(field) must be \(length.lowerBound) to \(length.upperBound) characters")
        }
        return text
    }

    static func allowed(_ scalar: Unicode.Scalar, multiline: Bool) -> Bool {
        if multiline && (scalar == "\n" || scalar == "\t") { return true }
        if scalar.properties.generalCategory == .control { return false }
        if scalar.properties.isNoncharacterCodePoint { return false }
        switch scalar.value {
        case 0x202A...0x202E, 0x2066...0x2069: return false  // bidirectional embeddings, overrides, isolates
        case 0xFEFF: return false  // byte-order mark
        default: return true
        }
    }
}
