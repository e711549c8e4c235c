public import Hummingbird
import Datasets
import Domain
import Foundation

/// JSON in snake_case both ways, as the API documents it.
public struct APIEncoder: ResponseEncoder {
    public init() {}

    public func encode(_ value: some Encodable, from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONLines.encoder().encode(value)
        var buffer = ByteBuffer()
        buffer.writeBytes(data)
        return Response(
            status: .ok, headers: [.contentType: "application/json; charset=utf-8"], body: .init(byteBuffer: buffer)
        )
    }
}

public struct APIDecoder: RequestDecoder {
    public init() {}

    /// Decodes a JSON body; a body that is not the JSON expected is the client's mistake, said
    /// precisely enough to fix (which field, what was wrong).
    public func decode<T: Decodable>(_ type: T.Type, from request: Request, context: some RequestContext) async throws -> T {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { throw APIError.validation("the request needs a JSON body") }
        do {
            return try JSONLines.decoder().decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            throw APIError.validation(Self.explain(error))
        }
    }

    static func explain(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            let keys = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
            return keys.isEmpty ? "the body" : keys.joined(separator: ".").replacingOccurrences(of: ".[", with: "[")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context)
            return "\(parent == "the body" ? "" : parent + ".")\(key.stringValue.snakeCased) is required"
        case .typeMismatch(let type, let context): return "\(path(context)) must be \(Self.describe(type))"
        case .valueNotFound(let type, let context): return "\(path(context)) must be \(Self.describe(type)), not null"
        case .dataCorrupted(let context):
            return context.codingPath.isEmpty ? "the body is not valid JSON" : "\(path(context)): \(context.debugDescription)"
        @unknown default: return "the body could not be read"
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int64.Type: "an integer"
        case is Double.Type: "a number"
        case is Bool.Type: "true or false"
        default: "\(type)".hasPrefix("Array") ? "an array" : "an object"
        }
    }
}

extension String {
    /// "firstName" → "first_name", as the API spells keys.
    var snakeCased: String {
        var out = ""
        for c in self {
            if c.isUppercase { out += "_" + c.lowercased() } else { out.append(c) }
        }
        return out
    }
}

extension KeyedDecodingContainer {
    /// A field of a PATCH body, where leaving it out keeps the value and `null` clears it: nil
    /// when absent, `.some(nil)` for `null`, `.some(value)` otherwise.
    func decodePatch<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T?? {
        guard contains(key) else { return nil }
        return .some(try decodeNil(forKey: key) ? nil : try decode(T.self, forKey: key))
    }
}
