import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Storage

/// The outermost middleware: gives every request an id (the client's `X-Request-ID` when it is
/// sane, else a new UUID), answers every error in the API's envelope, logs server faults, and
/// counts each request in the metrics by its route pattern.
struct RequestMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let metrics: ServerMetrics

    static let requestIDHeader = HTTPField.Name("X-Request-ID")!

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        var context = context
        context.requestId = Self.requestId(from: request.headers[Self.requestIDHeader])
        // The id goes into the log lines that need it (`requestMetadata`), not into the logger's
        // metadata: setting that re-renders it per request (2.6 % of a search's samples).
        var response: Response
        do {
            // Hummingbird passes a value it cannot decode through as it is; a search would then
            // look for "%ZZ" and find nothing, a 200 that hides the client's bug.
            if let query = request.uri.query, !Self.isDecodable(query) {
                throw APIError(.badRequest, "the query string is not valid percent-encoded UTF-8")
            }
            response = try await next(request, context)
        } catch {
            let apiError = APIError(from: error)
            if apiError.status.code >= 500 {
                context.logger.error("\(request.method) \(request.uri.path) failed: \(String(reflecting: error))", metadata: context.requestMetadata)
            }
            response = try apiError.response(from: request, context: context)
        }
        response.headers[Self.requestIDHeader] = context.requestId
        metrics.requestFinished(
            route: context.endpointPath ?? "unmatched", method: request.method.rawValue, status: response.status.code,
            duration: ContinuousClock.now - started
        )
        return response
    }

    /// Whether every `%` starts two hex digits and what they decode to is UTF-8.
    static func isDecodable(_ query: String) -> Bool {
        // Without a `%` the text is already UTF-8: nothing to decode (most queries, search's too).
        guard query.utf8.contains(UInt8(ascii: "%")) else { return true }
        var bytes: [UInt8] = []
        var iterator = query.utf8.makeIterator()
        while let byte = iterator.next() {
            guard byte == UInt8(ascii: "%") else { bytes.append(byte); continue }
            guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return false }
            bytes.append(high << 4 | low)
        }
        return String(validating: bytes, as: UTF8.self) != nil
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The client's id if it is short and plain (it ends up in logs), else a fresh one.
    static func requestId(from header: String?) -> String {
        if let header, (1...128).contains(header.utf8.count),
            header.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
        {
            return header
        }
        return UUID().uuidString.lowercased()
    }
}

/// Reads `Authorization: Bearer <token>`: a valid access token signs the request in; a token
/// that is present but forged, expired, of an account that is gone or of a session that was
/// ended (a password reset, a stolen refresh token) is refused at once, so a client never
/// mistakes a stale session for anonymous browsing.
struct BearerMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let authenticator: Authenticator
    let sessions: SessionVersions
    let clock: ServerClock

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else { return try await next(request, context) }
        guard header.lowercased().hasPrefix("bearer ") else {
            throw APIError.unauthenticated("Authorization must be 'Bearer <access token>'")
        }
        let token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
        guard let (user, version) = await authenticator.claims(fromAccessToken: token, now: clock.now()) else {
            throw APIError.unauthenticated("the access token is invalid or expired; refresh it or sign in again")
        }
        guard let current = try await sessions.current(user), current == version else {
            throw APIError.unauthenticated("this session has ended (signed out, the password changed, or the account is blocked or gone); sign in again")
        }
        var context = context
        context.userId = user
        return try await next(request, context)
    }
}

/// `X-Tenant-ID`, as the seed's client sends it: accepted from a signed-in user who is staff
/// or a member at that gym (by the database, not the token), refused otherwise, and carried in
/// the context for the routes.
struct TenantHeaderMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let staff: StaffStore

    static let header = HTTPField.Name("X-Tenant-ID")!

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        guard let tenant = request.headers[Self.header] else { return try await next(request, context) }
        let user = try context.requireUser()
        guard (1...100).contains(tenant.utf8.count), try await staff.belongs(user, to: tenant) else {
            throw APIError.forbidden("X-Tenant-ID names a gym where you are neither staff nor a member")
        }
        var context = context
        context.tenantId = tenant
        return try await next(request, context)
    }
}

/// Limits how often one client may call the API: a signed-in user by their id, anyone else by
/// address (behind a trusted proxy, the address it forwards). Sign-in, sign-up and
/// password-reset requests have a tighter limit per address of their own, against guessing.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let limiters: RateLimiters

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        var context = context
        context.clientAddress = limiters.clientAddress(peer: context.remoteAddress, forwardedFor: request.headers[Self.forwardedFor])
        let path = request.uri.path
        if path.hasPrefix("/api/") {
            if let auth = limiters.auth, path.hasPrefix("/api/v1/auth/"), let wait = auth.take(context.clientAddress) {
                throw APIError.rateLimited(retryAfter: wait)
            }
            let wait = if let user = context.userId { limiters.user?.take(user) } else { limiters.anonymous?.take(context.clientAddress) }
            if let wait { throw APIError.rateLimited(retryAfter: wait) }
        }
        return try await next(request, context)
    }
}
