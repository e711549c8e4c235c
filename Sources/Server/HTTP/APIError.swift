import Booking
import Foundation
public import HTTPTypes
import Hummingbird
import Marketplace
import Storage

/// An error the API answers with: a status, a stable code the app can switch on, and a message
/// a person can act on. Rendered as `{"error": {"code", "message", "timestamp", "request_id"}}`.
public struct APIError: Error, Sendable, Equatable {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var headers: HTTPFields = [:]

    public init(_ status: HTTPResponse.Status, _ code: String, _ message: String, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers
    }

    public static func validation(_ message: String) -> APIError { APIError(.badRequest, "VALIDATION_ERROR", message) }
    public static func unauthenticated(_ message: String) -> APIError { APIError(.unauthorized, "UNAUTHENTICATED", message) }
    public static func forbidden(_ message: String) -> APIError { APIError(.forbidden, "FORBIDDEN", message) }
    public static func notFound(_ message: String) -> APIError { APIError(.notFound, "NOT_FOUND", message) }
    public static func conflict(_ message: String) -> APIError { APIError(.conflict, "CONFLICT", message) }
    public static func rateLimited(retryAfter seconds: Int) -> APIError {
        APIError(
            .tooManyRequests, "RATE_LIMITED", "too many requests; try again in \(seconds) s",
            headers: [.retryAfter: String(seconds)]
        )
    }

    /// Any error a route throws, as the client should see it. Errors that are not the client's
    /// doing become a 500 whose message says nothing of the internals.
    init(from error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as SearchError:
            self = .validation(error.description)
        case let error as BookingRefusal:
            self = APIError(error)
        case let error as StoreError:
            switch error {
            case .refused(let refusal): self = APIError(refusal)
            case .notFound(let what): self = .notFound("\(what) not found")
            case .invalid(let why): self = .validation(why)
            case .conflict(let what): self = .conflict(what)
            case .unprocessable(let why): self = APIError(.unprocessableContent, "IDEMPOTENCY_KEY_REUSED", why)
            case .busy: self = APIError(.serviceUnavailable, "BUSY", "the store is busy; retry shortly", headers: [.retryAfter: "1"])
            case .unavailable:
                self = APIError(
                    .serviceUnavailable, "STORE_UNAVAILABLE", "the store cannot take requests right now; retry shortly",
                    headers: [.retryAfter: "2"]
                )
            case .schema, .database: self = .internal
            }
        case let error as any HTTPResponseError:
            // Hummingbird's own: a route that does not exist, a body over the limit.
            let message = (error as? HTTPError)?.body
                ?? (error.status == .contentTooLarge ? "the body is larger than the 1 MiB allowed" : error.status.reasonPhrase.lowercased())
            let code =
                switch error.status.code {
                case 400: "VALIDATION_ERROR"
                case 401: "UNAUTHENTICATED"
                case 404: "NOT_FOUND"
                case 405: "METHOD_NOT_ALLOWED"
                case 413: "PAYLOAD_TOO_LARGE"
                default: error.status.code < 500 ? "BAD_REQUEST" : "INTERNAL_ERROR"
                }
            self = APIError(error.status, code, message, headers: (error as? HTTPError)?.headers ?? [:])
        default:
            self = .internal
        }
    }

    init(_ refusal: BookingRefusal) {
        self.init(HTTPResponse.Status(code: refusal.httpStatus), refusal.rawValue, refusal.message)
    }

    static let `internal` = APIError(.internalServerError, "INTERNAL_ERROR", "something went wrong on our side; it has been logged")

    /// The envelope, encoded.
    func body(requestId: String, at date: Date) -> Data {
        let envelope = Envelope(error: .init(
            code: code, message: message, timestamp: date.formatted(.iso8601), requestId: requestId
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

extension BookingRefusal {
    /// What the member or staff reads.
    var message: String {
        switch self {
        case .sessionCancelled: "the gym cancelled this session"
        case .bookingNotYetOpen: "booking for this session has not opened yet"
        case .bookingWindowClosed: "booking for this session has closed"
        case .bookingConflict: "you already hold a booking for this session or one that overlaps it"
        case .classFull: "this session is full and its waitlist is closed (or you asked not to join it)"
        case .insufficientCredits: "not enough credits for this class; buy more or choose a cheaper class"
        case .notCancellable: "this booking is no longer active"
        case .cancellationClosed: "this session has started; the booking can no longer be cancelled"
        case .forbidden: "you may not do this at this gym"
        case .invalidToken: "this check-in code is not valid"
        case .tokenExpired: "this check-in code has expired"
        case .tokenForAnotherGym: "this check-in code belongs to another gym"
        case .bookingCancelled: "this booking was cancelled"
        case .notConfirmed: "only a confirmed booking can be checked in"
        case .alreadyCheckedIn: "this booking is already checked in"
        case .checkInNotOpen: "check-in opens 30 minutes before the class"
        case .checkInClosed: "check-in closed when the class ended"
        case .outsideGeofence: "you are not at the gym; check in when you arrive"
        }
    }
}
