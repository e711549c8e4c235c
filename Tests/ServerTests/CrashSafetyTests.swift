import Datasets
import Domain
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Server
import Storage
import Synchronization
import Testing
import TestSupport

/// `kill -9` in the middle of a storm of bookings and cancellations, on both stores: after a
/// restart every booking that got a 2xx is there, none whose request failed is, no session is
/// over capacity, the ledger balances, and the notifications still due go out.
@Suite("Crash safety", .serialized)
struct CrashSafetyTests {
    static let binary = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: ".build/debug/studioloop")
    static let jwtSecret = "crash test jwt secret, 32 bytes or more"

    /// A `studioloop serve` process on a free port.
    final class ServerProcess: Sendable {
        let process: Process
        let port: Int
        /// What the server printed, for the message when it does not come up.
        let log: URL

        init(database: String, indexSnapshot: URL) throws {
            port = try TestSupport.freePort()
            log = FileManager.default.temporaryDirectory.appending(path: "sl-crash-\(UUID()).log")
            FileManager.default.createFile(atPath: log.path, contents: nil)
            let process = Process()
            process.executableURL = CrashSafetyTests.binary
            process.arguments = [
                "serve", "--database", database, "--port", String(port), "--production", "--rate-limit", "0", "--auth-rate-limit", "0",
                "--maintenance-every", "1", "--bcrypt-cost", "10", "--index-snapshot", indexSnapshot.path,
            ]
            var environment = ProcessInfo.processInfo.environment
            environment["STUDIOLOOP_JWT_SECRET"] = CrashSafetyTests.jwtSecret
            environment["STUDIOLOOP_CHECKIN_SECRET"] = "crash test check-in secret, 32 bytes+"
            environment["STUDIOLOOP_CONTEXT_KEY"] = StoreKind.contextKey.secret
            process.environment = environment
            let output = try FileHandle(forWritingTo: log)
            process.standardOutput = output
            process.standardError = output
            try process.run()
            self.process = process
        }

        var base: String { "http://127.0.0.1:\(port)" }

        var printed: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        func waitUntilReady() async throws {
            // Generous: on two busy cores a debug server takes a while to build its index.
            for _ in 0..<1_200 {
                guard process.isRunning else { break }
                if let (_, response) = try? await URLSession.shared.data(from: URL(string: "\(base)/ready")!),
                    (response as? HTTPURLResponse)?.statusCode == 200
                { return }
                try await Task.sleep(for: .milliseconds(100))
            }
            throw StoreError.invalid("the server did not become ready: \(printed.suffix(2_000))")
        }

        func kill() {
            Foundation.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    final class Outcomes: Sendable {
        let list = Mutex<[Outcome]>([])
    }

    /// What one request got back: a status, or nothing (the server died under it).
    struct Outcome: Sendable {
        var member: String
        var session: String
        var bookingStatus: Int?
        var bookingId: String?
        var cancelStatus: Int?
    }

    /// The restart is the one after a power cut: the server loads the index snapshot the killed
    /// one wrote before the storm, and reads back from the store what changed since (spots, and
    /// a class renamed while it was down), so its search agrees with the store.
    @Test("kill -9 mid-storm loses no acknowledged booking and invents none", arguments: StoreKind.allCases)
    func killMidStorm(kind: StoreKind) async throws {
        // The store, filled and with members holding credits, made before the server starts.
        let database: String
        switch kind {
        case .sqlite: database = FileManager.default.temporaryDirectory.appending(path: "sl-crash-\(UUID()).sqlite").path
        case .postgres: database = try await StoreKind.servingPostgresDatabase().url
        }
        let opened: any Database = kind == .sqlite ? try SQLiteDatabase(path: database) : try PostgresDatabase(url: database, connections: 2, contextKey: StoreKind.contextKey)
        let store = Store(database: opened)
        let now = Int64(Date().timeIntervalSince1970)
        try await store.migrate(now: now)
        try await store.catalog.importDataset(ServerFixture.dataset, from: now, to: now + 14 * 86_400, now: now)
        let authenticator = await Authenticator(secret: Array(Self.jwtSecret.utf8), bcryptCost: 4)
        var members: [(id: String, token: String)] = []
        for i in 0..<24 {
            let id = try await store.accounts.createMember(email: "storm\(i)-\(UUID().uuidString.prefix(6))@example.com", firstName: "Storm", lastName: "\(i)", now: now)
            try await store.ledger.grantCredits(member: id, tenant: nil, credits: 200, now: now)
            members.append((id, try await authenticator.accessToken(for: id, now: now)))
        }
        // Sessions with few spots left, so the storm fills them and waitlists.
        let gyms = try await store.catalog.gyms(from: now + 26 * 3_600, to: now + 3 * 86_400)
        func iso(_ seconds: Int64) -> String { ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: TimeInterval(seconds))) }
        var sessions: [String] = []
        var searchFor: [String: String] = [:]  // session → the search that finds it alone
        for gym in gyms where gym.tenant.marketplaceEnabled && gym.tenant.isActive {
            for s in gym.sessions where !s.isCancelled && (2...6).contains(s.availableSpots) && gym.classes[s.classIndex].isActive {
                let id = SessionSchedule.sessionID(classId: gym.classes[s.classIndex].id, start: s.start)
                sessions.append(id)
                searchFor[id] = "lat=\(gym.tenant.location.lat)&lng=\(gym.tenant.location.lng)&radius_km=1&tenant=\(gym.tenant.id)&from=\(iso(s.start))&to=\(iso(s.start + 60))&min_spots=0&limit=50"
            }
            if sessions.count >= 8 { break }
        }
        try #require(sessions.count >= 4)
        let spotsBefore = Dictionary(uniqueKeysWithValues: try await sessions.asyncMap { ($0, try await store.bookings.spotsLeft(sessionId: $0)) })

        let snapshot = FileManager.default.temporaryDirectory.appending(path: "sl-crash-\(UUID()).index")
        defer { try? FileManager.default.removeItem(at: snapshot) }
        let server = try ServerProcess(database: database, indexSnapshot: snapshot)
        try await server.waitUntilReady()
        // The snapshot is written as soon as the index is read: the storm comes after it.
        for _ in 0..<300 where !FileManager.default.fileExists(atPath: snapshot.path) { try await Task.sleep(for: .milliseconds(100)) }
        try #require(FileManager.default.fileExists(atPath: snapshot.path), "no index snapshot written")
        let outcomes = Outcomes()
        let (stormers, targets) = (members, sessions)
        let storm = Task {
            await withTaskGroup(of: Void.self) { group in
                for member in stormers {
                    group.addTask {
                        // Book and cancel round after round, until the server is gone.
                        for session in (0..<200).flatMap({ _ in targets.shuffled() }) {
                            var outcome = Outcome(member: member.id, session: session)
                            var request = URLRequest(url: URL(string: "\(server.base)/api/v1/marketplace/bookings")!)
                            request.httpMethod = "POST"
                            request.setValue("Bearer \(member.token)", forHTTPHeaderField: "Authorization")
                            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                            request.httpBody = Data(#"{"class_schedule_id":"\#(session)","join_waitlist":true}"#.utf8)
                            if let (data, response) = try? await URLSession.shared.data(for: request) {
                                outcome.bookingStatus = (response as? HTTPURLResponse)?.statusCode
                                outcome.bookingId = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["id"] as? String
                            }
                            if let id = outcome.bookingId, Bool.random() {
                                var cancel = URLRequest(url: URL(string: "\(server.base)/api/v1/bookings/\(id)")!)
                                cancel.httpMethod = "DELETE"
                                cancel.setValue("Bearer \(member.token)", forHTTPHeaderField: "Authorization")
                                if let (_, response) = try? await URLSession.shared.data(for: cancel) {
                                    outcome.cancelStatus = (response as? HTTPURLResponse)?.statusCode
                                }
                            }
                            outcomes.list.withLock { $0.append(outcome) }
                            if outcome.bookingStatus == nil { return }  // the server is gone
                        }
                    }
                }
            }
        }
        try await Task.sleep(for: .milliseconds(700))
        server.kill()
        await storm.value

        let seen = outcomes.list.withLock { $0 }
        #expect(seen.contains { $0.bookingStatus == 201 }, "the storm booked something before the kill")
        #expect(seen.contains { $0.bookingStatus == nil }, "the kill landed mid-storm")

        // While the server is down, a class is renamed (announced to nobody).
        let renamed = gyms.first { $0.tenant.marketplaceEnabled && $0.tenant.isActive && !$0.sessions.isEmpty }!
        let renamedClass = renamed.classes[renamed.sessions[0].classIndex]
        try await store.database.transaction { db in
            try db.setContext(.system)
            try db.query(
                "UPDATE classes SET name = 'Powercut Recovery Flow', updated_at = $2 WHERE id = $1", .text(renamedClass.id),
                .integer(Int64(Date().timeIntervalSince1970))
            )
        }

        // Restart on the same store, from the snapshot; it must come up and deliver what is due.
        let again = try ServerProcess(database: database, indexSnapshot: snapshot)
        defer { again.kill() }
        try await again.waitUntilReady()
        #expect(again.printed.contains("loaded the index snapshot"), "\(again.printed.prefix(2_000))")
        let stored = try await store.database.transaction { db in
            try db.setContext(.system)
            return try db.query("SELECT id, user_id, session_id, status FROM bookings").map {
                (id: $0["id"].text!, pair: $0["user_id"].text! + "|" + $0["session_id"].text!, status: $0["status"].text!)
            }
        }
        let byId = Dictionary(uniqueKeysWithValues: stored.map { ($0.id, $0) })
        for outcome in seen where outcome.bookingStatus == 201 {
            let row = byId[outcome.bookingId!]
            #expect(row != nil, "an acknowledged booking is missing")
            if outcome.cancelStatus == 200 { #expect(row?.status == "cancelled", "an acknowledged cancellation is missing") }
        }
        // A pair (member, session) whose every attempt was refused has no booking at all.
        let attempts = Dictionary(grouping: seen) { $0.member + "|" + $0.session }
        let storedPairs = Set(stored.map(\.pair))
        for (pair, tries) in attempts where tries.allSatisfy({ $0.bookingStatus != nil && $0.bookingStatus != 201 }) {
            #expect(!storedPairs.contains(pair), "a refused booking was stored: \(tries.map { $0.bookingStatus! })")
        }
        // Each stormed session's spots are what it had less its confirmed bookings, never below 0.
        for session in sessions {
            let confirmed = stored.filter { $0.pair.hasSuffix("|" + session) && $0.status == "confirmed" }.count
            let left = try await store.bookings.spotsLeft(sessionId: session)
            #expect(left >= 0 && left == spotsBefore[session]! - confirmed, "\(session): \(left) left, \(confirmed) confirmed of \(spotsBefore[session]!)")
        }
        #expect(try await store.ledger.auditLedger().isClean)
        // Its search agrees with the store: the storm's spots and the rename were read back.
        for session in sessions {
            let left = try await store.bookings.spotsLeft(sessionId: session)
            let (data, _) = try await URLSession.shared.data(from: URL(string: "\(again.base)/api/v1/marketplace/search?\(searchFor[session]!)")!)
            let results = (try JSONSerialization.jsonObject(with: data) as? [String: Any])?["results"] as? [[String: Any]] ?? []
            let found = results.first { $0["session_id"] as? String == session }
            #expect(found?["spots_left"] as? Int == left, "\(session): search says \(found?["spots_left"] ?? "nothing"), the store \(left)")
        }
        let near = "lat=\(renamed.tenant.location.lat)&lng=\(renamed.tenant.location.lng)&radius_km=1&q=powercut&min_spots=0"
        let (found, _) = try await URLSession.shared.data(from: URL(string: "\(again.base)/api/v1/marketplace/search?\(near)")!)
        #expect(String(decoding: found, as: UTF8.self).contains("Powercut Recovery Flow"), "the class renamed while the server was down")
        // The restarted server's dispatcher sends what was due, within a few seconds. Messages the
        // killed server had leased but not yet settled wait for their lease (60 s) to run out and
        // go out then: they must still be pending, leased no further than that.
        var due = -1
        for _ in 0..<100 {
            due = try await store.database.transaction { db in
                try db.setContext(.system)
                return try db.query(
                    """
                    SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending' AND deliver_after <= $1
                      AND (claimed_until IS NULL OR claimed_until <= $1)
                    """, .integer(Int64(Date().timeIntervalSince1970) - 2)
                ).first?["n"].integer.map(Int.init) ?? -1
            }
            if due == 0 { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(due == 0, "\(due) notifications still due after the restart")
        let leasedTooLong = try await store.database.transaction { db in
            try db.setContext(.system)
            return try db.one(
                "SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending' AND claimed_until > $1", .integer(Int64(Date().timeIntervalSince1970) + 61)
            ).int("n")
        }
        #expect(leasedTooLong == 0, "a lease outlives its 60 s")
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
