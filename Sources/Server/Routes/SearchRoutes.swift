import Foundation
import HTTPTypes
import Hummingbird
import Marketplace

/// `/marketplace/search`: GET with query parameters, or POST with the same as a JSON body and
/// optionally an `area` polygon that would not fit a URL. Both are read by `SearchQuery`
/// itself; its errors name the parameter at fault. `/marketplace/suggest`: words completed as
/// they are typed. `/marketplace/spots`: the spots left of a
/// page's sessions, as the store has them now, for a results page that keeps them current.
struct SearchRoutes {
    let services: ServerServices

    struct Spots: Encodable, Sendable {
        var spots: [Line]

        struct Line: Encodable, Sendable {
            var sessionId: String
            var spotsLeft: Int
            var status: String
        }
    }

    static let maxSpotSessions = 50

    struct Suggestions: Encodable, Sendable {
        var suggestions: [Line]

        struct Line: Encodable, Sendable {
            var text: String
            var count: Int
        }
    }

    func register(on api: RouterGroup<AppContext>) {
        api.get("marketplace/search") { request, _ in
            var values: [String: String] = [:]
            for (key, value) in request.uri.queryParameters { values[String(key)] = String(value) }
            return try search(SearchQuery(parameters: values, areas: services.areas, now: services.clock.now()), for: request)
        }
        api.get("marketplace/suggest") { request, _ in
            let typed = request.uri.queryParameters["q"].map(String.init) ?? ""
            guard (1...100).contains(typed.count) else { throw APIError.validation("q must be 1 to 100 characters: the words typed so far") }
            return Reply(Suggestions(suggestions: services.index.suggestions(for: typed).map { .init(text: $0.text, count: $0.count) }))
        }
        api.get("marketplace/spots") { request, _ in
            let ids = (request.uri.queryParameters["session_ids"].map(String.init) ?? "").split(separator: ",").map(String.init)
            guard (1...Self.maxSpotSessions).contains(ids.count), ids.allSatisfy({ (1...100).contains($0.count) }) else {
                throw APIError.validation("session_ids must list 1 to \(Self.maxSpotSessions) session ids, separated by commas")
            }
            let sessions = try await services.store.catalog.scheduledSessions(ids: Array(Set(ids)))
            return Reply(Spots(spots: sessions.sorted { $0.id < $1.id }.map {
                .init(sessionId: $0.id, spotsLeft: $0.status == .cancelled ? 0 : $0.availableSpots, status: $0.status.rawValue)
            }))
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
        if let behind = services.freshness.staleSeconds { headers[.indexStaleSeconds] = String(behind) }
        let body = Compression.body(page.jsonBytes(), for: request, headers: &headers)
        return Response(status: .ok, headers: headers, body: body)
    }
}

extension HTTPField.Name {
    /// On a search answer from an index that has been missing other servers' changes this many
    /// seconds (its listener cut off from PostgreSQL): spots may be out of date.
    static let indexStaleSeconds = HTTPField.Name("X-Index-Stale-Seconds")!
}
