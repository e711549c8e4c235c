import Crypto
import Datasets
import Foundation
import HTTPTypes
import Hummingbird

/// A JSON answer. A `GET` answer carries a strong `ETag` over its bytes and becomes a bodiless
/// 304 when the client's `If-None-Match` already holds it, so the app's offline cache revalidates
/// cheaply.
struct Reply<Value: Encodable & Sendable>: ResponseGenerator {
    var value: Value
    var status: HTTPResponse.Status = .ok

    init(_ value: Value, status: HTTPResponse.Status = .ok) {
        self.value = value
        self.status = status
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let data = try JSONLines.encoder().encode(value)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if request.method == .get && status == .ok {
            let tag = "\"" + SHA256.hash(data: data).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
            headers[.eTag] = tag
            headers[.cacheControl] = "private, no-cache"
            if let wanted = request.headers[.ifNoneMatch],
                wanted == "*" || wanted.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == tag })
            {
                return Response(status: .notModified, headers: headers)
            }
        }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// A request body decoded with the API's rules, or a 400 saying what is wrong with it.
extension Request {
    func json<T: Decodable>(_ type: T.Type, context: AppContext) async throws -> T {
        try await decode(as: type, context: context)
    }
}
