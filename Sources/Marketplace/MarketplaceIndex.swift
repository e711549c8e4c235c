public import Datasets
import Domain
import Foundation
import Synchronization

/// The in-memory search index of the marketplace: every bookable session with its gym and
/// class, searchable by place, words and availability, and kept live as bookings change spots
/// and gyms change their timetables.
///
/// Readers never wait for writers: a search takes the current list of segments under a lock
/// held for a few pointer copies, then runs on immutable segments. Spot changes are single
/// atomic stores; a changed gym is built into a new small segment and published in one step,
/// so no search sees half of a change.
public final class MarketplaceIndex: Sendable {
    /// Sessions materialized from now to now + horizon when built from a dataset.
    public let horizonDays: Int
    /// The instant the base segment's sessions were materialized from.
    public let materializedAt: Int64
    /// The dataset's seed, which decides how booked a materialized session starts.
    public let seed: UInt64

    private let state: Mutex<State>
    /// Serializes writers, so a merge never loses a spot change made while it copies spots.
    private let writer = Mutex(())
    private let changeCount = Atomic<UInt64>(0)
    /// Moves with every change of which gyms live where (not with spots), after the state
    /// changed and always with `writer` held: read before the state, it tells whether the state
    /// read is still the current one once `writer` is taken.
    private let layout = Atomic<UInt64>(0)

    /// Moves with every change (spots, gyms): whether anything changed since a moment.
    public var changes: UInt64 { changeCount.load(ordering: .relaxed) }

    struct State: Sendable {
        var segments: [CatalogSegment]
        /// Per segment, gyms replaced or removed since it was built.
        var dead: [Set<Int32>]
        /// Where each live gym is: segment and gym index.
        var location: [String: GymLocation]
    }

    struct GymLocation: Sendable, Equatable {
        var segment: Int
        var gym: Int32
    }

    /// Small segments are merged into one when there are more than this many.
    static let maxSmallSegments = 8

    /// Builds the index from a dataset, materializing sessions in [now, now + horizon).
    public convenience init(dataset: Dataset, now: Int64, horizonDays: Int = SessionSchedule.defaultHorizonDays, progress: ProgressReport? = nil) {
        let records = dataset.gymRecords(from: now, to: now + Int64(horizonDays) * 86_400, progress: progress)
        self.init(
            base: CatalogSegment(building: records, progress: progress), materializedAt: now, horizonDays: horizonDays,
            seed: dataset.manifest.seed
        )
    }

    /// Builds the index from gyms whose sessions are already materialized (read from the store,
    /// say), covering [`materializedAt`, `materializedAt` + horizon).
    public convenience init(records: [GymRecords], materializedAt: Int64, horizonDays: Int, seed: UInt64 = 0) {
        self.init(
            base: CatalogSegment(building: records), materializedAt: materializedAt, horizonDays: horizonDays,
            seed: seed
        )
    }

    init(base: CatalogSegment, materializedAt: Int64, horizonDays: Int, seed: UInt64) {
        self.horizonDays = horizonDays
        self.materializedAt = materializedAt
        self.seed = seed
        var location: [String: GymLocation] = [:]
        for (i, gym) in base.gyms.enumerated() { location[gym.id] = GymLocation(segment: 0, gym: Int32(i)) }
        state = Mutex(State(segments: [base], dead: [[]], location: location))
    }

    var currentState: State { state.withLock { $0 } }

    /// Where the index's memory goes, summed over its segments (`CatalogSegment.memoryParts`).
    public var memoryByPart: [(part: MemoryPart, bytes: Int)] {
        let perSegment = currentState.segments.map { $0.memoryParts() }
        return MemoryPart.allCases.map { part in (part, perSegment.reduce(0) { $0 + $1[part, default: 0] }) }
    }

    /// How much the index holds: live gyms, their classes and sessions.
    public var counts: (gyms: Int, classes: Int, sessions: Int) {
        let state = currentState
        var gyms = 0, classes = 0, sessions = 0
        for location in state.location.values {
            let segment = state.segments[location.segment]
            let gym = segment.gyms[Int(location.gym)]
            gyms += 1
            classes += gym.classes.count
            for c in gym.classes { sessions += segment.classes[Int(c)].sessions.count }
        }
        return (gyms, classes, sessions)
    }

    /// How scattered the index is: its segments, and the gyms replaced or removed in them
    /// since they were built.
    public var shape: (segments: Int, deadGyms: Int) {
        let state = currentState
        return (state.segments.count, state.dead.reduce(0) { $0 + $1.count })
    }

    // MARK: Search

