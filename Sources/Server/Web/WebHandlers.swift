import CompressNIO
import Hummingbird
import HTTPTypes

/// How a page route runs: the browser's visit (who is signed in, its CSRF token) is resolved
/// first; a form's CSRF token is checked before its handler runs; an error becomes an HTML page
/// with its status, never JSON; and a first visit's browser cookie is set on the answer.
struct WebHandlers {
    typealias Page = @Sendable (Request, AppContext, WebVisit) async throws -> Response
    typealias Action = @Sendable (Request, AppContext, WebForm, WebVisit) async throws -> Response

    let services: ServerServices

    /// A page read: the visit is resolved first; errors become an HTML page with their status.
    func page(_ router: Router<AppContext>, _ method: HTTPRequest.Method, _ path: RouterPath, _ handler: @escaping Page) {
        router.on(path, method: method) { request, context -> Response in
            let visit = try await services.web.visit(request, now: services.clock.now())
            return try await respond(request, visit, context) { try await handler(request, context, visit) }
        }
    }

    /// A form sent: the CSRF token is checked before anything else happens.
    func action(_ router: Router<AppContext>, _ path: RouterPath, _ handler: @escaping Action) {
        router.post(path) { request, context -> Response in
            let visit = try await services.web.visit(request, now: services.clock.now())
            return try await respond(request, visit, context) {
                let form = try await WebForm.read(request)
                try services.web.check(form, visit: visit, request: request)
                return try await handler(request, context, form, visit)
            }
        }
    }

    func respond(_ request: Request, _ visit: WebVisit, _ context: AppContext, _ body: () async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await body()
        } catch let redirect as WebRedirect {
            response = MemberPages.redirect(redirect.location)
        } catch {
            let problem = APIError(from: error)
            let failed = problem.status.code >= 500
            if failed { context.logger.error("page failed: \(error)", metadata: context.requestMetadata) }
            let words = visit.words
            let message = Message(visitor: visit, title: words(failed ? "Something went wrong" : "That did not work"), text: words.message(problem.message))
            response = try WebRoutes.installed.get().page("message", message, status: problem.status)
            response.headers.append(contentsOf: problem.headers)
        }
        for cookie in services.web.cookies(for: visit) { response.setCookie(cookie) }
        return Self.compressed(response, for: request)
    }

    /// A page gzipped for a browser that takes it: a page is one buffer (`WebPages.page`), so
    /// the one call of the transform compresses all of it. Phones on 3G are who it is for.
    static func compressed(_ response: Response, for request: Request) -> Response {
        guard response.headers[.contentType]?.hasPrefix("text/html") == true, response.headers[.contentEncoding] == nil,
            Compression.acceptsGzip(request.headers[.acceptEncoding])
        else { return response }
        var response = response
        response.headers[.contentEncoding] = "gzip"
        response.headers[.vary] = (response.headers[.vary].map { $0 + ", " } ?? "") + "Accept-Encoding"
        response.body = response.body.map { buffer in
            var buffer = buffer
            return try buffer.compress(with: .gzip)
        }
        return response
    }

    /// Thrown by a page that cannot go on here (nobody signed in): the answer is a redirect.
    struct WebRedirect: Error {
        var location: String

        static func signIn(then path: String) -> WebRedirect { WebRedirect(location: "/login?next=" + MemberPages.queryEscaped(path)) }
    }

    struct Message: PageModel, Sendable {
        var visitor: WebVisit
        var title: String
        var text: String
    }
}
