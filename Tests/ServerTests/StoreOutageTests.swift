import Datasets
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
import SQL
import Server
import Storage
import Testing
import TestSupport

/// The store going away under load and coming back: the API answers 503 with Retry-After
/// meanwhile, and recovers by itself.
@Suite("Store outages")
struct StoreOutageTests {
    /// Sessions bookable now on the fixture's marketplace gyms, shared out to `members` so
    /// that none of a member's sessions overlap (an overlapping booking is refused).
    func bookableSessions(_ fixture: ServerFixture, members: Int) -> [[String]] {
        let now = fixture.clock.now
        let open = fixture.gyms.filter { $0.tenant.marketplaceEnabled && $0.tenant.isActive }.flatMap { gym in
            gym.sessions.filter { !$0.isCancelled && $0.availableSpots > 0 && $0.start > now + 3_600 && $0.start < now + 6 * 86_400 }
                .filter { gym.classes[$0.classIndex].isActive }
                .map { (start: $0.start, end: $0.end, id: SessionSchedule.sessionID(classId: gym.classes[$0.classIndex].id, start: $0.start)) }
        }.sorted { $0.start < $1.start }
        var lists = Array(repeating: [String](), count: members)
        var free = Array(repeating: Int64.min, count: members)
        for session in open {
            guard let m = free.indices.first(where: { free[$0] <= session.start }) else { continue }
            lists[m].append(session.id)
            free[m] = session.end
        }
        return lists
    }

