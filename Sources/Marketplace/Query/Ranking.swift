import Foundation

/// The relevance score: one number from how well the words match, how near the gym is and how
/// soon the session starts, each in [0, 1], so a close class that matches the words well beats
/// a closer one that barely does, and an explanation can show every part.
public enum Ranking {
    /// Weights with query text: text, distance, time.
    public static let textWeights = (text: 0.6, distance: 0.25, time: 0.15)
    /// Weights without text: distance and time keep their proportion.
    public static let plainWeights = (distance: 0.625, time: 0.375)
    /// Distance decay halves the distance part every 5 km.
    public static let distanceHalfLifeKm = 5.0
    /// Time decay halves the time part every 24 hours until the start.
    public static let timeHalfLifeHours = 24.0

    /// The parts of a session's score and their weighted sum.
    public static func explain(textScore: Double?, distanceKm: Double, start: Int64, now: Int64) -> ScoreExplanation {
        let distance = pow(0.5, distanceKm / distanceHalfLifeKm)
        let hours = Double(max(0, start - now)) / 3600
        let time = pow(0.5, hours / timeHalfLifeHours)
        let total: Double
        if let textScore {
            total = textWeights.text * textScore + textWeights.distance * distance + textWeights.time * time
        } else {
            total = plainWeights.distance * distance + plainWeights.time * time
        }
        return ScoreExplanation(text: textScore, distance: distance, time: time, total: total)
    }
}

extension Ranking {
    /// The highest score any session at `distanceKm` can reach, given the best text score the
    /// query's words can earn (nil without words), if it started at `earliestStart` (the
    /// window's start, or now if later): the search visits gyms nearest first and stops when
    /// this cannot beat what it has. Computed by the same arithmetic as `explain`, so it is
    /// never below a real score.
    public static func bestScore(distanceKm: Double, bestTextScore: Double?, earliestStart: Int64, now: Int64) -> Double {
        explain(textScore: bestTextScore, distanceKm: distanceKm, start: max(earliestStart, now), now: now).total
    }
}

/// The parts of a relevance score, as `explain` shows them.
public struct ScoreExplanation: Codable, Hashable, Sendable {
    /// How well the words matched: per word the best match quality times its field's weight,
    /// averaged over the words. Absent when the query had no words.
    public var text: Double?
    /// 0.5^(distance / 5 km).
    public var distance: Double
    /// 0.5^(hours until start / 24).
    public var time: Double
    public var total: Double
}
