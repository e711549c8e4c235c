/// Picks the side that drives a search: the gyms in the area, or the classes the query's
/// rarest word leads to.
///
/// The text side visits every class its postings name. The geographic side visits gyms nearest
/// first and, for the distance and relevance orders, stops once no farther gym can place. If
/// matching classes are spread like the rarest word's postings (a fraction `f` of all classes),
/// a page fills after about `limit / f` classes; by distance the search can stop right then,
/// by relevance only once distance decay outweighs the time and text parts of the worst result
/// kept, which takes more. So the geographic side is expected to cost the smaller of the whole
/// area and `stopFactor × limit / f` classes, and the whole area for the other orders.
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

    static func choose(geographicClasses: Int, textClasses: Int?, totalClasses: Int, limit: Int, sort: SortOrder) -> PlanChoice {
        guard let textClasses else { return .geographic }
        var geographicCost = Double(geographicClasses)
        if let factor = stopFactor(sort), textClasses > 0, totalClasses > 0 {
            let fraction = min(1, Double(textClasses) / Double(totalClasses))
            geographicCost = min(geographicCost, factor * Double(limit + 1) / fraction)
        }
        return Double(textClasses) < geographicCost ? .text : .geographic
    }

    /// What a session step of the sessions walk costs, in class visits of the geographic side
    /// (a class visit is a binary search, its sessions in the window and its words).
    static let sessionStepCost = 0.25

    /// By start time or credits, whether walking sessions in that order is expected to cost
    /// less than `chosenCost` class visits. A page fills after about `limit / p` sessions,
    /// where `p` is the share of sessions that pass: the area's share of the classes, times
    /// the words' share, times the class types'.
    static func prefersSessions(
        chosenCost: Int, areaClasses: Int, textClasses: Int?, totalClasses: Int, typeShare: Double, limit: Int, sort: SortOrder
    ) -> Bool {
        guard sort == .startTime || sort == .credits, totalClasses > 0, areaClasses > 0 else { return false }
        let total = Double(totalClasses)
        let share = min(1, Double(areaClasses) / total) * min(1, Double(textClasses ?? totalClasses) / total) * typeShare
        let walk = Double(limit + 1) / max(share, 1e-9)
        return walk * sessionStepCost < Double(chosenCost)
    }
}
