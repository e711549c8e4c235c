import Foundation
import Hummingbird
import Marketplace

/// `/marketplace/search`: GET with query parameters, or POST with the same as a JSON body and
/// optionally an `area` polygon that would not fit a URL. Both are read by `SearchQuery`
/// itself; its errors name the parameter at fault.
struct SearchRoutes {
    let services: ServerServices

    func register(on api: RouterGroup<AppContext>) {
        api.get("marketplace/search") { request, _ in
            var values: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { values[String(key)] = String(value) }
            return try search(SearchQuery(parameters: values, areas: services.areas, now: services.clock.now()), for: request)
        }
        api.post("marketplace/search") { request, context in
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            return try search(SearchQuery(json: Data(buffer: body), areas: services.areas, now: services.clock.now()), for: request)
        }
    }

    /// Written by the page's own JSON writer, and without an ETag: every answer differs (its
    /// `took_ms`, live spots), so there is nothing to revalidate.
    private func search(_ query: SearchQuery, for request: Request) throws -> Response {
        let page = try services.index.search(query)
        services.metrics.searched(indexMilliseconds: page.tookMs)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        let body = Compression.body(page.jsonBytes(), for: request, headers: &headers)
        return Response(status: .ok, headers: headers, body: body)
    }
}
