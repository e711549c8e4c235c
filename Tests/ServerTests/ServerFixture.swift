import Booking
import Datasets
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Marketplace
import Notifications
import Payments
import Server
import Storage
import Synchronization
import TestSupport
import Testing

/// A migrated store filled with 60 generated Johannesburg gyms, the index built from it and
/// kept in step by `IndexSync`, and the API in front, on a clock the test can move.
struct ServerFixture {
    let store: Store
    let index: MarketplaceIndex
    let services: ServerServices
    let gyms: [StoredGym]
    let clock: MovableClock
    let sync: IndexSync
    let sandbox: SandboxProvider
    let postgresURL: String?

    static let sandboxSecret = "whsec_" + Data("sandbox webhook secret for tests".utf8).base64EncodedString()

    static let start = ISO8601.parse("2026-11-25T06:00:00Z")!
    static let reference = try! ReferenceData(directory: ReferenceData.defaultDirectory())
    static let areas = try! NamedAreas(cities: reference.cities, places: reference.places)
    static let countries = try! Countries(contentsOf: ReferenceData.defaultDirectory().appending(path: "countries.tsv"))
    static let dataset: Dataset = try! DatasetGenerator(reference: reference)
        .generate(cities: [reference.city(named: "johannesburg")!], gyms: 60, seed: 7)

    /// A server on a fresh store; or, with `sharing`, a second server on the same PostgreSQL
    /// database as another, as when several servers run behind a load balancer.
    static func make(
        _ kind: StoreKind, sharing other: ServerFixture? = nil, postgresURL: String? = nil, rateLimits: RateLimits = .off,
        corsOrigins: Set<String> = [], providers: [any PaymentProvider] = [], whatsappWebhook: WhatsAppWebhook? = nil
    ) async throws -> ServerFixture {
        let database: any Database
        var listenURL: String?
        switch (kind, other?.postgresURL ?? postgresURL) {
        case (.postgres, let shared?):
            listenURL = shared
            database = try PostgresDatabase(url: shared, connections: 4, contextKey: StoreKind.contextKey)
        default:
            (database, listenURL, _) = try await kind.openFresh()
        }
        let store = Store(
            database: database, checkInSecret: Array("check-in secret for tests, 32+ bytes".utf8),
            currencies: Currencies(base: Money(cents: 5_000, currency: "ZAR"), byCountry: countries.currencyByKey)
        )
        try await store.migrate(now: start)
        try await store.catalog.importDataset(dataset, from: start, to: start + 14 * 86_400, now: start)
        let clock = MovableClock(start)
        let serverClock = ServerClock { clock.now }
        let loader = CatalogLoader(store: store, places: dataset.places, horizonDays: 14)
        let index = try await loader.buildIndex(now: start)
        let authenticator = await Authenticator(
            secret: Array("jwt secret for tests, 32 bytes or more".utf8), bcryptCost: 4,
            commonPasswords: Authenticator.commonPasswords(in: ReferenceData.defaultDirectory().appending(path: "common-passwords.txt"))
        )
        let sandbox = SandboxProvider(webhookSecret: sandboxSecret)!
        let services = ServerServices(store: store, index: index, authenticator: authenticator, clock: serverClock, providers: providers + [sandbox],
            rateLimits: rateLimits, corsOrigins: corsOrigins, areas: areas, whatsappWebhook: whatsappWebhook,
            freshness: IndexFreshness(threshold: .seconds(1))
        )
        let sync = IndexSync(loader: loader, index: index, clock: serverClock, listenURL: listenURL, freshness: services.freshness)
        return ServerFixture(
            store: store, index: index, services: services, gyms: try await store.catalog.gyms(from: start, to: start + 14 * 86_400),
            clock: clock, sync: sync, sandbox: sandbox, postgresURL: listenURL
        )
    }

    /// Runs `body` against the API, with the index following the store meanwhile.
    /// With `.live`, requests go over real HTTP to a server on loopback.
    func test(
        _ setup: TestingSetup = .router, idleTimeout: Duration = .seconds(30), deadlines: RequestDeadlines = .standard,
        connections: ConnectionCounts? = nil,
        _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let app = Application(
            router: StudioLoopApplication.router(services), server: StudioLoopApplication.server(idleTimeout: idleTimeout, deadlines: deadlines, connections: connections)
        )
        let sync = self.sync
        let syncing = Task { try await sync.run() }
        defer { syncing.cancel() }
        try await app.test(setup) { client in try await body(client) }
    }

