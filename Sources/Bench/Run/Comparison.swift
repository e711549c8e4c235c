import Foundation
import Synchronization

/// Runs the workload against each system: first every answer is checked against the
/// reference's, then the same queries are timed, by `concurrency` worker threads.
public struct Comparison {
    public var queries: [BenchQuery]
    public var concurrency: Int
    /// Timed passes over the queries; each query's figure is its median over the passes, so a
    /// moment of background work on a shared machine does not decide it.
    public var rounds: Int
    /// Called with a phase, the work done and the work there is.
    public var progress: @Sendable (String, Int, Int) -> Void

    public init(queries: [BenchQuery], concurrency: Int, rounds: Int = 3, progress: @escaping @Sendable (String, Int, Int) -> Void) {
        self.queries = queries
        self.concurrency = concurrency
        self.rounds = max(1, rounds)
        self.progress = progress
    }

    /// The reference's answer to every query.
    public func referenceAnswers(_ reference: any SearchSystem) throws -> [[String]] {
        let searcher = try reference.makeSearcher()
        return try queries.enumerated().map { i, query in
            progress("\(reference.name): reference answers", i, queries.count)
            return try searcher.search(query)
        }
    }

    /// Checks `system` against `expected`, then times it. Queries it cannot express are counted
    /// by reason and not asked.
    public func measure(_ system: any SearchSystem, expected: [[String]]) throws -> SystemMeasurement {
        var asked: [BenchQuery] = []
        var limitations: [String: Int] = [:]
        for query in queries {
            if let limitation = system.limitation(of: query) {
                limitations[limitation.rawValue, default: 0] += 1
            } else {
                asked.append(query)
            }
        }

        // The check, which also warms caches: a system's figures count only if it agrees.
        let searcher = try system.makeSearcher()
        var mismatches: [Mismatch] = []
        for (i, query) in asked.enumerated() {
            progress("\(system.name): checking answers", i, asked.count)
            let answer = try searcher.search(query)
            if answer != expected[query.number] {
                mismatches.append(Mismatch(query: query, expected: expected[query.number], got: answer))
            }
        }

        var passes: [TimedRun] = []
        for round in 1...rounds { passes.append(try time(system, asked, round: round)) }
        let latencies = TimedRun(
            nanoseconds: asked.indices.map { i in Self.median(passes.map { $0.nanoseconds[i] }) },
            seconds: passes.map(\.seconds).sorted()[passes.count / 2]
        )
        return SystemMeasurement(
            name: system.name, asked: asked.map(\.number), latencies: latencies, notExpressible: limitations,
            mismatches: mismatches, concurrency: concurrency
        )
    }

    /// Each query of `asked` once, shared out to the workers as they free up; per query its
    /// wall-clock nanoseconds, and the whole run's.
    func time(_ system: any SearchSystem, _ asked: [BenchQuery], round: Int) throws -> TimedRun {
        let shared = SharedRun(count: asked.count)
        let searchers = try (0..<concurrency).map { _ in try system.makeSearcher() }
        let group = DispatchGroup()
        let started = ContinuousClock.now
        let rounds = rounds
        for worker in 0..<concurrency {
            let searcher = UncheckedBox(searchers[worker])
            group.enter()
            let thread = Thread { [progress] in
                defer { group.leave() }
                var mine: [(Int, UInt64)] = []
                while true {
                    let i = shared.next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard i < asked.count else { break }
                    let start = DispatchTime.now().uptimeNanoseconds
                    do {
                        _ = try searcher.value.search(asked[i])
                    } catch {
                        shared.results.withLock { $0.failure = "\(error)" }
                        break
                    }
                    mine.append((i, DispatchTime.now().uptimeNanoseconds - start))
                    if worker == 0 { progress("\(system.name): timing, pass \(round) of \(rounds)", i, asked.count) }
                }
                shared.results.withLock { for (i, ns) in mine { $0.latencies[i] = ns } }
            }
            thread.stackSize = 8 << 20
            thread.start()
        }
        group.wait()
        let elapsed = ContinuousClock.now - started
        let (latencies, failure) = shared.results.withLock { ($0.latencies, $0.failure) }
        if let failure { throw BenchError("\(system.name) failed while timed: \(failure)") }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        return TimedRun(nanoseconds: latencies, seconds: seconds)
    }
}

extension Comparison {
    static func median(_ values: [UInt64]) -> UInt64 {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}

/// What the workers of one timed run share: the next query to take, and what they measured.
final class SharedRun: Sendable {
    let next = Atomic<Int>(0)
    let results: Mutex<(latencies: [UInt64], failure: String?)>

    init(count: Int) {
        results = Mutex(([UInt64](repeating: 0, count: count), nil))
    }
}

/// A searcher handed to the one thread that uses it.
struct UncheckedBox<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

struct TimedRun {
    var nanoseconds: [UInt64]
    var seconds: Double
}

/// An answer that differed from the reference's.
public struct Mismatch: Sendable {
    public var query: BenchQuery
    public var expected: [String]
    public var got: [String]

    public var summary: String {
        let shared = zip(expected, got).prefix { $0 == $1 }.count
        return "query \(query.number) (\(query.label), \(query.search.text ?? "no text"), r=\(query.search.radiusKm ?? 0) km): "
            + "expected \(expected.count) results, got \(got.count); first difference at position \(shared)"
            + (shared < min(expected.count, got.count) ? " (expected \(expected[shared]), got \(got[shared]))" : "")
    }
}

/// One system's run: which queries it answered, how fast, and whether it agreed.
public struct SystemMeasurement: Sendable {
    public var name: String
    /// Workload numbers of the queries it was asked, in order; `latencies` follows it.
    public var asked: [Int]
    var latencies: TimedRun
    public var notExpressible: [String: Int]
    public var mismatches: [Mismatch]
    public var concurrency: Int

    /// Nanoseconds per workload query number, for the queries it was asked.
    public var byQuery: [Int: UInt64] {
        Dictionary(uniqueKeysWithValues: zip(asked, latencies.nanoseconds))
    }

    public var queriesPerSecond: Double { latencies.seconds > 0 ? Double(asked.count) / latencies.seconds : 0 }
    public var summary: LatencySummary { LatencySummary(nanoseconds: latencies.nanoseconds) }
}
