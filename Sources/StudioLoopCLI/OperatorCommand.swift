import ArgumentParser
import Foundation
import Storage

/// Platform operators run payouts to gyms; making one is a deliberate act on the store, not
/// something the API can do.
struct OperatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operator",
        abstract: "Make an account a platform operator, who runs payouts (POST /api/v1/payouts).",
        discussion: "The account must exist (sign up first). Example: studioloop operator --email finance@studioloop.africa"
    )

    @OptionGroup var store: StoreOptions

    @Option(help: ArgumentHelp("The account's email.", valueName: "address"))
    var email: String

    func run() async throws {
        let opened = Store(database: try store.open())
        try await opened.migrate(now: Instant.now.seconds)
        guard let account = try await opened.accounts.credentials(email: email) else {
            throw ValidationError("no account with email \(email) in \(store.displayName): sign up first")
        }
        try await opened.payouts.grantOperator(account.userId, now: Instant.now.seconds)
        print("\(email) is a platform operator in \(store.displayName)")
    }
}
