/// A segment's sessions in the two orders that have a fixed key, for searches that walk them
/// instead of walking gyms: by start time, and by credits then start time. Derived from the
/// segment's own arrays when it is built; 12 bytes a session.
struct SessionOrders: Sendable {
    /// The class of each session.
    let sessionClasses: [Int32]
    /// Every session, by start time.
    let byStart: [Int32]
    /// Every session by credits, then start time; `creditRuns` splits it by credits value.
    let byCredits: [Int32]
    let creditRuns: [(credits: Int32, range: Range<Int>)]

    init(classes: [ClassFacts], sessionStarts: [Int64]) {
        var sessionClasses = [Int32](repeating: 0, count: sessionStarts.count)
        for (c, entry) in classes.enumerated() {
            for s in entry.sessions { sessionClasses[Int(s)] = Int32(c) }
        }
        let byStart = (0..<Int32(sessionStarts.count)).sorted { sessionStarts[Int($0)] < sessionStarts[Int($1)] }
        // A stable partition of the start order by credits keeps each run in start order.
        var runs: [Int32: [Int32]] = [:]
        for s in byStart { runs[classes[Int(sessionClasses[Int(s)])].credits, default: []].append(s) }
        var byCredits: [Int32] = []
        byCredits.reserveCapacity(byStart.count)
        var creditRuns: [(credits: Int32, range: Range<Int>)] = []
        for credits in runs.keys.sorted() {
            let lower = byCredits.count
            byCredits += runs[credits]!
            creditRuns.append((credits, lower..<byCredits.count))
        }
        self.sessionClasses = sessionClasses
        self.byStart = byStart
        self.byCredits = byCredits
        self.creditRuns = creditRuns
    }

    /// The runs a walk in `sort` order goes through, each in start order: one for start
    /// time, one per credits value for credits.
    func runs(for sort: SortOrder) -> [(order: [Int32], range: Range<Int>)] {
        switch sort {
        case .credits: creditRuns.map { (byCredits, $0.range) }
        default: [(byStart, 0..<byStart.count)]
        }
    }
}
