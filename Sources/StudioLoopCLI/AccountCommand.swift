import ArgumentParser
import Foundation
import Storage

/// The platform's hand on an account: blocking one that abuses the product, and lifting it.
/// Like making an operator, a deliberate act on the store, not something the API can do.
struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Block an account (it signs in nowhere and its sessions end at once), or lift the block.",
        subcommands: [Block.self, Unblock.self]
    )

    struct Block: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Block an account: every session it has ends now, and signing in answers 403 ACCOUNT_BLOCKED.",
            discussion: "Its bookings, credits and ledger stay as they are. Example: studioloop account block --email spam@example.com --reason \"card testing\""
        )

        @OptionGroup var store: StoreOptions

        @Option(help: ArgumentHelp("The account's email.", valueName: "address"))
        var email: String

        @Option(help: ArgumentHelp("Why, kept with the account for whoever looks next.", valueName: "text"))
        var reason: String

        func validate() throws {
            guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else { throw ValidationError("--reason must say why") }
        }

        func run() async throws {
            let opened = try await AccountCommand.open(store)
            let user = try await AccountCommand.account(email, in: opened, store: store)
            try await opened.accounts.block(user: user, reason: reason, now: Instant.now.seconds)
            print("\(email) is blocked in \(store.displayName): its sessions have ended")
        }
    }

    struct Unblock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Lift an account's block: it may sign in again.")

        @OptionGroup var store: StoreOptions

        @Option(help: ArgumentHelp("The account's email.", valueName: "address"))
        var email: String

        func run() async throws {
            let opened = try await AccountCommand.open(store)
            let user = try await AccountCommand.account(email, in: opened, store: store)
            try await opened.accounts.unblock(user: user, now: Instant.now.seconds)
            print("\(email) may sign in again in \(store.displayName)")
        }
    }

    static func open(_ store: StoreOptions) async throws -> Store {
        let opened = Store(database: try store.open())
        try await opened.migrate(now: Instant.now.seconds)
        return opened
    }

    static func account(_ email: String, in store: Store, store options: StoreOptions) async throws -> String {
        guard let account = try await store.accounts.credentials(email: email) else {
            throw ValidationError("no account with email \(email) in \(options.displayName)")
        }
        return account.userId
    }
}
