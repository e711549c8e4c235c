public import ArgumentParser
public import Bench
import Datasets
import Domain
import Foundation

extension BenchScale: ExpressibleByArgument {}

/// `studioloop bench`: the index beside its peers on one seeded dataset, every answer checked
/// against brute force before any timing counts.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Compare the index with PostGIS, SQLite R*Tree + FTS5, Redis GEOSEARCH, Sphinx, Xapian, GEOS STRtree and brute force.",
        discussion: """
            Generates the scale's dataset (seed 42), builds the index, loads each peer with the same \
            sessions, checks every system's answers against brute force, then times the same queries. \
            Writes <out>/<date>-<scale>.json and .md, and redraws <out>/p99-by-scale.svg from the latest \
            report of each scale. PostGIS and Redis must be running and Sphinx installed (this command runs \
            its indexer and searchd): Benchmarks/peers-setup installs and starts them. Build with -c release: debug timings mean nothing.
            """
    )

    @Option(help: "city (Johannesburg, 2,000 gyms), metro (Gauteng, 10,000) or continent (every city, 100,000).")
    var scale: BenchScale = .city

    @Option(help: ArgumentHelp("Comma-separated peers to run beside the index: postgis, sqlite, geos, redis, sphinx, xapian, brute.", valueName: "list"))
    var peers: String = Peer.allCases.map(\.rawValue).joined(separator: ",")

    @Option(help: "How many queries the workload draws.")
    var queries: Int = 1000

    @Option(help: "Worker threads (and connections) per system while timing.")
    var concurrency: Int = 1

    @Option(help: "Timed passes per system; each query counts its median over them.")
    var rounds: Int = 3

    @Option(help: ArgumentHelp("libpq URL of the PostGIS server (default: $STUDIOLOOP_BENCH_POSTGRES).", valueName: "url"))
    var postgresURL: String?

    @Option(help: ArgumentHelp("host:port of the Redis server (default: $STUDIOLOOP_BENCH_REDIS, else 127.0.0.1:6379).", valueName: "address"))
    var redis: String?

    @Option(help: ArgumentHelp("Where reports go.", valueName: "dir"))
    var out: String = "Benchmarks/results"

    @Option(help: ArgumentHelp("The reference data folder (cities, places, vocabulary).", valueName: "dir"))
    var data: String?

    @Option(help: ArgumentHelp("The instant sessions are materialized from (ISO 8601); fixed so runs compare.", valueName: "time"))
    var now: Instant = Instant(seconds: 1_795_600_800)  // 2026-11-25T10:00:00Z

    @Flag(help: "Also replay a day of hourly timetable rolls and gym edits on a second index, and time search on it before and after compaction.")
    var dayOfRolls = false

    @Option(help: ArgumentHelp("How many of the index's slowest queries to list, each timed again with every plan forced."))
    var slowest = 10

    func validate() throws {
        guard (1...100_000).contains(queries) else { throw ValidationError("--queries must be between 1 and 100,000 (got \(queries))") }
        guard (1...15).contains(rounds) else { throw ValidationError("--rounds must be between 1 and 15 (got \(rounds))") }
        guard (0...1_000).contains(slowest) else { throw ValidationError("--slowest must be between 0 and 1,000 (got \(slowest))") }
        guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 256 (got \(concurrency))") }
        _ = try peerList()
    }

    func peerList() throws -> [Peer] {
        try peers.split(separator: ",").map { name in
            guard let peer = Peer(rawValue: name.trimmingCharacters(in: .whitespaces).lowercased()) else {
                throw ValidationError("unknown peer '\(name)'; choose from \(Peer.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return peer
        }
    }

    func run() throws {
        let outDirectory = URL(filePath: out, directoryHint: .isDirectory)
        try FileManager.default.createDirectory(at: outDirectory, withIntermediateDirectories: true)
        let reference = try ReferenceData(directory: data.map { URL(filePath: $0) } ?? ReferenceData.defaultDirectory())
        let bench = BenchRun(
            scale: scale, peers: try peerList(), queryCount: queries, concurrency: concurrency, rounds: rounds, now: now.seconds,
            postgresURL: postgresURL ?? ProcessInfo.processInfo.environment["STUDIOLOOP_BENCH_POSTGRES"],
            redisAddress: redis ?? ProcessInfo.processInfo.environment["STUDIOLOOP_BENCH_REDIS"] ?? "127.0.0.1:6379", workDirectory: FileManager.default.temporaryDirectory,
            command: "studioloop bench --scale \(scale.rawValue) --peers \(peers) --queries \(queries) --concurrency \(concurrency) --rounds \(rounds)"
                + (dayOfRolls ? " --day-of-rolls" : "") + (slowest != 10 ? " --slowest \(slowest)" : ""),
            dayOfRollsHours: dayOfRolls ? 24 : nil, slowestCount: slowest
        )
        let bar = ProgressBar(linesWhenPiped: true)
        let report = try bench.run(reference: reference, progress: bar.report)
        bar.finish()

        let stem = outDirectory.appending(path: "\(report.date)-\(scale.rawValue)")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        try encoder.encode(report).write(to: stem.appendingPathExtension("json"))
        try Data(report.markdown.utf8).write(to: stem.appendingPathExtension("md"))
        let chart = outDirectory.appending(path: "p99-by-scale.svg")
        try Data(LatencyChart.svg(try Self.latestReports(in: outDirectory)).utf8).write(to: chart)
        print(report.markdown)
        print("wrote \(stem.path).json, \(stem.path).md and \(chart.path)")
    }

    /// The newest report of each scale in `directory` (file names start with the date).
    static func latestReports(in directory: URL) throws -> [BenchReport] {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        var latest: [BenchScale: BenchReport] = [:]
        for file in files {
            if let report = try? decoder.decode(BenchReport.self, from: Data(contentsOf: file)) { latest[report.scale] = report }
        }
        return BenchScale.allCases.compactMap { latest[$0] }
    }
}
