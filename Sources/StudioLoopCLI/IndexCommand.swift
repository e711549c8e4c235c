import ArgumentParser
import Datasets
import Domain
import Foundation
import Marketplace

struct IndexCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "Build and inspect index snapshots (the format is in Index/README.md).",
        subcommands: [Build.self, Inspect.self]
    )
}

extension IndexCommand {
    struct Build: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Build the index of a dataset and write it as a snapshot.")

        @OptionGroup var options: DatasetOptions

        @Option(help: ArgumentHelp("The snapshot file to write, e.g. Index/demo.idx.", valueName: "file"))
        var out: String

        func run() throws {
            let bar = ProgressBar()
            let started = ContinuousClock.now
            let data = try Dataset.read(from: options.datasetURL, progress: bar.report)
            let read = ContinuousClock.now
            let index = MarketplaceIndex(dataset: data, now: options.nowSeconds, progress: bar.report)
            let built = ContinuousClock.now
            bar.finish()
            try IndexSnapshot.write(index, datasetFingerprint: try Dataset.fingerprint(of: options.datasetURL), to: URL(filePath: out))
            let written = ContinuousClock.now
            let size = (try? FileManager.default.attributesOfItem(atPath: out)[.size] as? Int) ?? 0
            let counts = index.counts
            print(
                "indexed \(counts.gyms) gyms, \(counts.classes) classes, \(counts.sessions) sessions "
                    + "(read \(Timing.ms(read - started)), build \(Timing.ms(built - read)), write \(Timing.ms(written - built))); "
                    + "\(out): \(Timing.megabytes(size))"
            )
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Load a snapshot against its dataset and say what it holds and how long loading took.")

        @Argument(help: ArgumentHelp("The snapshot file.", valueName: "file"))
        var file: String

        @OptionGroup var options: DatasetOptions

        func run() throws {
            let started = ContinuousClock.now
            let fingerprint = try Dataset.fingerprint(of: options.datasetURL)
            let hashed = ContinuousClock.now
            let index = try IndexSnapshot.read(from: URL(filePath: file), datasetFingerprint: fingerprint, now: options.nowSeconds)
            let loaded = ContinuousClock.now
            let counts = index.counts
            print(
                "\(file): format \(IndexSnapshot.formatVersion), \(counts.gyms) gyms, \(counts.classes) classes, "
                    + "\(counts.sessions) sessions over \(index.horizonDays) days "
                    + "(fingerprint \(Timing.ms(hashed - started)), load \(Timing.ms(loaded - hashed)))"
            )
        }
    }
}

enum Timing {
    static func ms(_ duration: Duration) -> String {
        let ms = Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        return String(format: "%.0f ms", ms)
    }

    static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }
}
