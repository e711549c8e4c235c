import CICUShim

/// Turns text into the words a search compares: ICU folding (NFKC, Arabic letter forms,
/// any script to Latin, no diacritics, lower case) and ICU word breaking.
///
/// "Pilátes", "PILATES" and "ｐｉｌａｔｅｓ" all become `["pilates"]`; "فاس" becomes `["fas"]`,
/// like the Latin transliteration of every other name of Fes.
public enum TextFolding {
    /// The folded words of `text`, in order; punctuation and spaces are dropped.
    public static func words(in text: String) -> [String] {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            return asciiWords(in: text)
        }
        return icuWords(in: text)
    }

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
