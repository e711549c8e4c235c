public import Datasets
public import Domain
import Marketplace
import TextSearch

/// The catalog flattened into columns: what the brute-force reference scans and what every
/// system in `studioloop bench` loads, so all of them answer from the same gyms, classes and
/// sessions (active gyms and classes, cancelled sessions left out, spots as generated).
public struct ReferenceCatalog: Sendable {
    public struct Gym: Sendable {
        public var id: String
        public var slug: String
        public var latitude: Double
        public var longitude: Double
        public var marketplace: Bool
    }

    public struct FitnessClassRow: Sendable {
        public var id: String
        public var gym: Int32
        public var type: ClassType
        public var difficulty: Difficulty
        public var credits: Int32
        /// Every folded word a query can match for this class: its own fields, its instructor,
        /// its gym's and its gym's place's, each word once, with the weight of its best field.
        public var terms: [Int32]
        public var weights: [Double]
        /// Per term: whether the class's own fields hold it (its name, type, instructor or
        /// description), not only its gym's or place's names.
        public var own: [Bool]
    }

    public struct Session: Sendable {
        public var classIndex: Int32
        public var gym: Int32
        public var start: Int64
        public var spots: Int32
        /// The session's UUID, which breaks ties in every order (its text sorts as its bits do).
        public var id: String
    }

    public let gyms: [Gym]
    public let classes: [FitnessClassRow]
    /// By gym, then start, so a gym's sessions are one contiguous run.
    public let sessions: [Session]
    /// `sessionRuns[g]` is gym `g`'s range in `sessions`.
    public let sessionRuns: [Range<Int>]
    /// Every distinct folded word of the catalog; `terms` above index it.
    public let vocabulary: [String]
    /// The instant the sessions were materialized from.
    public let now: Int64

    public init(dataset: Dataset, now: Int64, horizonDays: Int = SessionSchedule.defaultHorizonDays) {
        self.now = now
        var gymIndex: [String: Int32] = [:]
        var gyms: [Gym] = []
        for tenant in dataset.tenants where tenant.isActive {
            gymIndex[tenant.id] = Int32(gyms.count)
            gyms.append(Gym(id: tenant.id, slug: tenant.slug, latitude: tenant.location.lat, longitude: tenant.location.lng, marketplace: tenant.marketplaceEnabled))
        }
        let places = Dictionary(uniqueKeysWithValues: dataset.places.map { ($0.id, $0) })
        let instructors = Dictionary(uniqueKeysWithValues: dataset.users.map { ($0.id, $0.fullName) })

        var vocabulary = TermTable()
        let classWeights = TextCollection.classes.fieldWeights, gymWeights = TextCollection.gyms.fieldWeights
        let placeWeights = TextCollection.places.fieldWeights
        var gymTerms: [String: [Int32: Double]] = [:]
        for tenant in dataset.tenants where gymIndex[tenant.id] != nil {
            var best: [Int32: Double] = [:]
            let fields = [tenant.name, tenant.address.suburb, tenant.address.city, tenant.address.country]
            for (text, weight) in zip(fields, gymWeights) { vocabulary.add(text, weight: weight, into: &best) }
            if let place = places[tenant.placeId] {
                vocabulary.add(place.name, weight: placeWeights[0], into: &best)
                for name in place.alternateNames { vocabulary.add(name, weight: placeWeights[1], into: &best) }
            }
            gymTerms[tenant.id] = best
        }

        // Class rows keep the dataset's class numbering, so sessions can point at them.
        var classes: [FitnessClassRow] = []
        classes.reserveCapacity(dataset.classes.count)
        for fitnessClass in dataset.classes {
            var best = gymTerms[fitnessClass.tenantId] ?? [:]
            var own: [Int32: Double] = [:]
            let fields = [fitnessClass.name, fitnessClass.classType.displayName, instructors[fitnessClass.instructorId] ?? "", fitnessClass.description]
            for (text, weight) in zip(fields, classWeights) { vocabulary.add(text, weight: weight, into: &own) }
            best.merge(own, uniquingKeysWith: max)
            let sorted = best.sorted { $0.key < $1.key }
            classes.append(FitnessClassRow(
                id: fitnessClass.id, gym: gymIndex[fitnessClass.tenantId] ?? -1, type: fitnessClass.classType,
                difficulty: fitnessClass.difficultyLevel, credits: Int32(fitnessClass.creditsRequired),
                terms: sorted.map(\.key), weights: sorted.map(\.value), own: sorted.map { own[$0.key] != nil }
            ))
        }

        var sessions: [Session] = []
        for occurrence in SessionSchedule.sessions(of: dataset, from: now, to: now + Int64(horizonDays) * 86_400)
        where !occurrence.isCancelled {
            let row = classes[occurrence.classIndex]
            guard row.gym >= 0 else { continue }  // its gym is not active
            sessions.append(Session(
                classIndex: Int32(occurrence.classIndex), gym: row.gym, start: occurrence.start, spots: Int32(occurrence.availableSpots),
                id: SessionIdentity(classId: row.id, start: occurrence.start).uuidString
            ))
        }
        sessions.sort { ($0.gym, $0.start, $0.id) < ($1.gym, $1.start, $1.id) }
        var runs = [Range<Int>](repeating: 0..<0, count: gyms.count)
        var lower = 0
        while lower < sessions.count {
            var upper = lower
            while upper < sessions.count && sessions[upper].gym == sessions[lower].gym { upper += 1 }
            runs[Int(sessions[lower].gym)] = lower..<upper
            lower = upper
        }
        self.gyms = gyms
        self.classes = classes
        self.sessions = sessions
        self.sessionRuns = runs
        self.vocabulary = vocabulary.terms
    }

    /// The words of a class's document, for a full-text peer: all of them, or only those of
    /// the class's own fields.
    public func document(ofClass index: Int, ownOnly: Bool = false) -> String {
        let row = classes[index]
        return zip(row.terms, row.own).filter { !ownOnly || $0.1 }.map { vocabulary[Int($0.0)] }.joined(separator: " ")
    }
}

/// Folded words numbered as they are first seen.
private struct TermTable {
    var terms: [String] = []
    var ids: [String: Int32] = [:]
    var folded: [String: [String]] = [:]

    mutating func add(_ text: String, weight: Double, into best: inout [Int32: Double]) {
        let words: [String]
        if let known = folded[text] {
            words = known
        } else {
            words = TextFolding.words(in: text)
            folded[text] = words
        }
        for word in words {
            let id: Int32
            if let known = ids[word] {
                id = known
            } else {
                id = Int32(terms.count)
                ids[word] = id
                terms.append(word)
            }
            best[id] = max(best[id] ?? 0, weight)
        }
    }
}
