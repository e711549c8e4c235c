import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Strong ETags over an answer's bytes, and `If-None-Match` compared weakly as RFC 9110 says
/// (`W/"…"` matches too): one place for every answer that revalidates.
enum EntityTag {
    static func of(_ bytes: some DataProtocol) -> String {
        "\"" + SHA256.hash(data: bytes).prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
    }

    /// Whether an `If-None-Match` list holds `tag`.
    static func matches(_ list: String, _ tag: String) -> Bool {
        list.trimmingCharacters(in: .whitespaces) == "*" || list.split(separator: ",").contains { candidate in
            var candidate = candidate.trimmingCharacters(in: .whitespaces)
            if candidate.hasPrefix("W/") { candidate.removeFirst(2) }
            return candidate == tag
        }
    }

    /// A fixed document (the API description, its page): a 304 when the client holds `tag`,
    /// else the bytes, gzipped when taken.
    static func answer(_ bytes: some Collection<UInt8>, tag: String, contentType: String, for request: Request) -> Response {
        var headers: HTTPFields = [.contentType: contentType, .eTag: tag, .cacheControl: "public, max-age=300"]
        if let wanted = request.headers[.ifNoneMatch], matches(wanted, tag) { return Response(status: .notModified, headers: headers) }
        let body = Compression.body(bytes, for: request, headers: &headers)
        return Response(status: .ok, headers: headers, body: body)
    }
}
