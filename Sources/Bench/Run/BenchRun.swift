public import Datasets
import Domain
public import Foundation
import Geo
import Marketplace
import SearchReference
import Synchronization

/// One comparison at one scale: generate the dataset, build the index, load the peers, check
/// every system's answers against brute force, time them on the same queries, and put the
/// figures in a report.
public struct BenchRun: Sendable {
    public var scale: BenchScale
    public var peers: [Peer]
    public var queryCount: Int
    public var concurrency: Int
    /// Timed passes per system; each query counts its median.
    public var rounds: Int
    public var now: Int64
    public var postgresURL: String?
    public var redisAddress: String
    /// Where the SQLite peer's database file goes.
    public var workDirectory: URL
    public var command: String
    /// Hours of rolls and edits to replay on a second index (`DayOfRolls`); nil for none.
    public var dayOfRollsHours: Int?
    /// How many of the index's slowest queries the report lists, each timed with every plan forced.
    public var slowestCount: Int

    public init(
        scale: BenchScale, peers: [Peer], queryCount: Int, concurrency: Int, rounds: Int, now: Int64, postgresURL: String?,
        redisAddress: String, workDirectory: URL, command: String, dayOfRollsHours: Int? = nil, slowestCount: Int = 10
    ) {
        self.dayOfRollsHours = dayOfRollsHours
        self.slowestCount = slowestCount
        self.scale = scale
        self.peers = peers
        self.queryCount = queryCount
        self.concurrency = concurrency
        self.rounds = rounds
        self.now = now
        self.postgresURL = postgresURL
        self.redisAddress = redisAddress
        self.workDirectory = workDirectory
        self.command = command
    }

    /// - Parameter progress: a phase, the work done and the work there is (0 when unknown).
    public func run(reference: ReferenceData, progress: @escaping @Sendable (String, Int, Int) -> Void) throws -> BenchReport {
        if peers.contains(.postgis) && postgresURL == nil {
            // Said before a minute of generating and building, not after.
            throw BenchError("the postgis peer needs --postgres-url (or STUDIOLOOP_BENCH_POSTGRES); Benchmarks/peers-setup starts one")
        }
        if peers.contains(.sphinx) { _ = try SphinxPeer.binaries() }
        let clock = ContinuousClock()
        var dataset: Dataset!
        let generated = try clock.measure {
            let generator = DatasetGenerator(reference: reference)
            dataset = try generator.generate(
                cities: try generator.cities(named: scale.cities), gyms: scale.gyms, seed: BenchScale.seed,
                progress: { step, done, total in progress("\(step) (\(scale.title))", done, total) }
            )
        }

        let residentBefore = ProcessMemory.residentTrimmed
        var index: MarketplaceIndex!
        let built = clock.measure { index = MarketplaceIndex(dataset: dataset, now: now, progress: progress) }
        let residentAfter = ProcessMemory.residentTrimmed
        let peakAfterBuild = ProcessMemory.peak
        let counts = index.counts
        let indexBytes = residentBefore.flatMap { before in residentAfter.map { $0 - before } }

        progress("flattening the catalog for the peers", 0, 0)
        let catalog = ReferenceCatalog(dataset: dataset, now: now)
        progress("drawing \(queryCount) queries", 0, 0)
        let queries = Workload.queries(queryCount, dataset: dataset, catalog: catalog)

        let indexSystem = IndexSystem(index: index)
        let brute = BruteForce(catalog: catalog)
        var systems: [(system: any SearchSystem, loadSeconds: Double?)] = [(indexSystem, built.seconds)]
        for peer in peers {
            switch peer {
            case .brute:
                systems.append((brute, nil))
            case .sqlite:
                var loaded: SQLitePeer!
                let path = workDirectory.appending(path: "bench-\(scale.rawValue).sqlite").path
                let seconds = try clock.measure {
                    loaded = try SQLitePeer(catalog: catalog, path: path) { progress("loading sqlite", Int($0 * 1000), 1000) }
                }.seconds
                systems.append((loaded, seconds))
            case .postgis:
                guard let postgresURL else { continue }  // refused above
                var loaded: PostGISPeer!
                let seconds = try clock.measure {
                    loaded = try PostGISPeer(catalog: catalog, url: postgresURL) { progress("loading postgis: \($0)", 0, 0) }
                }.seconds
                systems.append((loaded, seconds))
            case .redis:
                var loaded: RedisPeer!
                let seconds = try clock.measure {
                    loaded = try RedisPeer(catalog: catalog, address: redisAddress) { progress("loading redis", Int($0 * 1000), 1000) }
                }.seconds
                systems.append((loaded, seconds))
            case .sphinx:
                var loaded: SphinxPeer!
                let seconds = try clock.measure {
                    loaded = try SphinxPeer(catalog: catalog, directory: SphinxPeer.directory(work: workDirectory)) { progress("loading sphinx: \($0)", 0, 0) }
                }.seconds
                systems.append((loaded, seconds))
            case .xapian:
                var loaded: XapianPeer!
                let directory = workDirectory.appending(path: "studioloop-bench-xapian-\(scale.rawValue)")
                let seconds = try clock.measure {
                    loaded = try XapianPeer(catalog: catalog, directory: directory) { progress("loading xapian", Int($0 * 1000), 1000) }
                }.seconds
                systems.append((loaded, seconds))
            case .geos:
                break  // the spatial part alone, below
            }
        }

        let comparison = Comparison(queries: queries, concurrency: concurrency, rounds: rounds, progress: progress)
        let expected = try comparison.referenceAnswers(brute)
        var measurements: [(SystemMeasurement, Double?)] = []
        for (system, loadSeconds) in systems {
            measurements.append((try comparison.measure(system, expected: expected), loadSeconds))
        }
        let indexTimes = measurements[0].0.byQuery
        let figures = measurements.map { measurement, loadSeconds in
            Self.figures(measurement, loadSeconds: loadSeconds, queries: queries, indexTimes: measurement.name == "studioloop" ? nil : indexTimes)
        }

        let slowest = Self.slowest(measurements[0].0, count: slowestCount, queries: queries, index: index)
        let day = try dayOfRollsHours.map { hours in
            try DayOfRolls(dataset: dataset, fresh: index, now: now, comparison: comparison, expected: expected, hours: hours, progress: progress).run()
        }
        let spot = try SpotUpdateLoad(index: index, catalog: catalog, queries: queries, progress: progress).run()
        let spatial = peers.contains(.geos) ? try SpatialComparison(catalog: catalog, queries: queries, progress: progress).run() : []

        return BenchReport(
            date: Self.today(), scale: scale, command: command, machine: Self.machine(),
            dataset: .init(
                gyms: counts.gyms, classes: counts.classes, sessions: counts.sessions, horizonDays: index.horizonDays,
                generateSeconds: generated.seconds
            ),
            index: .init(
                buildSeconds: built.seconds, residentBytes: indexBytes,
                bytesPerSession: indexBytes.map { Double($0) / Double(max(1, counts.sessions)) }, peakResidentBytes: peakAfterBuild,
                byPart: index.memoryByPart.map { .init(part: $0.part.rawValue, bytes: $0.bytes) }
            ),
            workload: .init(
                queries: queries.count, concurrency: concurrency, rounds: rounds,
                byText: Dictionary(grouping: queries, by: \.text.rawValue).mapValues(\.count),
                bySort: Dictionary(grouping: queries, by: \.search.sort.rawValue).mapValues(\.count),
                needingTypoTolerance: queries.filter(\.needsTypoTolerance).count,
                meanGymsInRadius: Self.meanGymsInRadius(queries, catalog: catalog)
            ),
            systems: figures, spotUpdates: spot, dayOfRolls: day, spatial: spatial, slowest: slowest
        )
    }

