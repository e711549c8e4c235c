/// Picks the side that drives a search, from estimates in one unit, a class visit of the
/// geographic side (a binary search, its sessions in the window and its words):
///
/// - **geographic**: the gyms in the area nearest first, every class of each. For the distance
///   and relevance orders it stops once no farther gym can place. If matching classes are
///   spread like the rarest word's postings (a fraction `f` of all classes), a page fills after
///   about `limit / f` classes (`f` the types' share too); by distance the search can stop right then, by relevance only
///   once distance decay outweighs the time and text parts of the worst result kept, which
///   takes more. So it is expected to cost the smaller of the whole area and
///   `stopFactor × limit / f` classes, and the whole area for the other orders.
/// - **text**: the classes the rarest word's postings lead to. Each costs an area test (a
///   fraction of a visit), and those in the area a whole visit.
/// - **sessions**: the window's sessions in the R-tree tiles the area reaches, merged in the
///   order's key. By start time or credits a page fills after about `limit / p` of them, where
///   `p` is the share that pass (in the area, the words', the types'); otherwise, and at most,
///   the window's sessions in those tiles.
///
/// The cheapest drives; the runner-up is the fallback, and the driver may spend about twice
/// what the runner-up would before yielding to it, so a misjudged plan costs at most about
/// three times the better one.
enum QueryPlanner {
    /// How many pages' worth of matches the geographic side visits before it can stop.
    /// Calibrated on the 10,000-gym Gauteng dataset (see Benchmarks/RESULTS.md): by relevance
    /// the stop comes at around 10 to 20 pages' worth.
    static func stopFactor(_ sort: SortOrder) -> Double? {
        switch sort {
        case .distance: 2
        case .relevance: 16
        case .startTime, .credits: nil
        }
    }

    /// A session step of the sessions walk, in class visits: a merge step and its class's
    /// filters (about half a visit: the session's arrays are read out of order), and for the
    /// sessions that pass them, the class's text verdict and the ranking's arithmetic.
    /// Calibrated with the forced plans of `studioloop bench --scale continent`
    /// (Benchmarks/RESULTS.md), where a visit is about 120 ns.
    static func sessionStepCost(typeShare: Double, hasWords: Bool) -> Double {
        0.6 + typeShare * (hasWords ? 2.5 : 0.75)
    }

    /// Setting up one tile's run for the walk (a binary search for the window's start), in
    /// class visits.
    static let tileSetupCost = 1.5

    /// A posting the text side tests against the area (its gym's verdict, remembered per gym)
    /// without visiting its class, in class visits.
    static let postingCost = 0.15

    /// What the planner knows before any walk, summed over the segments.
    struct Inputs {
        /// Classes of the gyms the R-tree's leaves in the area hold (an upper bound).
        var geographicClasses: Int
        /// Classes the rarest word's postings lead to; nil without words.
        var textClasses: Int?
        var totalClasses: Int
        /// Sessions in the window, estimated from the tiles the area reaches.
        var windowSessionsInTiles: Double
        /// Of the sessions in those tiles, the share whose gyms are in the area.
        var areaShareInTiles: Double
        /// How many tiles the area reaches.
        var tiles: Int
        /// The share of classes whose type the query asks for (1 without types).
        var typeShare: Double
        var limit: Int
        var sort: SortOrder
    }

    /// The chosen driver, the side it yields to, and how many of its units (classes, or
    /// sessions for the walk) it may visit first.
    struct Decision: Equatable {
        var driver: PlanChoice
        var fallback: PlanChoice
        var budget: Int
    }

    /// Estimated costs of each side the query allows, in class visits.
    static func costs(_ inputs: Inputs) -> [(plan: PlanChoice, cost: Double)] {
        let total = Double(max(1, inputs.totalClasses))
        let areaShare = min(1, Double(inputs.geographicClasses) / total)
        // The share of classes that match: the rarest word's, times the types'.
        let matching = min(1, Double(inputs.textClasses ?? inputs.totalClasses) / total) * inputs.typeShare
        var geographic = Double(inputs.geographicClasses)
        if let factor = stopFactor(inputs.sort), matching > 0 {
            geographic = min(geographic, factor * Double(inputs.limit + 1) / matching)
        }
        var costs: [(PlanChoice, Double)] = [(.geographic, geographic)]
        if let textClasses = inputs.textClasses {
            let text = Double(textClasses)
            costs.append((.text, text * postingCost + text * areaShare))
        }
        var walk = inputs.windowSessionsInTiles
        if inputs.sort == .startTime || inputs.sort == .credits {
            walk = min(walk, Double(inputs.limit + 1) / max(inputs.areaShareInTiles * matching, 1e-9))
        }
        // By credits the walk usually sets up the runs of one or two credits values.
        let setup = Double(inputs.tiles) * tileSetupCost * (inputs.sort == .credits ? 2 : 1)
        costs.append((.sessions, setup + walk * sessionStepCost(typeShare: inputs.typeShare, hasWords: inputs.textClasses != nil)))
        return costs
    }

    static func decide(_ inputs: Inputs) -> Decision {
        let ranked = costs(inputs).sorted { $0.cost < $1.cost }
        let best = ranked[0]
        guard ranked.count > 1 else { return Decision(driver: best.plan, fallback: best.plan, budget: .max) }
        let runnerUp = ranked[1]
        // The text side never gives up: it reads only its postings. The others may spend twice
        // what the runner-up would cost, in their own units (the estimates are good to about a
        // factor of two: yielding sooner would pay for both sides where one would have done).
        let allowance = 2 * runnerUp.cost
        let budget: Int =
            switch best.plan {
            case .text, .automatic: .max
            case .geographic: Int(min(allowance, Double(Int.max / 2)))
            case .sessions:
                Int(min(allowance / sessionStepCost(typeShare: inputs.typeShare, hasWords: inputs.textClasses != nil), Double(Int.max / 2)))
            }
        return Decision(driver: best.plan, fallback: runnerUp.plan, budget: max(budget, 64))
    }
}
