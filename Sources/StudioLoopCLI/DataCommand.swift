import ArgumentParser
import Datasets
import Domain
import Foundation
import Storage

struct DataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Generate and export the African city datasets.",
        subcommands: [Generate.self, Export.self, Import.self]
    )
}

extension DataCommand {
    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Generate a deterministic dataset around the real places of a city.",
            discussion: "The same arguments always write byte-identical files."
        )

        @Option(help: "A city slug or name (johannesburg, cape-town, lagos, ...), or 'all'.")
        var city: String

        @Option(help: "How many gyms to generate (shared out by population for 'all').")
        var gyms: Int = 2000

        @Option(help: "The random seed.")
        var seed: UInt64 = 42

        @Option(help: ArgumentHelp("The folder to write.", valueName: "dir"))
        var out: String

        @Option(help: ArgumentHelp("The reference data folder (cities, places, vocabulary).", valueName: "dir"))
        var data: String?

        func validate() throws {
            guard gyms >= 1 else { throw ValidationError("--gyms must be at least 1 (got \(gyms))") }
            guard gyms <= 1_000_000 else { throw ValidationError("--gyms must be at most 1,000,000 (got \(gyms))") }
        }

        func run() throws {
            let reference = try ReferenceData(directory: data.map { URL(filePath: $0) } ?? ReferenceData.defaultDirectory())
            let generator = DatasetGenerator(reference: reference)
            let bar = ProgressBar()
            let started = ContinuousClock.now
            let dataset = try generator.generate(cities: try generator.cities(named: city), gyms: gyms, seed: seed, progress: bar.report)
            let generated = ContinuousClock.now
            try dataset.write(to: URL(filePath: out, directoryHint: .isDirectory), progress: bar.report)
            bar.finish()
            FileHandle.standardError.write(Data("generated in \(Timing.ms(generated - started)), wrote in \(Timing.ms(.now - generated))\n".utf8))
            print("wrote \(dataset.tenants.count) gyms, \(dataset.classes.count) classes, \(dataset.users.count) instructors to \(out)")
        }
    }

    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write the materialized sessions with their gym and class, one JSON object per line.",
            discussion: "Anyone can check the search index against this raw list."
        )

        @OptionGroup var options: DatasetOptions

        @Option(help: "How many days of sessions to materialize from now.")
        var days: Int = SessionSchedule.defaultHorizonDays

        @Option(help: ArgumentHelp("Write here instead of standard output.", valueName: "file"))
        var out: String?

        func validate() throws {
            guard (1...366).contains(days) else { throw ValidationError("--days must be between 1 and 366 (got \(days))") }
        }

        func run() throws {
            let dataset = try Dataset.read(from: options.datasetURL)
            let now = options.nowSeconds
            let sink = try OutputSink(path: out)
            let written = try SessionExport.write(dataset, from: now, to: now + Int64(days) * 86_400, to: sink)
            if out != nil { print("wrote \(written) sessions to \(out!)") }
        }
    }
}

extension DataCommand {
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Fill a store (SQLite or PostgreSQL) with a dataset: gyms, instructors, classes and their sessions.",
            discussion: "Migrates the store first. Importing the same dataset again changes nothing."
        )

        @OptionGroup var options: DatasetOptions
        @OptionGroup var store: StoreOptions

        @Option(help: "How many days of sessions to materialize from now.")
        var days: Int = SessionSchedule.defaultHorizonDays

        func validate() throws {
            guard (1...366).contains(days) else { throw ValidationError("--days must be between 1 and 366 (got \(days))") }
        }

        func run() async throws {
            let dataset = try Dataset.read(from: options.datasetURL)
            let opened = Store(database: try store.open())
            let now = options.nowSeconds
            try await opened.migrate(now: now)
            let summary = try await opened.catalog.importDataset(dataset, from: now, to: now + Int64(days) * 86_400, now: now)
            print(
                "\(store.displayName): imported \(summary.tenants) gyms, \(summary.users) instructors, "
                    + "\(summary.classes) classes, \(summary.sessions) sessions"
            )
        }
    }
}