    /// Answers one page of a query.
    public func search(_ query: SearchQuery) throws(SearchError) -> SearchPage {
        let clock = ContinuousClock.now
        let resolved = try query.resolved()
        let state = currentState
        let searches = state.segments.enumerated().map { number, segment in
            SegmentSearch(segment: segment, number: number, dead: state.dead[number], query: resolved)
        }
        if let tenant = query.tenant, searches.allSatisfy({ $0.onlyGym == nil }) {
            throw SearchError(.tenant, "no gym has the id or slug '\(tenant)'")
        }
        let geographic = searches.reduce(0) { $0 + $1.geographicEstimate }
        let textual: Int? = resolved.words.isEmpty ? nil : searches.reduce(0) { $0 + ($1.textEstimate?.classes ?? 0) }
        let totalClasses = state.segments.reduce(0) { $0 + $1.classes.count }
        let totalSessions = state.segments.reduce(0) { $0 + $1.sessionStarts.count }
        var inTiles = 0.0, windowInTiles = 0.0
        for search in searches {
            let sessions = Double(search.tileSessions)
            inTiles += sessions
            windowInTiles += sessions * search.segment.windowShare(from: resolved.from, to: resolved.to)
        }
        // The area's classes as sessions, against all the sessions of its tiles.
        let areaShareInTiles =
            inTiles > 0 && totalClasses > 0 ? min(1, Double(geographic) * Double(totalSessions) / Double(totalClasses) / inTiles) : 1
        let inputs = QueryPlanner.Inputs(
            geographicClasses: geographic, textClasses: textual, totalClasses: totalClasses,
            windowSessionsInTiles: windowInTiles, areaShareInTiles: areaShareInTiles,
            tiles: searches.reduce(0) { $0 + $1.areaTiles.count },
            typeShare: query.types.isEmpty ? 1 : min(1, Double(query.types.count) / Double(ClassType.allCases.count)),
            limit: query.limit, sort: query.sort
        )
        let decision: QueryPlanner.Decision =
            switch query.plan {
            case .automatic: QueryPlanner.decide(inputs)
            case let forced: QueryPlanner.Decision(driver: forced, fallback: forced, budget: .max)
            }
        var driver = decision.driver
        let fallback = decision.fallback
        var budget = decision.budget
        var top = TopCandidates(capacity: query.limit + 1, after: resolved.after)
        var switched = false
        var visited = 0
        let firstBudget = budget
        for search in searches where !search.run(driver: driver, into: &top, budget: &budget) {
            switched = true
            break
        }
        visited += firstBudget - budget
        let first = driver
        if switched {
            driver = fallback
            top = TopCandidates(capacity: query.limit + 1, after: resolved.after)
            budget = Int.max
            for search in searches { _ = search.run(driver: driver, into: &top, budget: &budget) }
            visited += Int.max - budget
        }

        let ranked = top.sorted()
        let page = Array(ranked.prefix(query.limit))
        var builder = ResultBuilder(searches: searches, query: resolved)
        let results = page.map { builder.result(for: $0) }
        let next = ranked.count > query.limit
            ? SearchCursor(fingerprint: resolved.fingerprint, now: resolved.now, after: page.last!.key).encoded : nil
        let elapsed = ContinuousClock.now - clock
        return SearchPage(
            results: results, nextCursor: next,
            tookMs: Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15,
            plan: query.explain
                ? QueryPlan(
                    driver: switched ? "\(first.rawValue), then \(driver.rawValue)" : driver.rawValue, geographicEstimate: geographic,
                    textEstimate: textual, wordsOnlyAround: resolved.words.isEmpty ? nil : searches.map(\.fewestWordsOnlyAround).min(),
                    visited: visited
                ) : nil
        )
    }

    // MARK: Live updates

    /// Sets the spots left of the session of `classId` at `gymId` starting at `start`. Returns
    /// false if the index has no such session.
    ///
    /// The session is found without holding the writers off (bookings arrive one after another
    /// and each lookup is a few cache misses at continent scale); the value is stored under the
    /// writers' lock, and only if no gym moved meanwhile: a merge or a compaction copies spots
    /// under that lock, so a value stored before it is carried and none is stored after it into
    /// a segment being replaced.
    @discardableResult
    public func setSpots(gymId: String, classId: String, start: Int64, spotsLeft: Int) -> Bool {
        let value = Int32(clamping: max(0, spotsLeft))
        let classHash = SessionIdentity.classHash(classId)
        while true {
            let version = layout.load(ordering: .acquiring)
            let found = state.withLock { state in state.location[gymId].map { (state.segments[$0.segment], $0.gym) } }
            guard let (segment, gym) = found else { return false }
            // By the id's hash among the gym's plain class facts, then the id itself once.
            guard let c = segment.gymFacts[Int(gym)].classes.first(where: {
                segment.classFacts[Int($0)].idHash == classHash && segment.classes[Int($0)].id == classId
            }),
                let s = segment.session(classIndex: Int(c), start: start)
            else { return false }
            let stored = writer.withLock { _ in
                guard layout.load(ordering: .acquiring) == version else { return false }
                segment.spots.store(value, at: s)
                return true
            }
            if stored {
                changeCount.add(1, ordering: .relaxed)
                return true
            }
        }
    }

