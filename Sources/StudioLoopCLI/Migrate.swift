import ArgumentParser
import Foundation
import Storage

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Bring the store's schema up to date.",
        discussion: """
            On PostgreSQL, migrate as the role that owns the database, and serve as another: \
            `studioloop migrate --database postgres://studioloop_owner@host/studioloop --create-roles` \
            creates the serving role (studioloop_app unless --serving-role names another) with only \
            what serving needs — rows, sequences, functions; no DDL, no TRUNCATE, no ownership — \
            and `studioloop serve --database postgres://studioloop_app@host/studioloop` serves as it.
            """
    )

    @OptionGroup var store: StoreOptions

    @Flag(help: "PostgreSQL: create the serving role if it does not exist (needs CREATEROLE), then grant it what serving needs.")
    var createRoles = false

    @Option(help: ArgumentHelp("PostgreSQL: the role the server serves as, granted what serving needs (default studioloop_app with --create-roles).", valueName: "role"))
    var servingRole: String?

    func validate() throws {
        if (createRoles || servingRole != nil) && !store.isPostgres {
            throw ValidationError("--create-roles and --serving-role are for PostgreSQL: a SQLite file has no roles")
        }
    }

    func run() async throws {
        let opened = Store(database: try store.open())
        let applied = try await opened.migrate(now: Instant.now.seconds)
        print(applied.isEmpty ? "\(store.displayName): schema up to date" : "\(store.displayName): applied migrations \(applied.map(String.init).joined(separator: ", "))")
        if createRoles || servingRole != nil {
            let role = servingRole ?? "studioloop_app"
            try await opened.grantServing(to: role, create: createRoles)
            print("\(role) may read and write rows, use sequences and call functions; it owns nothing and may not TRUNCATE or change the schema")
        }
    }
}
