public import Booking
public import HTTPTypes

/// Every code the API's errors carry, with its HTTP status: the one place statuses are
/// decided, and the list the OpenAPI description's `Error.code` enum must match.
public enum ErrorCode: Hashable, Sendable, CaseIterable {
    case validation, badRequest, invalidToken, unauthenticated, forbidden, notFound, methodNotAllowed
    case conflict, emailTaken, phoneTaken, slugTaken, sessionExists, payloadTooLarge, idempotencyKeyReused, passwordTooLong, rateLimited
    case invalidCode, verificationRequired, accountBlocked, invalidText, notRefundable
    case internalError, paymentsUnavailable, providerRefused, providerUnavailable, busy, storeUnavailable, notReady
    /// A booking rule's refusal, under the rule's own code ("CLASS_FULL").
    case refused(BookingRefusal)

    public static var allCases: [ErrorCode] {
        [
            .validation, .badRequest, .invalidToken, .invalidCode, .unauthenticated, .forbidden, .verificationRequired, .accountBlocked, .notFound,
            .methodNotAllowed, .conflict, .emailTaken, .phoneTaken, .slugTaken, .sessionExists, .payloadTooLarge, .idempotencyKeyReused,
            .passwordTooLong, .invalidText, .notRefundable, .rateLimited, .internalError, .paymentsUnavailable, .providerRefused, .providerUnavailable,
            .busy, .storeUnavailable, .notReady,
        ] + BookingRefusal.allCases.filter { $0 != .forbidden }.map(ErrorCode.refused)
    }

    public var rawValue: String {
        switch self {
        case .validation: "VALIDATION_ERROR"
        case .badRequest: "BAD_REQUEST"
        case .invalidToken: "INVALID_TOKEN"
        case .unauthenticated: "UNAUTHENTICATED"
        case .forbidden: "FORBIDDEN"
        case .notFound: "NOT_FOUND"
        case .methodNotAllowed: "METHOD_NOT_ALLOWED"
        case .conflict: "CONFLICT"
        case .phoneTaken: "PHONE_TAKEN"
        case .invalidCode: "INVALID_CODE"
        case .invalidText: "INVALID_TEXT"
        case .verificationRequired: "VERIFICATION_REQUIRED"
        case .accountBlocked: "ACCOUNT_BLOCKED"
        case .passwordTooLong: "PASSWORD_TOO_LONG"
        case .emailTaken: "EMAIL_TAKEN"
        case .slugTaken: "SLUG_TAKEN"
        case .sessionExists: "SESSION_EXISTS"
        case .payloadTooLarge: "PAYLOAD_TOO_LARGE"
        case .idempotencyKeyReused: "IDEMPOTENCY_KEY_REUSED"
        case .rateLimited: "RATE_LIMITED"
        case .internalError: "INTERNAL_ERROR"
        case .paymentsUnavailable: "PAYMENTS_UNAVAILABLE"
        case .providerRefused: "PAYMENT_PROVIDER_REFUSED"
        case .providerUnavailable: "PAYMENT_PROVIDER_UNAVAILABLE"
        case .notRefundable: "NOT_REFUNDABLE"
        case .busy: "BUSY"
        case .storeUnavailable: "STORE_UNAVAILABLE"
        case .notReady: "NOT_READY"
        case .refused(let refusal): refusal.rawValue
        }
    }

    public var status: HTTPResponse.Status {
        switch self {
        case .validation, .badRequest, .invalidToken, .invalidCode: .badRequest
        case .unauthenticated: .unauthorized
        case .forbidden, .verificationRequired, .accountBlocked: .forbidden
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .conflict, .emailTaken, .phoneTaken, .slugTaken, .sessionExists: .conflict
        case .payloadTooLarge: .contentTooLarge
        case .idempotencyKeyReused, .passwordTooLong, .invalidText, .notRefundable: .unprocessableContent
        case .rateLimited: .tooManyRequests
        case .internalError: .internalServerError
        // The provider's refusal or silence is upstream, not ours: 502 and 503, never a 500.
        case .providerRefused: .badGateway
        case .paymentsUnavailable, .providerUnavailable, .busy, .storeUnavailable, .notReady: .serviceUnavailable
        case .refused(let refusal):
            switch refusal {
            case .insufficientCredits: HTTPResponse.Status(code: 402, reasonPhrase: "Payment Required")
            case .forbidden, .tokenForAnotherGym, .memberBlocked, .noShowLimit: .forbidden
            case .bookingConflict, .classFull, .alreadyCheckedIn, .notCancellable, .bookingCancelled, .notConfirmed: .conflict
            // A bad QR code is the code's fault, not the staff member's session: never a 401,
            // which apps read as "signed out".
            case .invalidToken, .tokenExpired: .unprocessableContent
            case .creditsMismatch, .sessionCancelled, .bookingNotYetOpen, .bookingWindowClosed, .cancellationClosed, .checkInNotOpen, .checkInClosed,
                .outsideGeofence, .sessionEnded, .sessionNotStarted, .recordedInFuture:
                .unprocessableContent
            }
        }
    }
}