    /// Adds a gym, or replaces everything about it (details, classes, sessions), at once.
    public func upsert(_ records: GymRecords) {
        upsert([records])
    }

    /// Adds or replaces several gyms in one new segment, published in one step: how a batch of
    /// changed gyms (an hourly roll of every timetable, say) costs one build, not one each.
    public func upsert(_ changed: [GymRecords]) {
        // One copy per gym, the last given.
        var seen = Set<String>()
        let batch = changed.reversed().filter { seen.insert($0.tenant.id).inserted }.reversed() as [GymRecords]
        guard !batch.isEmpty else { return }
        writer.withLock { _ in
            let segment = CatalogSegment(building: batch)
            state.withLock { state in
                for records in batch {
                    if let old = state.location[records.tenant.id] { state.dead[old.segment].insert(old.gym) }
                }
                state.segments.append(segment)
                state.dead.append([])
                for (g, gym) in segment.gyms.enumerated() {
                    state.location[gym.id] = GymLocation(segment: state.segments.count - 1, gym: Int32(g))
                }
            }
            layout.add(1, ordering: .releasing)
            changeCount.add(1, ordering: .relaxed)
            if currentState.segments.count - 1 > Self.maxSmallSegments { mergeSmallSegments() }
        }
    }

    /// Removes a gym and all its sessions. Returns false if the index did not have it.
    @discardableResult
    public func removeGym(id: String) -> Bool {
        writer.withLock { _ in
            let removed = state.withLock { state in
                guard let old = state.location.removeValue(forKey: id) else { return false }
                state.dead[old.segment].insert(old.gym)
                return true
            }
            if removed {
                layout.add(1, ordering: .releasing)
                changeCount.add(1, ordering: .relaxed)
            }
            return removed
        }
    }

    /// Folds the small segments into one, carrying their live spots. Called with `writer` held.
    private func mergeSmallSegments() {
        let current = currentState
        let merged = CatalogSegment(merging: Array(current.segments.dropFirst()), dead: Array(current.dead.dropFirst()))
        state.withLock { state in
            state.segments = [state.segments[0], merged]
            state.dead = [state.dead[0], []]
            for (g, gym) in merged.gyms.enumerated() { state.location[gym.id] = GymLocation(segment: 1, gym: Int32(g)) }
        }
        layout.add(1, ordering: .releasing)
    }

    // MARK: Compaction

    /// Whether the index has drifted far enough from one fresh segment to be worth compacting:
    /// a tenth of its gyms replaced or removed since the base was built, or living in small
    /// segments. A server that runs for days (hourly timetable rolls, gym edits) gets there.
    public var compactionDue: Bool {
        let state = currentState
        let base = state.segments[0].gyms.count
        let small = state.segments.dropFirst().reduce(0) { $0 + $1.gyms.count }
        let replaced = state.dead[0].count * 10 >= max(1, base)
        let scattered = small > 0 && small * 10 >= base + small
        return replaced || scattered
    }

    /// Rebuilds every segment's live gyms into one segment and swaps it in, so the index searches
    /// as a freshly built one does. Searches never wait: the copy is made outside any lock, and
    /// only the swap (after the spots changed meanwhile are copied again) holds the writers
    /// off. Returns false, changing nothing, when there was nothing to compact or gyms changed
    /// during the copy (the next call tries again).
    @discardableResult
    public func compact() -> Bool {
        let version = layout.load(ordering: .acquiring)
        let before = currentState
        guard before.segments.count > 1 || !before.dead[0].isEmpty else { return false }
        let merged = CatalogSegment(merging: before.segments, dead: before.dead)
        return writer.withLock { _ in
            guard layout.load(ordering: .acquiring) == version else { return false }
            merged.copySpots(from: before.segments, dead: before.dead)
            state.withLock { state in
                state.segments = [merged]
                state.dead = [[]]
                for (g, gym) in merged.gyms.enumerated() { state.location[gym.id] = GymLocation(segment: 0, gym: Int32(g)) }
            }
            layout.add(1, ordering: .releasing)
            return true
        }
    }
}
