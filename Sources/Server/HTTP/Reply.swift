import Datasets
import Domain
import Foundation
import HTTPTypes
import Hummingbird

/// A JSON answer. A `GET` answer carries a strong `ETag` over its bytes and becomes a bodiless
/// 304 when the client's `If-None-Match` already holds it (weakly compared, as RFC 9110 says
/// `If-None-Match` is: `W/"…"` matches too), so the app's offline cache revalidates cheaply.
/// Bodies are gzipped for clients that take it.
struct Reply<Value: Encodable & Sendable>: ResponseGenerator {
    var value: Value
    var status: HTTPResponse.Status = .ok
    /// Headers of the route's own, beside those every answer gets.
    var headers: HTTPFields = [:]

    init(_ value: Value, status: HTTPResponse.Status = .ok) {
        self.value = value
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONLines.encoder().encode(value)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        headers.append(contentsOf: self.headers)
        if request.method == .get && status == .ok {
            let tag = EntityTag.of(data)
            headers[.eTag] = tag
            headers[.cacheControl] = "private, no-cache"
            if let wanted = request.headers[.ifNoneMatch], EntityTag.matches(wanted, tag) {
                return Response(status: .notModified, headers: headers)
            }
        }
        let body = Compression.body(data, for: request, headers: &headers)
        return Response(status: status, headers: headers, body: body)
    }
}

/// A request body decoded with the API's rules, or a 400 saying what is wrong with it. A field
/// the body type does not have is refused too, rather than ignored: a misspelt `reson` must not
/// cancel a booking without its reason, nor an unknown key reset a setting to its default.
extension Request {
    func json<T: Decodable>(_ type: T.Type, context: AppContext) async throws -> T {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        let value = try await Request(head: head, body: .init(buffer: buffer)).decode(as: type, context: context)
        let known = Set(Mirror(reflecting: value).children.compactMap { $0.label?.snakeCased })
        // Read in full: the typed decoder skips what it does not need, numbers out of range too.
        guard case .object(let fields)? = try? JSONDecoder().decode(JSONValue.self, from: Data(buffer: buffer)) else {
            throw APIError.validation("the body is not valid JSON (a number out of range?)")
        }
        if let unknown = fields.keys.filter({ !known.contains($0) }).sorted().first {
            throw APIError.validation("unknown field '\(unknown)' (known: \(known.sorted().joined(separator: ", ")))")
        }
        return value
    }

    /// A body that may be left out entirely (a DELETE with an optional reason).
    func optionalJSON<T: Decodable>(_ type: T.Type, context: AppContext) async throws -> T? {
        let buffer = try await body.collect(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return nil }
        return try await Request(head: head, body: .init(buffer: buffer)).json(type, context: context)
    }
}