    static func figures(
        _ m: SystemMeasurement, loadSeconds: Double?, queries: [BenchQuery], indexTimes: [Int: UInt64]?
    ) -> BenchReport.SystemFigures {
        let times = m.byQuery
        let byClass = Dictionary(grouping: m.asked) { queries[$0].label }.mapValues { numbers in
            LatencySummary(nanoseconds: numbers.compactMap { times[$0] })
        }
        var ratio: BenchReport.Ratio?
        if let indexTimes, !m.asked.isEmpty {
            let ours = LatencySummary(nanoseconds: m.asked.compactMap { indexTimes[$0] })
            let theirs = m.summary
            ratio = .init(
                queries: m.asked.count, indexP50: ours.p50, peerP50: theirs.p50, p50: theirs.p50 / max(ours.p50, 0.001),
                indexP99: ours.p99, peerP99: theirs.p99, p99: theirs.p99 / max(ours.p99, 0.001)
            )
        }
        return .init(
            name: m.name, loadSeconds: loadSeconds, asked: m.asked.count, mismatches: m.mismatches.count,
            mismatchExamples: m.mismatches.prefix(5).map(\.summary), notExpressible: m.notExpressible, latency: m.summary,
            queriesPerSecond: m.queriesPerSecond, byClass: byClass, versusIndex: ratio
        )
    }

    static func meanGymsInRadius(_ queries: [BenchQuery], catalog: ReferenceCatalog) -> Double {
        let tree = RTree(points: catalog.gyms.map { Coordinate(latitude: $0.latitude, longitude: $0.longitude) })
        let total = queries.reduce(0) { sum, query in
            let (center, radius, _, _) = query.resolved
            return sum + tree.within(radiusKm: radius, of: center).count
        }
        return Double(total) / Double(max(1, queries.count))
    }

    /// The index's ten slowest queries, asked again (untimed) for the plan it chose.
    static func slowest(_ m: SystemMeasurement, count: Int, queries: [BenchQuery], index: MarketplaceIndex) -> [BenchReport.SlowQuery] {
        m.byQuery.sorted { $0.value > $1.value }.prefix(count).map { number, nanoseconds in
            let query = queries[number]
            var explained = query.search
            explained.explain = true
            let page = try? index.search(explained)
            var forced: [String: Double] = [:], forcedVisited: [String: Int] = [:]
            for plan in [PlanChoice.geographic, .text, .sessions] where plan != .text || query.search.text != nil {
                var planned = query.search
                planned.plan = plan
                let times = (0..<3).map { _ in ContinuousClock().measure { _ = try? index.search(planned) } }
                forced[plan.rawValue] = times.sorted()[1].seconds * 1e6
                planned.explain = true
                forcedVisited[plan.rawValue] = (try? index.search(planned))?.plan?.visited
            }
            return .init(
                number: number, microseconds: Double(nanoseconds) / 1000, description: query.summary,
                plan: page?.plan.map { "\($0.driver) (geographic estimate \($0.geographicEstimate) classes, text \($0.textEstimate.map(String.init) ?? "—")\($0.wordsOnlyAround.map { $0 > 0 ? ", \($0) word(s) only around" : "" } ?? ""); visited \($0.visited))" } ?? "—",
                results: page?.results.count ?? 0, forced: forced, forcedVisited: forcedVisited
            )
        }
    }

    static func today() -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        return formatter.string(from: Date())
    }

    static func machine() -> BenchReport.Machine {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }
            .map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown"
        return .init(
            cores: ProcessInfo.processInfo.activeProcessorCount, memoryBytes: ProcessInfo.processInfo.physicalMemory,
            cpu: cpu, system: ProcessInfo.processInfo.operatingSystemVersionString
        )
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) * 1e-18 }
}
