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

            Row-level security believes a transaction's context (which gym, which member, the \
            store's bookkeeping) only when it is signed with the database's context key, kept where \
            only the owner reads it: migrate installs STUDIOLOOP_CONTEXT_KEY when it is set (first \
            time, or a new key: a rotation), else makes one the first time. A server serving by \
            grants needs the same STUDIOLOOP_CONTEXT_KEY; --print-context-key prints the key.
            """
    )

    @OptionGroup var store: StoreOptions

    @Flag(help: "PostgreSQL: create the serving role if it does not exist (needs CREATEROLE), then grant it what serving needs.")
    var createRoles = false

    @Option(help: ArgumentHelp("PostgreSQL: the role the server serves as, granted what serving needs (default studioloop_app with --create-roles).", valueName: "role"))
    var servingRole: String?

    @Flag(help: "PostgreSQL: print the database's context key, which servers serving by grants need as STUDIOLOOP_CONTEXT_KEY.")
    var printContextKey = false

    func validate() throws {
        if (createRoles || servingRole != nil || printContextKey) && !store.isPostgres {
            throw ValidationError("--create-roles, --serving-role and --print-context-key are for PostgreSQL: a SQLite file has no roles")
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
            if ProcessInfo.processInfo.environment["STUDIOLOOP_CONTEXT_KEY"].map(\.isEmpty) ?? true {
                print("\(role) signs its transactions with the database's context key: give its servers STUDIOLOOP_CONTEXT_KEY (see --print-context-key)")
            }
        }
        if printContextKey {
            guard let key = opened.contextKey else { throw ValidationError("only the schema's owner can read the context key: migrate with the owner's database URL") }
            print(key.secret)
        }
    }
}
