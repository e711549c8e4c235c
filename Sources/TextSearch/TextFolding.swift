import CICUShim

/// Turns text into the words a search compares: ICU folding (NFKC, Arabic letter forms,
/// any script to Latin, no diacritics, lower case) and ICU word breaking.
///
/// "Pilátes", "PILATES" and "ｐｉｌａｔｅｓ" all become `["pilates"]`; "فاس" becomes `["fas"]`,
/// like the Latin transliteration of every other name of Fes.
public enum TextFolding {
    /// The folded words of `text`, in order, as search compares them; punctuation and spaces
    /// are dropped, and regional spellings of one word fold alike (`regionalSpellings`).
    public static func words(in text: String) -> [String] {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return asciiWords(in: text)
        }
        return icuWords(in: regionalSpellings(text))
    }

    /// The folded words of a name as it is written, for a slug or a web address: no regional
    /// spelling is folded, so "صالة لياقة" keeps its q.
    public static func nameWords(in text: String) -> [String] {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return asciiWords(in: text)
        }
        return icuWords(in: text)
    }

    /// The letters written for a borrowed g vary by region — jeem in Egypt (and tcheh there
    /// too), qaf in the Gulf and Sudan, the three-dotted qaf in Algeria and Tunisia, gaf where
    /// Persian script is typed, ghain in the Levant and Morocco — so "يوجا", "يوقا", "يوڨا" and
    /// "يوغا" are one word for search: all become ghain. Veh (a borrowed v) becomes feh, peh (a
    /// borrowed p, "پيلاتس") beh, Persian-script keheh and yeh Arabic kaf and yeh. Ge'ez writes
    /// the one sound ts' with two series, ጸ and ፀ: ፀ becomes ጸ (its other homophones, ሀ/ሐ/ኀ,
    /// ሰ/ሠ, አ/ዐ, already transliterate alike). Teh marbuta, alef maqsura and the hamza seats
    /// need nothing here: ICU's transliteration already folds them. Both sides of a search
    /// fold alike, so a word written with a real jeem or qaf still finds itself.
    static func regionalSpellings(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { spellings[$0.value] != nil }) else { return text }
        var folded = String.UnicodeScalarView()
        for scalar in text.unicodeScalars { folded.append(spellings[scalar.value].flatMap(Unicode.Scalar.init) ?? scalar) }
        return String(folded)
    }

    private static let spellings: [UInt32: UInt32] = {
        var table: [UInt32: UInt32] = [
            0x062C: 0x063A, 0x0642: 0x063A, 0x06A8: 0x063A, 0x06AF: 0x063A, 0x0686: 0x063A,  // jeem, qaf, ڨ, gaf, tcheh → ghain
            0x06A4: 0x0641,  // veh → feh
            0x067E: 0x0628,  // peh → beh
            0x06A9: 0x0643, 0x06CC: 0x064A,  // keheh → kaf, Farsi yeh → yeh
        ]
        for order in 0..<8 { table[0x1340 + UInt32(order)] = 0x1338 + UInt32(order) }  // ፀ series → ጸ series
        return table
    }()

    /// Pure ASCII needs no ICU: NFKC and transliteration leave it as it is, so lower-casing
    /// and splitting give exactly what the ICU path would. Most catalog text takes this path.
    private static func asciiWords(in text: String) -> [String] {
        var words: [String] = []
        var current: [UInt8] = []
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                current.append(byte)
            case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                current.append(byte + 32)
            default:
                if !current.isEmpty {
                    words.append(String(decoding: current, as: UTF8.self))
                    current.removeAll(keepingCapacity: true)
                }
            }
        }
        if !current.isEmpty { words.append(String(decoding: current, as: UTF8.self)) }
        return words
    }

    private static func icuWords(in text: String) -> [String] {
        let source = Array(text.utf16)
        var capacity = source.count * 4 + 16
        while true {
            var folded = [UInt16](repeating: 0, count: capacity)
            let written = source.withUnsafeBufferPointer { src in
                folded.withUnsafeMutableBufferPointer { dst in
                    slicu_fold_words(src.baseAddress, Int32(src.count), dst.baseAddress, Int32(dst.count))
                }
            }
            // ICU failing to fold is not a reason to lose the text: fall back to plain words.
            guard written >= 0 else { return splitWords(text.lowercased()) }
            if Int(written) > capacity {
                capacity = Int(written)
                continue
            }
            return splitWords(String(decoding: folded[..<Int(written)], as: UTF16.self))
        }
    }

    /// Splits on anything that is not a letter or a digit: ICU keeps "don't" and "3.5" whole,
    /// but search compares their parts, exactly as the ASCII path does.
    private static func splitWords(_ text: String) -> [String] {
        var words: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isWordScalar(scalar) {
                current.append(scalar)
            } else if !current.isEmpty {
                words.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { words.append(String(current)) }
        return words
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            let v = scalar.value
            return (0x30...0x39).contains(v) || (0x61...0x7A).contains(v) || (0x41...0x5A).contains(v)
        }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}
