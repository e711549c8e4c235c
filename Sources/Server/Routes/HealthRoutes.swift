import Foundation
import Hummingbird
import Marketplace
import Storage

/// Liveness, readiness and metrics, outside /api/v1: what load balancers and Prometheus ask.
struct HealthRoutes {
    let services: ServerServices

    func register(on router: Router<AppContext>) {
        router.get("health") { _, _ in Reply(["status": "ok"]) }
        router.get("ready") { _, _ in try await ready() }
        let spec = Bundle.module.url(forResource: "openapi", withExtension: "yaml").flatMap { try? Data(contentsOf: $0) }
        let specTag = spec.map(EntityTag.of)
        router.get("openapi.yaml") { request, _ in
            guard let spec, let specTag else { throw APIError.notFound("the API description is not installed beside this binary") }
            return EntityTag.answer(spec, tag: specTag, contentType: "application/yaml; charset=utf-8", for: request)
        }
        // The same description as a page a person reads.
        let docs = spec.flatMap { APIDocsPage.render(String(decoding: $0, as: UTF8.self)) }
        router.get("docs") { request, _ in
            guard let docs, let specTag else { throw APIError.notFound("the API description is not installed beside this binary") }
            return EntityTag.answer(Array(docs.utf8), tag: specTag, contentType: "text/html; charset=utf-8", for: request)
        }
        router.get("metrics") { _, _ in
            let (gyms, classes, sessions) = services.index.counts
            services.metrics.indexSize(gyms: gyms, classes: classes, sessions: sessions)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: services.metrics.registry.emitToBuffer()))
            )
        }
    }

    /// Ready when the server is not shutting down, the store answers and takes writes, and the
    /// index is not missing other servers' changes (it is built before the server listens);
    /// else a 503 saying why.
    private func ready() async throws -> Reply<Readiness> {
        if services.draining.isDraining {
            throw APIError(.notReady, "this server is shutting down: it finishes the requests it has; send new ones to another")
        }
        if services.freshness.isRestoring {
            throw APIError(
                .notReady, "the index was loaded from a snapshot and is reading back what the store changed since; search answers from it meanwhile",
                headers: [.retryAfter: "1"]
            )
        }
        if let behind = services.freshness.staleSeconds {
            throw APIError(.notReady, "the index has been missing other servers' changes for \(behind) s; search answers from it meanwhile", headers: [.retryAfter: "2"])
        }
        do { try await services.store.ping() } catch {
            throw APIError(.notReady, "the store does not answer", headers: [.retryAfter: "2"])
        }
        // Why it cannot is in the server's log (with the requests that failed), not in the answer.
        if services.store.database.outage != nil {
            throw APIError(.notReady, "the store cannot take writes right now; retry shortly", headers: [.retryAfter: "2"])
        }
        return Reply(Readiness(status: "ready", store: "reachable", indexGyms: services.index.counts.gyms))
    }

    struct Readiness: Encodable, Sendable {
        var status: String
        var store: String
        var indexGyms: Int
    }
}
