import HTTPTypes
import Hummingbird

/// The methods each route pattern answers, read from the router once its routes are in, so a
/// request with the wrong method is a 405 naming those in `Allow` rather than a 404.
final class RouteMethods: Sendable {
    private let table: [(components: [Substring], methods: [String])]

    init(_ routes: [Router<AppContext>.RouteDescription]) {
        var byPath: [String: Set<String>] = [:]
        for route in routes { byPath[route.path.description, default: []].insert(route.method.rawValue) }
        table = byPath.map { path, methods in
            (path.split(separator: "/"), methods.union(methods.contains("GET") ? ["HEAD"] : []).sorted())
        }
    }

    /// The methods `path` answers, when some route's pattern matches it.
    func methods(for path: String) -> [String]? {
        let parts = path.split(separator: "/")
        for entry in table where entry.components.count == parts.count {
            let matches = zip(entry.components, parts).allSatisfy { pattern, part in
                pattern == part || (pattern.hasPrefix("{") && pattern.hasSuffix("}")) || pattern == "*"
            }
            if matches { return entry.methods }
        }
        return nil
    }
}

/// Added after every route, so it wraps only the router's not-found answer: a path some route
/// answers with other methods is a 405 with `Allow`, not a 404.
struct MethodNotAllowedMiddleware: RouterMiddleware {
    typealias Context = AppContext
    let routes: RouteMethods

    func handle(_ request: Request, context: AppContext, next: (Request, AppContext) async throws -> Response) async throws -> Response {
        guard let methods = routes.methods(for: request.uri.path), !methods.contains(request.method.rawValue) else {
            return try await next(request, context)
        }
        let allowed = methods.joined(separator: ", ")
        throw APIError(.methodNotAllowed, "\(request.uri.path) answers \(allowed), not \(request.method.rawValue)", headers: [.allow: allowed])
    }
}