    /// Signs up an account with `password`, its email not yet proven; returns its email, id and
    /// first tokens.
    func register(_ name: String, password: String, client: any TestClientProtocol) async throws -> (email: String, id: String, access: String, refresh: String) {
        let email = "\(name)-\(UUID().uuidString.prefix(6))@example.com"
        let response = try await client.json(
            "/api/v1/auth/register", method: .post, body: ["email": email, "password": password, "first_name": name, "last_name": "Tester"]
        )
        guard response.status == .created else { throw StoreError.invalid("register failed: \(response.status) \(response.text)") }
        let o = response.object
        return (email, o["user_id"] as! String, o["access_token"] as! String, o["refresh_token"] as! String)
    }

    /// Registers a member and grants them credits; returns their id and access token.
    func member(_ name: String, universalCredits: Int = 0, gymCredits: [(String, Int)] = [], client: any TestClientProtocol) async throws -> (id: String, token: String) {
        let email = "\(name)-\(UUID().uuidString.prefix(8))@example.com"
        let response = try await client.json(
            "/api/v1/auth/register", method: .post,
            body: ["email": email, "password": "correct horse 9", "first_name": name, "last_name": "Tester"]
        )
        guard response.status == .created else { throw StoreError.invalid("register failed: \(response.status) \(response.text)") }
        let id = response.object["user_id"] as! String
        // Proven as a member would: the code from the verification email.
        let verified = try await client.json("/api/v1/auth/verify", method: .post, body: [
            "email": email, "code": try await outboxField("code", kind: "email_verification", user: id),
        ])
        guard verified.status == .ok else { throw StoreError.invalid("verify failed: \(verified.status) \(verified.text)") }
        if universalCredits > 0 { try await store.ledger.grantCredits(member: id, tenant: nil, credits: universalCredits, now: clock.now) }
        for (gym, credits) in gymCredits { try await store.ledger.grantCredits(member: id, tenant: gym, credits: credits, now: clock.now) }
        return (id, response.object["access_token"] as! String)
    }

    /// A field of the newest account message of `kind` to `user`, read from the outbox as the
    /// mailer or the WhatsApp adapter would.
    func outboxField(_ field: String, kind: String, user: String) async throws -> String {
        let payload = try await store.database.transaction { db in
            try db.setContext(.system)
            return try db.query(
                "SELECT payload FROM outbox WHERE kind = $1 AND user_id = $2 ORDER BY created_at DESC, id LIMIT 1", .text(kind), .text(user)
            ).first?["payload"].text
        }
        guard let payload, let object = try JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: String], let value = object[field]
        else { throw StoreError.notFound("\(kind) message with a \(field)") }
        return value
    }

    /// The ledger's balance of `account` in `unit` ("cents:ZAR", "credits").
    func balance(_ account: String, _ unit: String) async throws -> Int64 {
        try await store.database.transaction { db in
            try db.setContext(.system)
            return try db.query("SELECT COALESCE(SUM(amount), 0) AS total FROM ledger_postings WHERE account = $1 AND unit = $2", .text(account), .text(unit))
                .first?["total"].integer ?? 0
        }
    }

    /// Fails the test unless every ledger transaction balances and every member's postings
    /// equal their lots.
    func expectBalancedLedger(_ step: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let audit = try await store.ledger.auditLedger()
        #expect(audit.isClean, "after \(step): \(audit)", sourceLocation: sourceLocation)
    }

    /// A session of a marketplace gym starting between 26 hours and 3 days from now (so a
    /// cancellation is in time for a refund), with spots; with `after`, one starting 4 hours to 3 days
    /// after that time (so a member may book both).
    func openSession(marketplace: Bool = true, after: Int64? = nil) -> (sessionId: String, gym: StoredGym, start: Int64) {
        let earliest = max(clock.now + 26 * 3600, (after ?? 0) + 4 * 3600), latest = (after ?? clock.now) + 3 * 86_400
        for gym in gyms where gym.tenant.marketplaceEnabled == marketplace && gym.tenant.isActive {
            for s in gym.sessions where !s.isCancelled && s.availableSpots > 2 && s.start > earliest && s.start < latest {
                let c = gym.classes[s.classIndex]
                guard c.isActive else { continue }
                return (SessionSchedule.sessionID(classId: c.id, start: s.start), gym, s.start)
            }
        }
        fatalError("the fixture has no open session")
    }
}

