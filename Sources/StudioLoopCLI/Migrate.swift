import ArgumentParser
import Foundation
import Storage

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Bring the store's schema up to date.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let opened = Store(database: try store.open())
        let applied = try await opened.migrate(now: Instant.now.seconds)
        print(applied.isEmpty ? "\(store.displayName): schema up to date" : "\(store.displayName): applied migrations \(applied.map(String.init).joined(separator: ", "))")
    }
}
