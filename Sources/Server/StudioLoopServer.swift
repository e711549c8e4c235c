import Booking
import Datasets
import CMalloc
import Domain
public import Foundation
import Hummingbird
import Logging
import Marketplace
import Notifications
import ServiceLifecycle
public import Storage

/// Starts a server: migrates the store, fills an empty development store from the demo
/// dataset, builds the index from the store, and serves until SIGINT or SIGTERM, when it says
/// not-ready for the drain period, then stops accepting, finishes the requests in flight and
/// flushes the outbox.
public enum StudioLoopServer {
    public static func run(
        database: any Database, storeName: String, listenURL: String?, demoDataset: URL?, configuration: ServerConfiguration,
        clock: ServerClock = .system
    ) async throws {
        let countries: Countries
        do {
            countries = try Countries(contentsOf: ReferenceData.defaultDirectory().appending(path: "countries.tsv"))
        } catch {
            say("note: no Data/countries.tsv (\(error)); every gym sells in \(configuration.currency)")
            countries = Countries([])
        }
        let store = Store(
            database: database, creditValue: Money(cents: configuration.creditValueCents, currency: configuration.currency),
            rates: configuration.commission, checkInSecret: configuration.checkInSecret,
            currencies: Currencies(
                base: Money(cents: configuration.creditValueCents, currency: configuration.currency), creditValues: configuration.creditValues,
                byCountry: countries.currencyByKey
            )
        )
        // Row-level security does not bind a superuser or a BYPASSRLS role: refuse to serve as
        // one in production, where every tenant's rows would be open to every request.
        if let role = try await store.unboundRole() {
            guard configuration.development else {
                throw ConfigurationError(
                    "the database role \(role) is not bound by row-level security: connect as a plain role (NOSUPERUSER NOBYPASSRLS) in production"
                )
            }
            say("warning: serving as the database role \(role), which row-level security does not bind: fine for development, refused in production")
        }
        let now = clock.now()
        try await store.migrate(now: now)
        // A role serving by grants acts for the store's bookkeeping only with the database's
        // context key: without it every such transaction would see nothing.
        guard try await store.signsItsContext() else {
            throw ConfigurationError(
                "this database role cannot sign its transactions' context: set STUDIOLOOP_CONTEXT_KEY to the database's context key (`studioloop migrate --print-context-key` with the owner's database URL)"
            )
        }
        if let owner = try await store.owningRole() {
            say(
                "warning: serving as the database role \(owner), which owns the tables: SQL injected into a request could TRUNCATE them or switch row-level security off; serve as a role with grants only (`studioloop migrate --create-roles`)"
            )
        }
        let reference: ReferenceData?
        do {
            reference = try ReferenceData(directory: ReferenceData.defaultDirectory())
        } catch {
            say("note: no reference data (\(error)); searching by place names and named areas is off")
            reference = nil
        }
        let places = reference?.places ?? []
        let areas = try NamedAreas(cities: reference?.cities ?? [], places: places)
        let loader = CatalogLoader(store: store, places: places, horizonDays: configuration.horizonDays)
        // Listening before the catalog is read: whatever another server commits after the read
        // is heard.
        let listener = try listenURL.map(ChangeListener.init(url:))
        let identity = try await store.identity()
        let index: MarketplaceIndex, origin: IndexOrigin
        if configuration.development, let demoDataset, try await store.catalog.isEmpty() {
            let dataset = try Dataset.read(from: demoDataset)
            // The index is built from the dataset in memory while the store takes it in (two
            // jobs for two cores), not read back from the store afterwards.
            let building = Task.detached { loader.buildIndex(imported: dataset, now: now) }
            let summary = try await store.catalog.importDataset(dataset, from: now, to: now + Int64(configuration.horizonDays) * 86_400, now: now)
            say("filled the empty store from \(demoDataset.path): \(summary.tenants) gyms, \(summary.sessions) sessions")
            (index, origin) = (await building.value, .store(readAt: now))
        } else {
            (index, origin) = try await loadIndex(loader: loader, store: identity, configuration: configuration, now: now)
        }
        // What the index was made from (the catalog as read, with descriptions and timetables, or
        // the snapshot's bytes) is freed by now, but glibc keeps the pages: give them back, or a
        // server read from the store holds about twice its index for good.
        malloc_trim(0)
        let common = Authenticator.commonPasswords(in: ReferenceData.defaultDirectory().appending(path: "common-passwords.txt"))
        if common.isEmpty { say("note: no Data/common-passwords.txt; common passwords are not refused at sign-up") }
        let authenticator = await Authenticator(
            secret: configuration.jwtSecret, keyId: configuration.jwtKeyId, previousKeys: configuration.jwtPreviousKeys,
            bcryptCost: configuration.bcryptCost, commonPasswords: common
        )
        let services = ServerServices(
            store: store, index: index, authenticator: authenticator, clock: clock, providers: configuration.providers,
            rateLimits: configuration.rateLimits, corsOrigins: configuration.corsOrigins,
            places: places, horizonDays: configuration.horizonDays, areas: areas,
            publicURL: configuration.baseURL, refundWindowDays: configuration.refundWindowDays,
            whatsappWebhook: configuration.whatsappAppSecret.map { WhatsAppWebhook(appSecret: $0, verifyToken: configuration.whatsappVerifyToken) },
            webSecret: configuration.jwtSecret, secureCookies: !configuration.development,
            freshness: IndexFreshness(threshold: configuration.staleAfter, restoring: origin.isSnapshot)
        )

        let demo = configuration.development
            ? try await DemoAccounts.ensure(store: store, authenticator: authenticator, now: now)
            : []

        let sync = IndexSync(
            loader: loader, index: index, clock: clock, listenURL: listenURL, listener: listener, origin: origin, metrics: services.metrics,
            freshness: services.freshness
        )
        let snapshot = configuration.indexSnapshot.map { file in
            IndexUpkeep.Snapshot(file: file, store: identity, interval: configuration.snapshotInterval, inStep: { sync.isInStep })
        }
        var logger = Logger(label: "studioloop")
        logger.logLevel = .info
        let app = Application(
            router: StudioLoopApplication.router(services),
            server: StudioLoopApplication.server(
                idleTimeout: configuration.idleTimeout, deadlines: configuration.requestDeadlines,
                connections: configuration.maxConnectionsPerAddress > 0
                    ? ConnectionCounts(limit: configuration.maxConnectionsPerAddress, exempt: configuration.rateLimits.trustedProxies) : nil
            ),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "studioloop"),
            services: [
                sync,
                IndexUpkeep(index: index, snapshot: snapshot, clock: clock),
                Maintenance(
                    store: store,
                    dispatcher: OutboxDispatcher(database: database, channel: configuration.notifications),
                    clock: clock, interval: configuration.maintenanceInterval, horizonDays: configuration.horizonDays,
                    retryRefunds: { now in try await services.retryDueRefunds(now: now) }
                ),
            ],
            onServerRunning: { _ in
                say(startupLine(index: index, storeName: storeName, configuration: configuration))
                for account in demo {
                    say("  demo \(account.label)\(account.tenantSlug.map { " of \($0)" } ?? ""): \(account.email) / \(account.password)")
                }
                if !demo.isEmpty {
                    say("""
                      try: curl -s 'http://\(configuration.host):\(configuration.port)/api/v1/marketplace/search?lat=-26.2041&lng=28.0473&q=yoga'
                           curl -s -X POST http://\(configuration.host):\(configuration.port)/api/v1/auth/login -H 'content-type: application/json' \\
                             -d '{"email":"\(demo[0].email)","password":"\(demo[0].password)"}'
                    """)
                }
            },
            logger: logger
        )
        // SIGTERM or SIGINT: first the drain (not ready, still serving), then the application
        // (stops accepting, finishes in flight), then its services.
        let group = ServiceGroup(
            configuration: .init(
                services: [app, Drain(period: configuration.drainPeriod, state: services.draining)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger
            )
        )
        try await group.run()
    }

