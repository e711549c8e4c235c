public import Foundation
import Domain

/// JSON Lines with the seed's snake_case field names. Keys are sorted, so the same records
/// always give the same bytes.
public enum JSONLines {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// Writes one JSON object per line.
    public static func write<T: Encodable>(_ records: [T], to url: URL, progress: ProgressReport? = nil) throws(DatasetError) {
        let encoder = encoder()
        var data = Data()
        let step = "writing \(url.lastPathComponent)"
        do {
            for (i, record) in records.enumerated() {
                data.append(try encoder.encode(record))
                data.append(0x0A)
                if i % 10_000 == 0 { progress?(step, i, records.count) }
            }
            progress?(step, records.count, records.count)
            try data.write(to: url, options: .atomic)
        } catch {
            throw .unwritable(url.path, "\(error)")
        }
    }

    /// Reads one JSON object per line; blank lines are skipped, and a bad line is reported
    /// with its number.
    public static func read<T: Decodable>(_ type: T.Type, from url: URL, progress: ProgressReport? = nil) throws(DatasetError) -> [T] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .unreadable(url.path, "\(error.localizedDescription)") }
        let decoder = decoder()
        var records: [T] = []
        var lineNumber = 0
        let step = "reading \(url.lastPathComponent)"
        for line in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            lineNumber += 1
            if lineNumber % 10_000 == 0 { progress?(step, line.startIndex - data.startIndex, data.count) }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { continue }
            do {
                records.append(try decoder.decode(T.self, from: line))
            } catch {
                throw .malformed(url.path, line: lineNumber, Self.reason(error))
            }
        }
        progress?(step, data.count, data.count)
        return records
    }

    /// Decodes one JSON document.
    public static func decode<T: Decodable>(_ type: T.Type, from url: URL) throws(DatasetError) -> T {
        let data: Data
        do { data = try Data(contentsOf: url) } catch { throw .unreadable(url.path, "\(error.localizedDescription)") }
        do { return try decoder().decode(T.self, from: data) } catch { throw .malformed(url.path, line: 1, Self.reason(error)) }
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "missing field '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "bad value at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context):
            context.codingPath.isEmpty
                ? "not valid JSON" : "bad value at \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        default: "\(error)"
        }
    }
}
