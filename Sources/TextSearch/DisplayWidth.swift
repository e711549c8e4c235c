import CICUShim

/// How text sits in a terminal's columns, by ICU: what a table needs to line up Arabic with
/// vowel marks, Ge'ez, and wide East Asian characters beside Latin.
public enum DisplayWidth {
    /// The columns `text` takes.
    public static func of(_ text: String) -> Int {
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text.utf8.count }
        let units = Array(text.utf16)
        return Int(units.withUnsafeBufferPointer { slicu_display_width($0.baseAddress, Int32($0.count)) })
    }

    /// Whether the text reads right to left (its first strong letter is Arabic or Hebrew).
    public static func isRightToLeft(_ text: String) -> Bool {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return false }
        let units = Array(text.utf16)
        return units.withUnsafeBufferPointer { slicu_is_right_to_left($0.baseAddress, Int32($0.count)) } == 1
    }

    /// The longest start of `text` that fits in `columns`, whole characters only.
    public static func prefix(_ text: String, columns: Int) -> String {
        var used = 0
        var end = text.startIndex
        for character in text {
            let width = of(String(character))
            if used + width > columns { break }
            used += width
            end = text.index(after: end)
        }
        return String(text[..<end])
    }
}
