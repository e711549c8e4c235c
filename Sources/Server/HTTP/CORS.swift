import Foundation
import HTTPTypes
import Hummingbird

/// Cross-origin requests from the origins an operator allows (`STUDIOLOOP_CORS_ORIGINS`, or
/// `*` for any), through Hummingbird's `CORSMiddleware`: preflights are answered, credentials
/// stay off (the API takes bearer tokens, not cookies), and the headers an app reads
/// (`X-Request-ID`, `ETag`, `Retry-After`) are exposed. Requests from other origins get no
/// CORS headers, so the browser keeps them out.
struct AllowedOriginsCORS: RouterMiddleware {
    typealias Context = AppContext
    let origins: Set<String>
    private let cors = CORSMiddleware<AppContext>(
        allowOrigin: .originBased,
        allowHeaders: [
            .accept, .authorization, .contentType, .origin, .ifNoneMatch, HTTPField.Name("Idempotency-Key")!, HTTPField.Name("X-Request-ID")!,
            HTTPField.Name("X-Tenant-ID")!,
        ],
        allowMethods: [.get, .head, .post, .put, .patch, .delete, .options],
        allowCredentials: false,
        exposedHeaders: Self.exposed.components(separatedBy: ", "),
        maxAge: .seconds(600)
    )

    init(origins: Set<String>) {
        self.origins = origins
    }

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        guard let origin = request.headers[.origin], origins.contains("*") || origins.contains(origin) else {
            return try await next(request, context)
        }
        var response = try await cors.handle(request, context: context, next: next)
        // The browser lets a script read these only when the answer itself names them.
        if request.method != .options { response.headers[.accessControlExposeHeaders] = Self.exposed }
        return response
    }

    private static let exposed = "X-Request-ID, ETag, Retry-After, Content-Encoding, X-Index-Stale-Seconds"
}
