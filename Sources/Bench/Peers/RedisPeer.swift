import Foundation
import Geo
import Marketplace
public import SearchReference

/// Redis as many "near me" features use it: the listed gyms in a geo set searched with
/// `GEOSEARCH … BYRADIUS … ASC COUNT n`, each gym's sessions in a sorted set by start time
/// (member `start|id|class|spots`), and the time, spots and type filters applied by the client to the
/// candidates, which also keeps the class table (type, credits) in memory. Redis measures with
/// its own earth radius, so the client searches a hair wider and filters by the index's
/// great-circle distance.
public final class RedisPeer: SearchSystem {
    public let name = "redis"
    let address: String
    let catalog: ReferenceCatalog

    public init(catalog: ReferenceCatalog, address: String, progress: (Double) -> Void = { _ in }) throws {
        self.address = address
        self.catalog = catalog
        let redis = try RedisConnection(address: address)
        try redis.command(["FLUSHDB"])
        var batch: [[String]] = []
        func flush() throws {
            if !batch.isEmpty { _ = try redis.pipeline(batch) }
            batch.removeAll(keepingCapacity: true)
        }
        for (i, gym) in catalog.gyms.enumerated() where gym.marketplace {
            batch.append(["GEOADD", "gyms:listed", "\(gym.longitude)", "\(gym.latitude)", "\(i)"])
            if batch.count == 1000 { try flush() }
        }
        for (g, run) in catalog.sessionRuns.enumerated() where !run.isEmpty {
            var command = ["ZADD", "sessions:\(g)"]
            for s in run {
                let session = catalog.sessions[s]
                command += ["\(session.start)", "\(session.start)|\(session.id)|\(session.classIndex)|\(session.spots)"]
            }
            batch.append(command)
            if batch.count == 200 { try flush() }
            if g % 1000 == 0 { progress(Double(g) / Double(catalog.gyms.count)) }
        }
        try flush()
        progress(1)
    }

    public func limitation(of query: BenchQuery) -> Limitation? { standardLimitation(of: query, hasFullText: false) }

    public func makeSearcher() throws -> any Searcher { try RedisSearcher(address: address, catalog: catalog) }
}

final class RedisSearcher: Searcher {
    let redis: RedisConnection
    let catalog: ReferenceCatalog
    /// Redis's earth radius over the index's: its distances are this much longer.
    static let radiusRatio = 6372.797560856 / GreatCircle.earthRadiusKm

    init(address: String, catalog: ReferenceCatalog) throws {
        redis = try RedisConnection(address: address)
        self.catalog = catalog
    }

    private struct Row {
        var primary: Double
        var start: Int64
        var id: Substring
    }

    func search(_ query: BenchQuery) throws -> [String] {
        let (center, radius, from, to) = query.resolved
        let limit = query.search.limit
        let sort = query.search.sort
        let type = query.search.types.first
        var rows: [Row] = []
        var seen = 0
        var count = sort == .distance ? 64 : 0  // by start or credits every gym in range counts
        while true {
            var search = [
                "GEOSEARCH", "gyms:listed", "FROMLONLAT", "\(center.longitude)", "\(center.latitude)",
                "BYRADIUS", "\(radius * Self.radiusRatio * 1.000001)", "km", "ASC",
            ]
            if count > 0 { search += ["COUNT", "\(count)"] }
            guard case .array(let members) = try redis.command(search) else { throw BenchError("redis: GEOSEARCH answered oddly") }
            let gyms = members.dropFirst(seen).compactMap { $0.string.flatMap { Int($0) } }
            let distances = gyms.map {
                GreatCircle.distanceKm(center, Coordinate(latitude: catalog.gyms[$0].latitude, longitude: catalog.gyms[$0].longitude))
            }
            let replies = try redis.pipeline(gyms.map { ["ZRANGEBYSCORE", "sessions:\($0)", "\(from)", "(\(to)"] })
            for (reply, distance) in zip(replies, distances) where distance <= radius {
                guard case .array(let sessions) = reply else { continue }
                for member in sessions {
                    guard let text = member.string else { continue }
                    let fields = text.split(separator: "|")
                    guard fields.count == 4, let start = Int64(fields[0]), let classIndex = Int(fields[2]), let spots = Int(fields[3]),
                        spots >= 1
                    else { continue }
                    let row = catalog.classes[classIndex]
                    if let type, row.type != type { continue }
                    rows.append(Row(primary: sort == .credits ? Double(row.credits) : distance, start: start, id: fields[1]))
                }
            }
            seen = members.count
            // Nearest first, the page is final once it is full: every gym not yet read is at
            // least as far as the last one read. Otherwise ask for more, unless Redis had no more.
            if count == 0 || members.count < count || rows.count >= limit { break }
            count *= 4
        }
        rows.sort { a, b in
            if sort != .startTime && a.primary != b.primary { return a.primary < b.primary }
            if a.start != b.start { return a.start < b.start }
            return a.id < b.id
        }
        return rows.prefix(limit).map { String($0.id) }
    }

}
