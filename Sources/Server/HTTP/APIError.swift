import Booking
import Foundation
public import HTTPTypes
public import Hummingbird
import Marketplace
import NIOHTTP1
import Storage

/// An error the API answers with: a stable code the app can switch on (which decides the
/// status) and a message a person can act on. Every error a route throws becomes one, and it
/// renders itself as Hummingbird's errors do: `{"error": {"code", "message", "timestamp", "request_id"}}`.
public struct APIError: HTTPResponseError, Sendable, Equatable {
    public var code: ErrorCode
    public var message: String
    public var headers: HTTPFields = [:]
    /// The code's status, except for Hummingbird's own errors passed on with theirs.
    public var status: HTTPResponse.Status

    public init(_ code: ErrorCode, _ message: String, headers: HTTPFields = [:], status: HTTPResponse.Status? = nil) {
        self.code = code
        self.message = message
        self.headers = headers
        self.status = status ?? code.status
    }

    public static func validation(_ message: String) -> APIError { APIError(.validation, message) }
    public static func unauthenticated(_ message: String) -> APIError { APIError(.unauthenticated, message) }
    public static func forbidden(_ message: String) -> APIError { APIError(.forbidden, message) }
    public static func notFound(_ message: String) -> APIError { APIError(.notFound, message) }
    public static func conflict(_ message: String) -> APIError { APIError(.conflict, message) }
    public static func rateLimited(retryAfter seconds: Int) -> APIError {
        APIError(.rateLimited, "too many requests; try again in \(seconds) s", headers: [.retryAfter: String(seconds)])
    }

    /// Any error a route throws, as the client should see it. Errors that are not the client's
    /// doing become a 500 whose message says nothing of the internals.
    init(from error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as SearchError:
            self = .validation(error.description)
        case let error as HTTPParserError:
            // Broken framing (a chunk size that is not hex, a body cut short) reaches the route
            // when it reads the body: the client's fault, not ours.
            self = APIError(.badRequest, "the request is not well-formed HTTP (\(error))")
        case let error as BookingRefusal:
            self = APIError(error)
        case let error as StoreError:
            switch error {
            case .refused(let refusal): self = APIError(refusal)
            case .notFound(let what): self = .notFound("\(what) not found")
            case .invalid(let why): self = .validation(why)
            case .conflict(let what): self = .conflict(what)
            case .unprocessable(let why): self = APIError(.idempotencyKeyReused, why)
            case .busy: self = APIError(.busy, "the store is busy; retry shortly", headers: [.retryAfter: "1"])
            case .tooMany(let seconds): self = .rateLimited(retryAfter: seconds)
            case .unavailable:
                self = APIError(.storeUnavailable, "the store cannot take requests right now; retry shortly", headers: [.retryAfter: "2"])
            case .schema, .database: self = .internal
            }
        case let error as any HTTPResponseError:
            // Hummingbird's own: a route that does not exist, a body over the limit.
            let message = (error as? HTTPError)?.body
                ?? (error.status == .contentTooLarge ? "the body is larger than the 1 MiB allowed" : error.status.reasonPhrase.lowercased())
            let code: ErrorCode =
                switch error.status.code {
                case 400: .validation
                case 401: .unauthenticated
                case 404: .notFound
                case 405: .methodNotAllowed
                case 413: .payloadTooLarge
                default: error.status.code < 500 ? .badRequest : .internalError
                }
            self = APIError(code, message, headers: (error as? HTTPError)?.headers ?? [:], status: error.status)
        default:
            self = .internal
        }
    }

    init(_ refusal: BookingRefusal) {
        self.init(.refused(refusal), refusal.message)
    }

    static let `internal` = APIError(.internalError, "something went wrong on our side; it has been logged")

    /// The envelope, with the request's id (`AppContext` gives it; other contexts a new one).
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let requestId = (context as? AppContext)?.requestId ?? UUID().uuidString.lowercased()
        var response = Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: body(requestId: requestId, at: Date())))
        )
        response.headers.append(contentsOf: headers)
        // RFC 6750: a 401 says how to authenticate, and whether a token was sent but refused.
        if status == .unauthorized, response.headers[.wwwAuthenticate] == nil {
            let refused = request.headers[.authorization] != nil
            response.headers[.wwwAuthenticate] = refused ? #"Bearer realm="studioloop", error="invalid_token""# : #"Bearer realm="studioloop""#
        }
        return response
    }

    /// The envelope, encoded.
    func body(requestId: String, at date: Date) -> Data {
        let envelope = Envelope(error: .init(
            code: code.rawValue, message: message, timestamp: date.formatted(.iso8601), requestId: requestId
        ))
        return (try? JSONEncoder.envelope.encode(envelope)) ?? Data("{}".utf8)
    }

    private struct Envelope: Encodable {
        var error: Body
        struct Body: Encodable {
            var code: String
            var message: String
            var timestamp: String
            var requestId: String
            enum CodingKeys: String, CodingKey { case code, message, timestamp, requestId = "request_id" }
        }
    }
}

extension JSONEncoder {
    fileprivate static var envelope: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
