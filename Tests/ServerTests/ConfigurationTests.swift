import Booking
import Storage
import Server
import Testing
import TestSupport

@Suite("Configuration")
struct ConfigurationTests {
    @Test("secrets are required outside development mode, and must be long enough")
    func secrets() throws {
        #expect(throws: ConfigurationError.self) { try ServerConfiguration(development: false, environment: [:]) }
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration(development: false, environment: ["STUDIOLOOP_JWT_SECRET": "short", "STUDIOLOOP_CHECKIN_SECRET": String(repeating: "c", count: 32)])
        }
        let production = try ServerConfiguration(development: false, environment: [
            "STUDIOLOOP_JWT_SECRET": String(repeating: "j", count: 32), "STUDIOLOOP_CHECKIN_SECRET": String(repeating: "c", count: 32),
        ])
        #expect(production.generatedSecrets.isEmpty)
        #expect(production.providers.isEmpty, "no sandbox outside development")
        let development = try ServerConfiguration(development: true, environment: [:])
        #expect(development.generatedSecrets == ["STUDIOLOOP_JWT_SECRET", "STUDIOLOOP_CHECKIN_SECRET", "STUDIOLOOP_SANDBOX_WEBHOOK_SECRET"])
        #expect(development.providers.map(\.name) == ["sandbox"])
        #expect(throws: ConfigurationError.self) {
            try ServerConfiguration(development: true, environment: ["STUDIOLOOP_YOCO_WEBHOOK_SECRET": "not base64 !!"])
        }
    }

    @Test("production refuses a database role that row-level security does not bind, before touching the store")
    func superuserRefused() async throws {
        let production = try ServerConfiguration(development: false, environment: [
            "STUDIOLOOP_JWT_SECRET": String(repeating: "j", count: 32), "STUDIOLOOP_CHECKIN_SECRET": String(repeating: "c", count: 32),
        ])
        // The test cluster's admin URL is a superuser's.
        let database = try PostgresDatabase(url: try StoreKind.postgresURL, connections: 1)
        do {
            try await StudioLoopServer.run(database: database, storeName: "PostgreSQL", listenURL: nil, demoDataset: nil, configuration: production)
            Issue.record("served as a superuser in production")
        } catch let error as ConfigurationError {
            #expect(error.description.contains("row-level security") && error.description.contains("superuser"), "\(error)")
        }
        // The application's own role is bound by it.
        let app = try PostgresDatabase(url: try StoreKind.freshPostgresDatabase(), connections: 1)
        #expect(try await Store(database: app).unboundRole() == nil)
        #expect(try await Store(database: database).unboundRole()?.contains("superuser") == true)
    }

    @Test("a server serving by grants without the database's context key refuses to start, saying where the key comes from")
    func contextKeyRequired() async throws {
        let development = try ServerConfiguration(development: true, environment: [:])
        let url = try await StoreKind.servingPostgresDatabase().url
        for key in [nil, ContextKey("not the database's key, but 32 bytes long")] {
            do {
                try await StudioLoopServer.run(
                    database: try PostgresDatabase(url: url, connections: 1, contextKey: key), storeName: "PostgreSQL", listenURL: nil, demoDataset: nil,
                    configuration: development
                )
                Issue.record("served without the context key")
            } catch let error as ConfigurationError {
                #expect(error.description.contains("STUDIOLOOP_CONTEXT_KEY") && error.description.contains("--print-context-key"), "\(error)")
            }
        }
    }

    @Test("commission rates by tier, every tier once")
    func commission() throws {
        let rates = try CommissionRates(parsing: "starter=2500, growth=1800,pro=1200,enterprise=900")
        #expect(rates.basisPoints[.starter] == 2500 && rates.basisPoints[.enterprise] == 900)
        for bad in ["starter=2000", "starter=2000,growth=1500,pro=1200,enterprise=10001", "gold=1,growth=1,pro=1,enterprise=1,starter=1",
                    "starter=1,starter=2,growth=1,pro=1,enterprise=1", "starter"] {
            #expect(throws: ConfigurationError.self, "\(bad)") { try CommissionRates(parsing: bad) }
        }
    }
}
