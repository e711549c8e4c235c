public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// One call to a provider's HTTP API, classified the way a payment needs: a 2xx answer's body,
/// a refusal (4xx, not worth retrying as it is), or unavailable (no answer in time, a 5xx or a
/// 429: retried later with the same idempotency key, which makes the retry safe).
struct ProviderHTTP: Sendable {
    let client: HTTPClient
    let timeout: TimeAmount

    enum Body {
        case json([String: any Sendable])
        case form([(String, String)])
        case none
    }

    func post(_ url: String, headers: [(String, String)], body: Body) async throws(ProviderCallError) -> Data {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        switch body {
        case .json(let object):
            request.headers.add(name: "Content-Type", value: "application/json")
            guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
                throw .refused(status: 0, message: "the request body is not JSON")
            }
            request.body = .bytes(ByteBuffer(bytes: data))
        case .form(let fields):
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: FormEncoding.encode(fields)))
        case .none:
            break
        }
        let status: Int, reply: ByteBuffer
        do {
            let response = try await client.execute(request, timeout: timeout)
            status = Int(response.status.code)
            reply = try await response.body.collect(upTo: 1 << 20)
        } catch {
            throw .unavailable("\(url): \(error)")
        }
        let text = String(buffer: reply)
        switch status {
        case 200..<300: return Data(text.utf8)
        case 429, 500...: throw .unavailable("\(url) answered \(status): \(text.prefix(200))")
        default: throw .refused(status: status, message: String(text.prefix(300)))
        }
    }
}

/// `application/x-www-form-urlencoded`, as Stripe reads it: every byte outside the unreserved
/// set percent-encoded, bracketed keys for nested fields.
enum FormEncoding {
    static func encode(_ fields: [(String, String)]) -> String {
        fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

}
