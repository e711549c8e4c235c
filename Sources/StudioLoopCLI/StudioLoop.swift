public import ArgumentParser
import Datasets
import Domain
import Foundation
import Marketplace
import Storage

/// `studioloop`: search the marketplace, generate and export datasets, build index snapshots.
public struct StudioLoop: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "studioloop",
        abstract: "Geospatial search for fitness classes in African cities.",
        subcommands: [Serve.self, Search.self, DataCommand.self, IndexCommand.self, BenchCommand.self, Migrate.self, OperatorCommand.self, AccountCommand.self]
    )

    public init() {}

    /// Runs a command line. A mistake gets one line on standard error naming what is wrong and
    /// a non-zero exit, never a stack trace; `--help` prints the full help.
    public static func runMain(_ arguments: [String] = Array(CommandLine.arguments.dropFirst())) async -> Never {
        do {
            var command = try parseAsRoot(arguments)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error))
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data("error: \(oneLine(error))\n".utf8))
            Foundation.exit(code.rawValue)
        }
    }

    /// The parser words its own errors (bad flags, failed `validate()`); ours describe themselves.
    static func oneLine(_ error: any Error) -> String {
        switch error {
        case let error as DatasetError: error.description
        case let error as SearchError: error.description
        case let error as SnapshotError: error.description
        case let error as StoreError: error.description
        case let error as RemoteSearchError: error.description
        // The parser lists a long set of allowed values one per line ("  - yoga"): one line here.
        default: message(for: error).replacingOccurrences(of: ":\n  - ", with: ": ").replacingOccurrences(of: "\n  - ", with: ", ")
        }
    }
}