/// A clock tests move by hand.
final class MovableClock: Sendable {
    private let seconds: Atomic<Int64>
    init(_ start: Int64) { seconds = Atomic(start) }
    var now: Int64 { seconds.load(ordering: .relaxed) }
    func set(_ value: Int64) { seconds.store(value, ordering: .relaxed) }
}

/// A response read as JSON.
struct JSONResponse {
    var status: HTTPResponse.Status
    var headers: HTTPFields
    var text: String

    var object: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:] }
    var error: (code: String, message: String, requestId: String)? {
        guard let e = object["error"] as? [String: Any] else { return nil }
        return (e["code"] as? String ?? "", e["message"] as? String ?? "", e["request_id"] as? String ?? "")
    }
}

extension TestClientProtocol {
    func json(
        _ uri: String, method: HTTPRequest.Method = .get, token: String? = nil, body: [String: Any]? = nil, raw: String? = nil,
        headers extra: HTTPFields = [:]
    ) async throws -> JSONResponse {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var buffer: ByteBuffer?
        if let body { buffer = ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)) }
        if let raw { buffer = ByteBuffer(string: raw) }
        if buffer != nil, headers[.contentType] == nil { headers[.contentType] = "application/json" }
        return try await execute(uri: uri, method: method, headers: headers, body: buffer) { response in
            JSONResponse(status: response.status, headers: response.headers, text: String(buffer: response.body))
        }
    }
}

/// A gym opened through the API, as its owner would, with one class.
struct OpenedGym {
    var id: String
    var slug: String
    var classId: String
    var location: (lat: Double, lng: Double)
}

extension ServerFixture {
    /// Opens a gym in Kigali (owned by `owner`) with one class on the given weekly slots.
    func openGym(
        _ name: String, owner: String, client: any TestClientProtocol, capacity: Int = 12, credits: Int = 2,
        slots: [[String: Any]] = [["weekday": 2, "start": "06:30"], ["weekday": 4, "start": "18:00"]], marketplace: Bool = true,
        location: (lat: Double, lng: Double) = (-1.9441, 30.0619)
    ) async throws -> OpenedGym {
        let slug = "gym-\(UUID().uuidString.prefix(8).lowercased())"
        let created = try await client.json("/api/v1/tenants", method: .post, token: owner, body: [
            "name": name, "slug": slug, "email": "hello@\(slug).rw", "phone": "+250 788 000 000",
            "address": ["street": "KG 7 Ave", "suburb": "Kacyiru", "city": "Kigali", "province": "Kigali", "postal_code": "", "country": "Rwanda"],
            "location": ["lat": location.lat, "lng": location.lng], "timezone": "Africa/Kigali", "marketplace_enabled": marketplace,
        ])
        guard created.status == .created else { throw StoreError.invalid("open gym failed: \(created.status) \(created.text)") }
        let added = try await client.json("/api/v1/tenants/\(slug)/classes", method: .post, token: owner, body: [
            "name": "\(name) Bootcamp", "class_type": "hiit", "duration_minutes": 45, "max_capacity": capacity, "credits_required": credits,
            "weekly_slots": slots,
        ])
        guard added.status == .created else { throw StoreError.invalid("add class failed: \(added.status) \(added.text)") }
        return OpenedGym(id: created.object["id"] as! String, slug: slug, classId: added.object["id"] as! String, location: location)
    }

    /// A one-off session of `gym`'s class at `start`; returns its id.
    func addSession(_ gym: OpenedGym, at start: Int64, owner: String, client: any TestClientProtocol) async throws -> String {
        let response = try await client.json(
            "/api/v1/tenants/\(gym.slug)/schedules", method: .post, token: owner, body: ["class_id": gym.classId, "start_time": ISO8601.format(start)]
        )
        guard response.status == .created else { throw StoreError.invalid("add session failed: \(response.status) \(response.text)") }
        return response.object["id"] as! String
    }

    /// The email a member registered with, as their profile shows it.
    func email(of token: String, client: any TestClientProtocol) async throws -> String {
        try await client.json("/api/v1/users/profile", token: token).object["email"] as! String
    }
}
