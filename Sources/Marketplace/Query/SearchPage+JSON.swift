/// The answer to a search as JSON bytes, written directly: the same document `Codable` gives
/// with `JSONLines.encoder()` (snake_case keys, sorted), several times faster, since every search
/// response pays for it. Tests check the two agree on random pages.
extension SearchPage {
    public func jsonBytes() -> [UInt8] {
        var out = JSONWriter()
        out.reserve(256 + results.count * 520)
        out.raw("{\"next_cursor\":")
        if let nextCursor { out.string(nextCursor) } else { out.raw("null") }
        if let plan {
            out.raw(",\"plan\":{\"driver\":")
            out.string(plan.driver)
            out.raw(",\"geographic_estimate\":")
            out.integer(plan.geographicEstimate)
            if let text = plan.textEstimate {
                out.raw(",\"text_estimate\":")
                out.integer(text)
            }
            out.raw(",\"visited\":")
            out.integer(plan.visited)
            if let words = plan.wordsOnlyAround {
                out.raw(",\"words_only_around\":")
                out.integer(words)
            }
            out.raw("}")
        }
        out.raw(",\"results\":[")
        // Borrowed from the array's storage, not copied out: a copy retains and releases every
        // string of the result.
        results.withUnsafeBufferPointer { results in
            for i in results.indices {
                if i > 0 { out.raw(",") }
                Self.write(results[i], into: &out)
            }
        }
        out.raw("],\"took_ms\":")
        out.number(tookMs)
        out.raw("}")
        return out.bytes
    }

    /// One result's object, read in place.
    private static func write(_ r: borrowing SearchResult, into out: inout JSONWriter) {
        out.raw("{\"class\":{\"credits\":")
        out.integer(r.class.credits)
        out.raw(",\"difficulty\":")
        out.string(r.class.difficulty.rawValue)
        out.raw(",\"id\":")
        out.string(r.class.id)
        out.raw(",\"name\":")
        out.string(r.class.name)
        out.raw(",\"type\":")
        out.string(r.class.type.rawValue)
        out.raw("},\"distance_km\":")
        out.number(r.distanceKm)
        out.raw(",\"end_time\":")
        out.string(r.endTime)
        if let explain = r.explain {
            out.raw(",\"explain\":{\"distance\":")
            out.number(explain.distance)
            if let matched = explain.matched {
                out.raw(",\"matched\":[")
                for (i, m) in matched.enumerated() {
                    out.raw(i == 0 ? "{\"field\":" : ",{\"field\":")
                    out.string(m.field)
                    out.raw(",\"match\":")
                    out.string(m.match)
                    out.raw(",\"term\":")
                    out.string(m.term)
                    out.raw(",\"word\":")
                    out.string(m.word)
                    out.raw("}")
                }
                out.raw("]")
            }
            if let text = explain.text {
                out.raw(",\"text\":")
                out.number(text)
            }
            out.raw(",\"time\":")
            out.number(explain.time)
            out.raw(",\"total\":")
            out.number(explain.total)
            out.raw("}")
        }
        out.raw(",\"gym\":{\"city\":")
        out.string(r.gym.city)
        out.raw(",\"country\":")
        out.string(r.gym.country)
        out.raw(",\"id\":")
        out.string(r.gym.id)
        out.raw(",\"lat\":")
        out.number(r.gym.lat)
        out.raw(",\"lng\":")
        out.number(r.gym.lng)
        out.raw(",\"name\":")
        out.string(r.gym.name)
        out.raw(",\"slug\":")
        out.string(r.gym.slug)
        out.raw(",\"suburb\":")
        out.string(r.gym.suburb)
        out.raw("},\"score\":")
        out.number(r.score)
        out.raw(",\"session_id\":")
        out.string(r.sessionId)
        out.raw(",\"spots_left\":")
        out.integer(r.spotsLeft)
        out.raw(",\"start_time\":")
        out.string(r.startTime)
        out.raw(",\"timezone\":")
        out.string(r.timezone)
        out.raw(",\"waitlist_only\":")
        out.raw(r.waitlistOnly ? "true" : "false")
        out.raw("}")
    }
}

/// Appends JSON tokens to a byte buffer: RFC 8259 string escapes, numbers as Swift prints them
/// (the shortest text that reads back to the same double, as Foundation's encoder writes them).
struct JSONWriter {
    var bytes: [UInt8] = []

    mutating func reserve(_ count: Int) { bytes.reserveCapacity(count) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func integer(_ value: Int) {
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func number(_ value: Double) {
        guard value.isFinite else { return raw("null") }
        if value == value.rounded(.towardZero) && abs(value) < 1e15 {
            // Foundation writes integral doubles without a fraction: 3.0 → 3.
            bytes.append(contentsOf: String(Int64(value)).utf8)
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    mutating func string(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        // Nearly every string needs no escape: then it goes in as one copy.
        let copied = text.utf8.withContiguousStorageIfAvailable { utf8 -> Bool in
            guard !utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else { return false }
            bytes.append(contentsOf: utf8)
            return true
        }
        if copied == true {
            bytes.append(UInt8(ascii: "\""))
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case 0x0A: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            case 0x0D: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "r")])
            case 0x09: bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "t")])
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }
}