    /// The index from the snapshot file when it is usable (this store's, taken within
    /// `snapshotMaxAge`, the same horizon), else read from the store. Any other file is said in
    /// one line and left for the next snapshot to replace.
    static func loadIndex(
        loader: CatalogLoader, store identity: String, configuration: ServerConfiguration, now: Int64
    ) async throws -> (MarketplaceIndex, IndexOrigin) {
        if let file = configuration.indexSnapshot {
            do {
                let started = ContinuousClock.now
                let (index, watermark) = try IndexSnapshot.read(from: file, store: identity)
                if index.horizonDays != configuration.horizonDays {
                    say("note: the index snapshot \(file.path) holds \(index.horizonDays) days of sessions, not \(configuration.horizonDays); reading the index from the store")
                } else if now - watermark > configuration.snapshotMaxAge {
                    say("note: the index snapshot \(file.path) is \((now - watermark) / 3_600) hours old; reading the index from the store")
                } else {
                    say("loaded the index snapshot \(file.path) (taken \(max(0, now - watermark)) s ago) in \(ContinuousClock.now - started); reading back what the store changed since")
                    return (index, .snapshot(watermark: watermark))
                }
            } catch .missing {
                // The first start with this file: it is written once the index is read.
            } catch {
                say("note: \(error); reading the index from the store")
            }
        }
        return (try await loader.buildIndex(now: now), .store(readAt: now))
    }

    /// Prints a line straight to standard output, unbuffered, so it reaches a pipe or log file
    /// while the server runs.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func startupLine(index: MarketplaceIndex, storeName: String, configuration: ServerConfiguration) -> String {
        let (gyms, classes, sessions) = index.counts
        var line = "studioloop serving \(gyms) gyms, \(classes) classes, \(sessions) sessions from \(storeName) "
            + "on http://\(configuration.host):\(configuration.port)"
        if configuration.development {
            line += configuration.generatedSecrets.isEmpty
                ? " — DEVELOPMENT MODE"
                : " — DEVELOPMENT MODE, secrets generated for this run (its tokens die with it): \(configuration.generatedSecrets.joined(separator: ", "))"
            if let sandbox = configuration.sandboxWebhookSecret {
                // The sandbox's secret signs no real money: shown so a developer can sign webhooks of their own.
                line += "\n  payments: sandbox checkout at \(configuration.baseURL)/sandbox/checkout/{payment_id}; its webhook secret is \(sandbox)"
            }
        }
        return line
    }
}
