import Domain
import Geo
import SearchReference

/// How the search-engine peers (Sphinx, Xapian) number their documents: one per session, in the
/// Hilbert order of the sessions' gyms (by start within a gym), so nearby sessions sit together
/// in the engines' attribute blocks and posting lists; with each session id's rank among all ids
/// sorted, the last tie-break of every order, as an integer the engines can sort by.
struct SessionDocuments: Sendable {
    /// Per document number from 1 (at number − 1), the session it holds.
    let sessions: [Int32]
    /// Per session, its id's rank among all ids sorted.
    let idRanks: [UInt32]

    /// The number a document carries for its class type.
    static let typeNumbers = Dictionary(uniqueKeysWithValues: ClassType.allCases.enumerated().map { ($1, UInt32($0)) })

    init(_ catalog: ReferenceCatalog) {
        let gyms = HilbertOrder.sorted(catalog.gyms.map { Coordinate(latitude: $0.latitude, longitude: $0.longitude) })
        sessions = gyms.flatMap { catalog.sessionRuns[$0].map(Int32.init) }
        var ranks = [UInt32](repeating: 0, count: catalog.sessions.count)
        for (rank, session) in catalog.sessions.indices.sorted(by: { catalog.sessions[$0].id < catalog.sessions[$1].id }).enumerated() {
            ranks[session] = UInt32(rank)
        }
        idRanks = ranks
    }

    /// The session id of document `number` (from 1).
    func sessionId(ofDocument number: Int, in catalog: ReferenceCatalog) -> String {
        catalog.sessions[Int(sessions[number - 1])].id
    }
}
