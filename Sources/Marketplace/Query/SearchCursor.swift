import Datasets
import Domain
import Foundation

/// Where a page ended, in the total order of the sort: the next page is everything after it.
/// Keyset pagination, not an offset, so a session whose spots change between pages can only
/// join or leave the answer; it never pushes another result over the page boundary twice or
/// not at all.
struct CursorKey: Comparable, Hashable {
    var primary: Double
    var start: Int64
    var identity: SessionIdentity

    static func < (a: Self, b: Self) -> Bool {
        if a.primary != b.primary { return a.primary < b.primary }
        if a.start != b.start { return a.start < b.start }
        return a.identity < b.identity
    }
}

/// The opaque `next_cursor`: base64url of a version byte, the query's fingerprint, the clock
/// of the first page and the last key served.
struct SearchCursor: Equatable {
    static let version: UInt8 = 1
    var fingerprint: UInt64
    var now: Int64
    var after: CursorKey

    init(fingerprint: UInt64, now: Int64, after: CursorKey) {
        self.fingerprint = fingerprint
        self.now = now
        self.after = after
    }

    init(decoding text: String) throws(SearchError) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64), data.count == 49, data[data.startIndex] == Self.version else {
            throw SearchError("cursor", "is not a cursor this server issued")
        }
        let bytes = Array(data)
        func word(_ i: Int) -> UInt64 {
            bytes[(1 + 8 * i)..<(9 + 8 * i)].reduce(0) { $0 << 8 | UInt64($1) }
        }
        let primary = Double(bitPattern: word(2))
        guard primary.isFinite else { throw SearchError("cursor", "is not a cursor this server issued") }
        fingerprint = word(0)
        now = Int64(bitPattern: word(1))
        after = CursorKey(
            primary: primary, start: Int64(bitPattern: word(3)), identity: SessionIdentity(high: word(4), low: word(5))
        )
    }

    var encoded: String {
        var bytes: [UInt8] = [Self.version]
        for word in [fingerprint, UInt64(bitPattern: now), after.primary.bitPattern, UInt64(bitPattern: after.start),
                     after.identity.high, after.identity.low] {
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8(truncatingIfNeeded: word >> UInt64(shift))) }
        }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
