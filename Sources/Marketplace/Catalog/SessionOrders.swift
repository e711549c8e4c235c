import Geo

/// A segment's sessions in the two orders that have a fixed key, for searches that walk them
/// instead of walking gyms: by start time, and by credits then start time. Each is kept per
/// tile of the R-tree (about 256 neighbouring gyms), so a walk over an area merges the tiles
/// the area reaches and never reads the sessions of the rest of the continent, which in one
/// global order come first as often as not (another city, another time zone). 12 bytes a
/// session.
struct SessionOrders: Sendable {
    /// The class of each session.
    let sessionClasses: [Int32]
    /// Per tile one run, in start order.
    let byStart: TiledRuns
    /// Per tile one run per credits value, ascending, each in start order.
    let byCredits: TiledRuns

    init(classes: [ClassFacts], sessionStarts: [Int64], tileOfGym: [Int32], tiles: Int) {
        var sessionClasses = [Int32](repeating: 0, count: sessionStarts.count)
        var sessionTiles = [Int32](repeating: 0, count: sessionStarts.count)
        for (c, entry) in classes.enumerated() {
            for s in entry.sessions {
                sessionClasses[Int(s)] = Int32(c)
                sessionTiles[Int(s)] = tileOfGym[Int(entry.gym)]
            }
        }
        byStart = TiledRuns(tiles: tiles, sessionTiles: sessionTiles, sessionStarts: sessionStarts) { _ in 0 }
        byCredits = TiledRuns(tiles: tiles, sessionTiles: sessionTiles, sessionStarts: sessionStarts) {
            classes[Int(sessionClasses[$0])].credits
        }
        self.sessionClasses = sessionClasses
    }

    func runs(for sort: SortOrder) -> TiledRuns {
        sort == .credits ? byCredits : byStart
    }
}

/// Sessions grouped by tile, each tile's split into runs of one key value (ascending), each run
/// in start order.
struct TiledRuns: Sendable {
    /// Every session once.
    let sessions: [Int32]
    /// Run `r` is `sessions[runBounds[r]..<runBounds[r + 1]]`, of key `runKeys[r]`.
    let runBounds: [Int32]
    let runKeys: [Int32]
    /// Tile `t`'s runs are `tileRuns[t]..<tileRuns[t + 1]`.
    let tileRuns: [Int32]
    /// The key values of all runs, ascending, each once.
    let keys: [Int32]

    init(tiles: Int, sessionTiles: [Int32], sessionStarts: [Int64], key: (Int) -> Int32) {
        // Counting sort by tile, then each tile's sessions by key and start.
        var tileStarts = [Int](repeating: 0, count: tiles + 1)
        for t in sessionTiles { tileStarts[Int(t) + 1] += 1 }
        for t in 0..<tiles { tileStarts[t + 1] += tileStarts[t] }
        var next = tileStarts
        var sessions = [Int32](repeating: 0, count: sessionTiles.count)
        for (s, t) in sessionTiles.enumerated() {
            sessions[next[Int(t)]] = Int32(s)
            next[Int(t)] += 1
        }
        let keys = (0..<sessionTiles.count).map(key)
        var runBounds: [Int32] = [0], runKeys: [Int32] = [], tileRuns: [Int32] = [0]
        for t in 0..<tiles {
            let range = tileStarts[t]..<tileStarts[t + 1]
            sessions[range].sort { a, b in
                let ka = keys[Int(a)], kb = keys[Int(b)]
                if ka != kb { return ka < kb }
                let sa = sessionStarts[Int(a)], sb = sessionStarts[Int(b)]
                return sa != sb ? sa < sb : a < b
            }
            var i = range.lowerBound
            while i < range.upperBound {
                let value = keys[Int(sessions[i])]
                while i < range.upperBound && keys[Int(sessions[i])] == value { i += 1 }
                runBounds.append(Int32(i))
                runKeys.append(value)
            }
            tileRuns.append(Int32(runKeys.count))
        }
        self.sessions = sessions
        self.runBounds = runBounds
        self.runKeys = runKeys
        self.tileRuns = tileRuns
        self.keys = Array(Set(runKeys)).sorted()
    }

    var heapBytes: Int {
        HeapSize.of(sessions) + HeapSize.of(runBounds) + HeapSize.of(runKeys) + HeapSize.of(tileRuns) + HeapSize.of(keys)
    }

    /// How many sessions the tiles hold.
    func sessionCount(inTiles tiles: [Int32]) -> Int {
        tiles.reduce(0) { total, t in
            total + Int(runBounds[Int(tileRuns[Int(t) + 1])] - runBounds[Int(tileRuns[Int(t)])])
        }
    }

    /// Tile `t`'s run of key `value`, if it has one.
    func run(ofTile t: Int32, key value: Int32) -> Range<Int>? {
        for r in Int(tileRuns[Int(t)])..<Int(tileRuns[Int(t) + 1]) where runKeys[r] == value {
            return Int(runBounds[r])..<Int(runBounds[r + 1])
        }
        return nil
    }
}
