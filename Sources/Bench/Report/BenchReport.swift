/// Everything one `studioloop bench` run measured, written as JSON beside its Markdown table.
public struct BenchReport: Codable, Sendable {
    public var date: String
    public var scale: BenchScale
    public var command: String
    public var machine: Machine
    public var dataset: DatasetFigures
    public var index: IndexFigures
    public var workload: WorkloadFigures
    public var systems: [SystemFigures]
    public var spotUpdates: SpotUpdateFigures?
    /// With `--day-of-rolls`: search on an index that lived through a day, before and after compaction.
    public var dayOfRolls: DayOfRollsFigures?
    public var spatial: [SpatialFigures]
    /// The index's slowest queries, with the plan it chose: where to look next.
    public var slowest: [SlowQuery]

    public struct SlowQuery: Codable, Sendable {
        public var number: Int
        public var microseconds: Double
        public var description: String
        public var plan: String
        public var results: Int
        /// The same query with each plan forced, median microseconds of three runs: whether the
        /// planner's choice or the plan itself is slow. Absent in reports written before.
        public var forced: [String: Double]?
        /// What each forced plan visited (`QueryPlan.visited`).
        public var forcedVisited: [String: Int]?
    }

    public struct Machine: Codable, Sendable {
        public var cores: Int
        public var memoryBytes: UInt64
        public var cpu: String
        public var system: String
    }

    public struct DatasetFigures: Codable, Sendable {
        public var gyms: Int
        public var classes: Int
        public var sessions: Int
        public var horizonDays: Int
        public var generateSeconds: Double
    }

    public struct IndexFigures: Codable, Sendable {
        public var buildSeconds: Double
        /// Resident memory the index added, bytes (from /proc, so approximate).
        public var residentBytes: Int?
        public var bytesPerSession: Double?
        /// The process's peak resident memory by the end of the build.
        public var peakResidentBytes: Int?
        /// The index's structures part by part (`MarketplaceIndex.memoryByPart`), bytes;
        /// absent in reports written before.
        public var byPart: [Part]?

        public struct Part: Codable, Sendable {
            public var part: String
            public var bytes: Int
        }
    }

    public struct WorkloadFigures: Codable, Sendable {
        public var queries: Int
        public var concurrency: Int
        public var rounds: Int
        public var byText: [String: Int]
        public var bySort: [String: Int]
        public var needingTypoTolerance: Int
        /// The mean number of gyms within a query's radius: the local density the index's
        /// latency should follow, rather than the dataset's size.
        public var meanGymsInRadius: Double
    }

    public struct SystemFigures: Codable, Sendable {
        public var name: String
        public var loadSeconds: Double?
        public var asked: Int
        /// Answers that differed from brute force's; the figures of a system with any are void.
        public var mismatches: Int
        public var mismatchExamples: [String]
        public var notExpressible: [String: Int]
        public var latency: LatencySummary
        public var queriesPerSecond: Double
        public var byClass: [String: LatencySummary]
        /// The index against this system on the queries this system was asked.
        public var versusIndex: Ratio?
    }

    /// Latency of this system over the index's on the same queries (above 1: the index is faster).
    public struct Ratio: Codable, Sendable {
        public var queries: Int
        public var indexP50: Double
        public var peerP50: Double
        public var p50: Double
        public var indexP99: Double
        public var peerP99: Double
        public var p99: Double
    }

    public struct SpotUpdateFigures: Codable, Sendable {
        public var seconds: Double
        public var updatesPerSecond: Double
        /// The index's latency on the same queries while spot updates ran.
        public var searchDuring: LatencySummary
        public var searchAlone: LatencySummary
    }

    public struct DayOfRollsFigures: Codable, Sendable {
        public var hours: Int
        public var editsPerHour: Int
        public var gymsPerEdit: Int
        /// How long replaying the day's rolls and edits took.
        public var replaySeconds: Double
        /// The index after the day: its segments and the gyms dead in them.
        public var segments: Int
        public var deadGyms: Int
        public var livedIn: LatencySummary
        public var livedInMismatches: Int
        public var compactionSeconds: Double
        public var compacted: LatencySummary
        public var compactedMismatches: Int
        /// The fresh index timed again after the others.
        public var freshAgain: LatencySummary
    }

    /// The spatial part alone: the project's R-tree against GEOS's STRtree on the same gyms.
    public struct SpatialFigures: Codable, Sendable {
        public var operation: String
        public var queries: Int
        public var equal: Bool
        public var rtree: LatencySummary
        public var geos: LatencySummary
    }
}