    @Test("PostgreSQL restarted under a booking load: 503 while down, bookings again within 5 s of its return, nothing acknowledged lost")
    func postgresRestart() async throws {
        let cluster = try PrivatePostgres()
        let fixture = try await ServerFixture.make(.postgres, postgresURL: cluster.url)
        try await fixture.test { client in
            let members = try await (0..<8).asyncMap { try await fixture.member("load\($0)", universalCredits: 2_000, client: client) }
            let sessions = bookableSessions(fixture, members: members.count)
            try #require(sessions.allSatisfy { $0.count >= 40 })
            let acknowledged = Locked<[String]>([])
            let cancelled = Locked<Set<String>>([])
            let statuses = Locked<[Int: Int]>([:])
            let lastSuccess = Locked<ContinuousClock.Instant?>(nil)
            let stop = Locked(false)
            let load = Task {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for (m, member) in members.enumerated() {
                        group.addTask {
                            // Each member books its sessions in turn and cancels each booking, for as long as the
                            // test runs: the load lasts however fast the store is.
                            var next = 0
                            while !stop.value {
                                let response = try await client.json(
                                    "/api/v1/marketplace/bookings", method: .post, token: member.token,
                                    body: ["class_schedule_id": sessions[m][next % sessions[m].count]]
                                )
                                statuses.withLock { $0[Int(response.status.code), default: 0] += 1 }
                                guard response.status == .created, let id = response.object["id"] as? String else {
                                    #expect(response.status == .serviceUnavailable, "\(response.status): \(response.text)")
                                    #expect(response.headers[.retryAfter] != nil)
                                    try await Task.sleep(for: .milliseconds(50))
                                    continue
                                }
                                acknowledged.withLock { $0.append(id) }
                                lastSuccess.withLock { $0 = .now }
                                next += 1
                                while !stop.value {
                                    let cancel = try await client.json("/api/v1/bookings/\(id)", method: .delete, token: member.token)
                                    statuses.withLock { $0[Int(cancel.status.code), default: 0] += 1 }
                                    if cancel.status == .ok {
                                        cancelled.withLock { $0.insert(id) }
                                        break
                                    }
                                    #expect(cancel.status == .serviceUnavailable, "\(cancel.status): \(cancel.text)")
                                    try await Task.sleep(for: .milliseconds(50))
                                }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            try await Task.sleep(for: .seconds(1))
            try cluster.stop()
            try await Task.sleep(for: .milliseconds(1_500))
            let unavailableWhileDown = statuses.withLock { $0[503, default: 0] }
            try cluster.start()
            let back = ContinuousClock.now
            while ContinuousClock.now - back < .seconds(10) {
                if let success = lastSuccess.withLock({ $0 }), success > back { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            let recovered = lastSuccess.withLock { $0 }.map { $0 - back }
            try await Task.sleep(for: .milliseconds(500))
            stop.withLock { $0 = true }
            try await load.value

            #expect(unavailableWhileDown > 0, "bookings while PostgreSQL was down should have been 503s: \(statuses.withLock { $0 })")
            let recoveredIn = try #require(recovered)
            #expect(recoveredIn > .zero && recoveredIn < .seconds(5), "bookings succeeded again \(recoveredIn) after PostgreSQL was back")
            // Every acknowledged booking is there, cancelled when its cancellation was acknowledged.
            let ids = acknowledged.withLock { $0 }
            let cancelledIds = cancelled.withLock { $0 }
            #expect(!ids.isEmpty, "bookings were acknowledged (under load, how many depends on the machine)")
            for id in ids {
                let status = try await fixture.store.bookings.booking(id: id).status
                #expect(cancelledIds.contains(id) ? status == .cancelled : status == .confirmed, "\(id): \(status)")
            }
            // Ready again once the listener has heard again and caught up.
            var ready = try await client.json("/ready")
            let waiting = ContinuousClock.now
            while ready.status != .ok, ContinuousClock.now - waiting < .seconds(15) {
                try await Task.sleep(for: .milliseconds(100))
                ready = try await client.json("/ready")
            }
            #expect(ready.status == .ok, "\(ready.text)")
        }
        #expect(try await fixture.store.ledger.auditLedger().isClean)
    }

    @Test("PostgreSQL cut off: search answers throughout, signed in or not, marked stale past the threshold, /ready not ready until caught up; a gym changed unheard is reloaded")
    func postgresCutOff() async throws {
        let cluster = try PrivatePostgres()
        let fixture = try await ServerFixture.make(.postgres, postgresURL: cluster.url)
        let gym = try #require(fixture.gyms.first { $0.tenant.marketplaceEnabled && $0.tenant.isActive && !$0.sessions.isEmpty })
        let location = "\(gym.tenant.location.lat),\(gym.tenant.location.lng)"
        let search = "/api/v1/marketplace/search?location=\(location)&radius_km=1&tenant=\(gym.tenant.id)&limit=50"
        let classId = gym.classes[gym.sessions[0].classIndex].id
        let staleHeader = HTTPField.Name("X-Index-Stale-Seconds")!
        try await fixture.test { client in
            let before = try await client.json(search)
            #expect(before.status == .ok && before.headers[staleHeader] == nil)
            // A member signed in before the cut searches through it too.
            let member = try await fixture.member("cut", client: client)
            #expect(try await client.json(search, token: member.token).status == .ok)

            try cluster.stop()
            // The listener notices within its 200 ms wait; the mark comes after the 1 s threshold.
            // Searches answer throughout; once the index counts as stale, they say so.
            let stopped = ContinuousClock.now
            while ContinuousClock.now - stopped < .seconds(30), fixture.services.freshness.staleSeconds == nil {
                let answer = try await client.json(search)
                #expect(answer.status == .ok, "search while cut off: \(answer.status) \(answer.text)")
                let signedIn = try await client.json(search, token: member.token)
                #expect(signedIn.status == .ok, "a member's search while cut off: \(signedIn.status) \(signedIn.text)")
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(fixture.services.freshness.staleSeconds != nil, "the index counts as stale once the listener is cut off")
            let marked = try await client.json(search)
            #expect(marked.status == .ok && marked.headers[staleHeader] != nil, "a search past the threshold carries X-Index-Stale-Seconds")
            #expect(try await client.json(search, token: member.token).status == .ok)
            let ready = try await client.json("/ready")
            #expect(ready.status == .serviceUnavailable && ready.headers[.retryAfter] != nil)

            // Back: ready and no longer stale once the listener hears again and has caught up.
            try cluster.start()
            var caughtUp = false
            let back = ContinuousClock.now
            while ContinuousClock.now - back < .seconds(15), !caughtUp {
                let answer = try await client.json(search)
                let ready = try await client.json("/ready")
                caughtUp = answer.headers[staleHeader] == nil && ready.status == .ok
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(caughtUp, "no longer stale, and ready, once caught up")

            // A class renamed by SQL that announces nothing, then the listener's connection cut:
            // only its catch-up on reconnecting can find the change.
            let owner = try PostgresConnection(url: cluster.url.replacingOccurrences(of: "studioloop_app@", with: "postgres@"))
            try owner.query(
                "UPDATE classes SET name = 'Renamed While Unheard', updated_at = $2 WHERE id = $1", .text(classId), .integer(fixture.clock.now)
            )
            func renamed() async throws -> Bool {
                let results = try await client.json(search).object["results"] as? [[String: Any]] ?? []
                return results.contains { ($0["class"] as? [String: Any])?["name"] as? String == "Renamed While Unheard" }
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(try await !renamed(), "nothing announced the rename")
            try owner.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN %'")
            var found = false
            let cut = ContinuousClock.now
            while ContinuousClock.now - cut < .seconds(15), !found {
                found = try await renamed()
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(found, "the gym changed while unheard is reloaded when the listener catches up")
        }
    }

    @Test("SQLite's disk full: a sign-up is a 503 with Retry-After, /ready says not ready until a write succeeds")
    func sqliteDiskFull() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let pages = try await fixture.store.database.transaction { db in try db.one("PRAGMA page_count").int("page_count") }
            try await fixture.store.database.transaction { db in try db.query("PRAGMA max_page_count = \(pages)") }
            func signUp(_ n: Int) async throws -> JSONResponse {
                try await client.json("/api/v1/auth/register", method: .post, body: [
                    "email": "full-\(n)-\(UUID().uuidString.prefix(6))@example.com", "password": "correct horse 9", "first_name": "Full",
                    "last_name": "Disk",
                ])
            }
            var full: JSONResponse?
            for n in 0..<300 where full == nil {
                let response = try await signUp(n)
                if response.status != .created { full = response }
            }
            let refused = try #require(full)
            #expect(refused.status == .serviceUnavailable && refused.error?.code == "STORE_UNAVAILABLE", "\(refused.status): \(refused.text)")
            #expect(refused.headers[.retryAfter] != nil)
            let notReady = try await client.json("/ready")
            #expect(notReady.status == .serviceUnavailable && notReady.headers[.retryAfter] != nil)

            try await fixture.store.database.transaction { db in try db.query("PRAGMA max_page_count = 1000000") }
            #expect(try await signUp(1_000).status == .created)
            #expect(try await client.json("/ready").status == .ok)
        }
        #expect(try await fixture.store.ledger.auditLedger().isClean)
    }
    @Test(
        "SQLite on a disk that refuses writes: 503 with Retry-After, search answers, nothing acknowledged lost, writes resume",
        .enabled(if: ImmutableFiles.canSet, "needs chattr +i (root, on a filesystem with file attributes)")
    )
    func sqliteReadOnlyDisk() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            func signUp(_ name: String) async throws -> (email: String, response: JSONResponse) {
                let email = "\(name)-\(UUID().uuidString.prefix(6))@example.com"
                let response = try await client.json("/api/v1/auth/register", method: .post, body: [
                    "email": email, "password": "correct horse 9", "first_name": "Read", "last_name": "Only",
                ])
                return (email, response)
            }
            let before = try await signUp("before")
            #expect(before.response.status == .created)
            // The database and its write-ahead log refuse every write from now, through the
            // connection already open, as a disk the kernel turned read-only does.
            let file = try await fixture.store.database.transaction { db in
                try db.one("SELECT file FROM pragma_database_list WHERE name = 'main'").text("file")
            }
            let files = [file, file + "-wal"].filter { FileManager.default.fileExists(atPath: $0) }
            try ImmutableFiles.set(files, immutable: true)
            defer { try? ImmutableFiles.set(files, immutable: false) }

            let refused = try await signUp("during")
            #expect(refused.response.status == .serviceUnavailable && refused.response.error?.code == "STORE_UNAVAILABLE", "\(refused.response.text)")
            #expect(refused.response.headers[.retryAfter] != nil)
            #expect(try await client.json("/ready").status == .serviceUnavailable)
            let search = try await client.json("/api/v1/marketplace/search?lat=-26.2041&lng=28.0473&radius_km=25")
            #expect(search.status == .ok, "search answers from the index")

            try ImmutableFiles.set(files, immutable: false)
            #expect(try await signUp("after").response.status == .created)
            #expect(try await client.json("/ready").status == .ok)
            #expect(try await fixture.store.accounts.credentials(email: before.email) != nil, "the sign-up acknowledged before is there")
            #expect(try await fixture.store.accounts.credentials(email: refused.email) == nil, "the refused one is not")
        }
        #expect(try await fixture.store.ledger.auditLedger().isClean)
    }
}

/// Files made immutable (`chattr +i`): writes to them fail even through descriptors already
/// open, and even for root, as on a disk the kernel turned read-only.
enum ImmutableFiles {
    static func set(_ paths: [String], immutable: Bool) throws {
        let chattr = Process()
        chattr.executableURL = URL(filePath: "/usr/bin/chattr")
        chattr.arguments = [immutable ? "+i" : "-i"] + paths
        chattr.standardError = FileHandle.nullDevice
        try chattr.run()
        chattr.waitUntilExit()
        guard chattr.terminationStatus == 0 else { throw StoreError.invalid("chattr \(chattr.arguments!.joined(separator: " ")) failed") }
    }

    /// Whether this machine lets the tests do it: a file in the temporary folder made immutable
    /// refuses a write, and is made writable again.
    static let canSet: Bool = {
        let probe = FileManager.default.temporaryDirectory.appending(path: "sl-immutable-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: probe, contents: Data("x".utf8)) else { return false }
        defer { try? FileManager.default.removeItem(atPath: probe) }
        guard (try? set([probe], immutable: true)) != nil else { return false }
        let refused = FileHandle(forWritingAtPath: probe) == nil
        return (try? set([probe], immutable: false)) != nil && refused
    }()
}
