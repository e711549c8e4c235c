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
        return ScoreExplanation(text: textScore, distance: distance, time: time, total: total, matched: nil)
    }
}

extension Ranking {
    /// The first part of a session's sort key in `order`, smaller first: a class that matches
    /// every query word itself (its name, type, instructor or description) comes before one
    /// that matches some only through its gym's or its place's names ("Powerlifting" at "Lion
    /// Yoga Shala" for "yoga"), in every order; among equals, the order's own key. `base` is
    /// that key (the negated score by relevance); `missing`, the words the class itself does
    /// not match.
    public static func primaryKey(_ base: Double, wordsMatchedOnlyAround missing: Int, order: SortOrder) -> Double {
        missing == 0 ? base : base + Double(missing) * tierStep(order)
    }

    /// More than any `base` of the order spans, and small enough that adding it keeps `base`
    /// exact: scores lie in [-1, 0], distances below 20,040 km, credits below a million,
    /// starts below 10^10 s (the year 2286).
    private static func tierStep(_ order: SortOrder) -> Double {
        switch order {
        case .relevance: 2
        case .distance: 100_000
        case .credits: 1_000_000
        case .startTime: 10_000_000_000
        }
    }

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
    /// Per query word: where its best match was found and how, so a reader sees whether the
    /// class itself matched or only its gym's or place's names.
    public var matched: [WordMatch]?
}

/// Where one query word matched a result.
public struct WordMatch: Codable, Hashable, Sendable {
    /// The word as search folded it.
    public var word: String
    /// "class name", "class type", "instructor", "description", "gym name", "suburb", "city",
    /// "country", "place name" or "place's other name".
    public var field: String
    /// The catalog's word it met.
    public var term: String
    /// exact, synonym, prefix, one_typo or two_typos.
    public var match: String

    public init(word: String, field: String, term: String, match: String) {
        self.word = word
        self.field = field
        self.term = term
        self.match = match
    }
}
