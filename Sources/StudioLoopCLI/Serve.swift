import ArgumentParser
import Booking
import Foundation
import Server
import Storage

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP API: marketplace search, bookings, credits.",
        discussion: """
            With no arguments: a SQLite store under .studioloop/ (created, migrated, and filled from Data/demo when empty), demo accounts printed at start-up, on http://127.0.0.1:8080, in development mode.

            With PostgreSQL (--database or DATABASE_URL) the server runs in production mode unless --development is given, and needs its secrets from the environment: STUDIOLOOP_JWT_SECRET signs access tokens and STUDIOLOOP_CHECKIN_SECRET signs QR check-in codes (32 bytes or more each); STUDIOLOOP_YOCO_WEBHOOK_SECRET and STUDIOLOOP_STRIPE_WEBHOOK_SECRET enable those payment providers.

            SIGINT or SIGTERM stops it gracefully: /ready says not-ready for the drain period (--drain) while requests are still served, then no new connections, requests in flight finish, the outbox is flushed.
            """
    )

    @Option(help: "The address to listen on (env STUDIOLOOP_HOST).")
    var host: String?

    @Option(help: "The port to listen on (env STUDIOLOOP_PORT).")
    var port: Int?

    @OptionGroup var store: StoreOptions

    @Flag(help: "Development mode: missing secrets are generated for the run, demo data and accounts are created.")
    var development = false

    @Flag(help: "Production mode even on the embedded store: secrets are required, no demo accounts.")
    var production = false

    @Option(help: ArgumentHelp("What one universal credit is worth, in cents.", valueName: "cents"))
    var creditValue: Int64 = 5_000

    @Option(help: ArgumentHelp("The platform's currency, which --credit-value is in (ISO 4217).", valueName: "code"))
    var currency = "ZAR"

    @Option(
        help: ArgumentHelp(
            "What one credit is worth in each other currency gyms are paid in and members buy in, in its minor units (env STUDIOLOOP_CREDIT_VALUES; default NGN=400000,KES=35000,GHS=3000,EGP=13500,MAD=2500,ETB=37500,RWF=4000,MZN=17500).",
            valueName: "CUR=minor,..."
        )
    )
    var creditValues: String?

    @Option(
        help: ArgumentHelp(
            "Commission on marketplace bookings per gym tier, in basis points (env STUDIOLOOP_COMMISSION; default starter=2000,growth=1500,pro=1200,enterprise=1000).",
            valueName: "tier=bps,..."
        )
    )
    var commission: String?

    @Option(help: ArgumentHelp("bcrypt cost for password hashes (10-15).", valueName: "n"))
    var bcryptCost: UInt8 = 12

    @Option(help: ArgumentHelp("API requests an hour per signed-in user (default 1000; env STUDIOLOOP_RATE_LIMIT); 0 for no limit.", valueName: "n"))
    var rateLimit: Int?

    @Option(help: ArgumentHelp("API requests an hour per address before signing in (default 100; env STUDIOLOOP_ANONYMOUS_RATE_LIMIT); 0 for no limit.", valueName: "n"))
    var anonymousRateLimit: Int?

    @Option(help: ArgumentHelp("Sign-in, sign-up and password-reset requests per address per 15 minutes (default 30); 0 for no limit.", valueName: "n"))
    var authRateLimit: Int?

    @Option(help: ArgumentHelp("Sign-in attempts per account per 15 minutes, from any address (default 10); 0 for no limit.", valueName: "n"))
    var signInLimit: Int?

    @Option(help: ArgumentHelp("A proxy whose X-Forwarded-For is believed (repeatable; env STUDIOLOOP_TRUSTED_PROXIES, comma-separated).", valueName: "ip"))
    var trustedProxy: [String] = []

    @Option(help: ArgumentHelp("A browser origin allowed to call the API, such as https://app.studioloop.africa, or * for any (repeatable; env STUDIOLOOP_CORS_ORIGINS, comma-separated).", valueName: "origin"))
    var corsOrigin: [String] = []

    @Option(help: ArgumentHelp("Seconds a connection may send nothing before it is closed (default 30; env STUDIOLOOP_IDLE_TIMEOUT).", valueName: "seconds"))
    var idleTimeout: Int?

    @Option(help: ArgumentHelp("Seconds a request's headers may take to arrive from its first byte (default 20; env STUDIOLOOP_HEADER_TIMEOUT).", valueName: "seconds"))
    var headerTimeout: Int?

    @Option(help: ArgumentHelp("Seconds a request's body may take to arrive after its headers (default 60; env STUDIOLOOP_BODY_TIMEOUT).", valueName: "seconds"))
    var bodyTimeout: Int?

    @Option(help: ArgumentHelp("Open connections allowed at once from one address; 0 for no cap (default 256; env STUDIOLOOP_MAX_CONNECTIONS_PER_ADDRESS). Trusted proxies are not capped.", valueName: "n"))
    var maxConnectionsPerAddress: Int?

    @Option(help: ArgumentHelp("Seconds the index may miss other servers' changes (its PostgreSQL listener cut off) before search answers carry X-Index-Stale-Seconds and /ready says not ready (default 5; env STUDIOLOOP_STALE_AFTER).", valueName: "seconds"))
    var staleAfter: Int?

    @Option(help: ArgumentHelp("Seconds a server asked to stop (SIGTERM, SIGINT) says not-ready on /ready while still serving, before it stops accepting: long enough for the load balancer's health checks to take it out (default 2, 0 in development; env STUDIOLOOP_DRAIN).", valueName: "seconds"))
    var drain: Int?

    @Option(help: ArgumentHelp("Seconds between runs of the background jobs (notifications, settlement, expiry).", valueName: "seconds"))
    var maintenanceEvery: Int = 30

    @Option(
        help: ArgumentHelp(
            "Where the live search index is written as the server runs and read back at start, so a restart (after a power cut too) serves search within seconds and reads from the store only what changed since; 'off' for none (env STUDIOLOOP_INDEX_SNAPSHOT; default: beside an embedded store's file, FILE.index; none on PostgreSQL).",
            valueName: "path"
        )
    )
    var indexSnapshot: String?

    @Option(help: ArgumentHelp("Seconds between index snapshots, written only when the index changed (default 300; env STUDIOLOOP_SNAPSHOT_EVERY).", valueName: "seconds"))
    var snapshotEvery: Int?

    @OptionGroup var options: DatasetOptions

    func validate() throws {
        if development && production { throw ValidationError("--development and --production contradict each other: give one") }
        if let port = resolvedPort, !(1...65_535).contains(port) { throw ValidationError("--port must be between 1 and 65535 (got \(port))") }
        guard creditValue > 0 else { throw ValidationError("--credit-value must be at least 1 cent") }
        guard currency.count == 3, currency.allSatisfy(\.isUppercase) else { throw ValidationError("--currency must be an ISO 4217 code such as ZAR") }
        guard (1...3_600).contains(maintenanceEvery) else { throw ValidationError("--maintenance-every must be between 1 and 3600 seconds") }
        for (flag, value) in [("--rate-limit", rateLimit), ("--anonymous-rate-limit", anonymousRateLimit), ("--auth-rate-limit", authRateLimit), ("--sign-in-limit", signInLimit)] {
            if let value, value < 0 { throw ValidationError("\(flag) must be 0 (no limit) or more (got \(value))") }
        }
        guard (10...15).contains(bcryptCost) else { throw ValidationError("--bcrypt-cost must be between 10 and 15 (got \(bcryptCost))") }
    }

    private var environment: [String: String] { ProcessInfo.processInfo.environment }

    /// The limits from the flags, else the environment, else the seed's defaults; 0 is none.
    func rateLimits() throws -> RateLimits {
        var limits = RateLimits()
        func limit(_ flag: Int?, _ variable: String, _ value: inout Int?) throws {
            var given = flag
            if given == nil, let text = environment[variable], !text.isEmpty {
                guard let number = Int(text), number >= 0 else { throw ValidationError("\(variable) must be a whole number, 0 for no limit (got '\(text)')") }
                given = number
            }
            if let given { value = given == 0 ? nil : given }
        }
        try limit(rateLimit, "STUDIOLOOP_RATE_LIMIT", &limits.perUserPerHour)
        try limit(anonymousRateLimit, "STUDIOLOOP_ANONYMOUS_RATE_LIMIT", &limits.anonymousPerHour)
        try limit(authRateLimit, "STUDIOLOOP_AUTH_RATE_LIMIT", &limits.authPerAddress)
        try limit(signInLimit, "STUDIOLOOP_SIGN_IN_LIMIT", &limits.signInPerAccount)
        let proxies = trustedProxy + (environment["STUDIOLOOP_TRUSTED_PROXIES"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        limits.trustedProxies = Set(proxies.filter { !$0.isEmpty })
        return limits
    }

    /// The index snapshot's file: the flag, else the variable, else beside an embedded store.
    var snapshotLocation: URL? {
        let given = indexSnapshot ?? environment["STUDIOLOOP_INDEX_SNAPSHOT"].flatMap { $0.isEmpty ? nil : $0 }
        if let given { return given == "off" ? nil : URL(filePath: given) }
        return store.isPostgres ? nil : URL(filePath: store.location + ".index")
    }

    private var resolvedPort: Int? {
        if let port { return port }
        return environment["STUDIOLOOP_PORT"].map { Int($0) ?? -1 }
    }

    func run() async throws {
        let isDevelopment = development || (!production && !store.isPostgres && environment["STUDIOLOOP_ENV"] != "production")
        var configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration(development: isDevelopment, environment: environment)
        } catch {
            throw ValidationError(error.description)
        }
        configuration.host = host ?? environment["STUDIOLOOP_HOST"] ?? configuration.host
        configuration.port = resolvedPort ?? configuration.port
        configuration.creditValueCents = creditValue
        configuration.currency = currency
        if let values = creditValues {
            do { configuration.creditValues = try ServerConfiguration.creditValues(parsing: values) } catch { throw ValidationError(error.description) }
        }
        if let rates = commission ?? environment["STUDIOLOOP_COMMISSION"] {
            do { configuration.commission = try CommissionRates(parsing: rates) } catch { throw ValidationError(error.description) }
        }
        configuration.bcryptCost = bcryptCost
        configuration.rateLimits = try rateLimits()
        configuration.corsOrigins.formUnion(corsOrigin)
        configuration.maintenanceInterval = .seconds(maintenanceEvery)
        /// A number of seconds from its flag, else its variable; refused, naming both, outside `range`.
        func seconds(_ flag: Int?, _ option: String, _ variable: String, in range: ClosedRange<Int>) throws -> Duration? {
            let text = flag.map(String.init) ?? environment[variable].flatMap { $0.isEmpty ? nil : $0 }
            guard let text else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw ValidationError("\(option) (or \(variable)) must be a whole number of seconds from \(range.lowerBound) to \(range.upperBound) (got \(text))")
            }
            return .seconds(value)
        }
        if let idle = try seconds(idleTimeout, "--idle-timeout", "STUDIOLOOP_IDLE_TIMEOUT", in: 1...3_600) { configuration.idleTimeout = idle }
        if let header = try seconds(headerTimeout, "--header-timeout", "STUDIOLOOP_HEADER_TIMEOUT", in: 1...600) {
            configuration.requestDeadlines.header = header
        }
        if let body = try seconds(bodyTimeout, "--body-timeout", "STUDIOLOOP_BODY_TIMEOUT", in: 1...3_600) { configuration.requestDeadlines.body = body }
        if let drain = try seconds(drain, "--drain", "STUDIOLOOP_DRAIN", in: 0...600) { configuration.drainPeriod = drain }
        if let stale = try seconds(staleAfter, "--stale-after", "STUDIOLOOP_STALE_AFTER", in: 1...3_600) { configuration.staleAfter = stale }
        if let every = try seconds(snapshotEvery, "--snapshot-every", "STUDIOLOOP_SNAPSHOT_EVERY", in: 5...86_400) { configuration.snapshotInterval = every }
        configuration.indexSnapshot = snapshotLocation
        if let cap = maxConnectionsPerAddress {
            guard cap >= 0 else { throw ValidationError("--max-connections-per-address must be 0 (no cap) or more (got \(cap))") }
            configuration.maxConnectionsPerAddress = cap
        }
        try await StudioLoopServer.run(
            database: try store.open(), storeName: store.displayName, listenURL: store.listenLocation,
            demoDataset: options.datasetURL, configuration: configuration,
            clock: options.now.map { fixed in ServerClock { fixed.seconds } } ?? .system
        )
    }
}
