import Booking
import Datasets
import Domain
import Geo
import Marketplace
import Storage
import Testing
import TestSupport

/// Committed spot changes reach the search index: in process through `changes`, across
/// processes through PostgreSQL's NOTIFY, and after a gap by catching up from the store.
@Suite struct SessionChangeTests {
    @Test(arguments: StoreKind.allCases)
    func onlyCommittedChangesArePublished(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        var changes = f.store.changes.makeAsyncIterator()
        let rich = try await f.member("rich", credits: 6), poor = try await f.member("poor", credits: 0)
        _ = try await f.store.bookings.book(member: rich, sessionId: f.sessions[2], marketplace: false, now: f.now)
        #expect(await changes.next()?.session?.spotsLeft == 9)
        // A refused booking rolls back and publishes nothing: the next change is the next booking.
        await #expect(throws: StoreError.self) { try await f.store.bookings.book(member: poor, sessionId: f.sessions[2], marketplace: false, now: f.now) }
        let other = try await f.member("other", credits: 2)
        _ = try await f.store.bookings.book(member: other, sessionId: f.sessions[2], marketplace: false, now: f.now)
        let next = await changes.next()?.session
        #expect(next?.spotsLeft == 8 && next?.sessionId == f.sessions[2] && next?.tenantId == f.tenant.id)
        // Catching up: everything changed since a moment.
        #expect(try await f.store.catalog.sessionChanges(since: f.now).map(\.spotsLeft) == [8])
        #expect(try await f.store.catalog.sessionChanges(since: f.now + 1).isEmpty)
    }

    @Test func otherProcessesHearChangesThroughPostgres() async throws {
        let f = try await StoreFixture.make(.postgres)
        let listener = try ChangeListener(url: f.postgresURL!)
        let listening = Task { try await listener.run() }
        defer { listening.cancel() }
        var events = listener.events.makeAsyncIterator()
        let member = try await f.member("listener-test", credits: 4), poor = try await f.member("broke", credits: 0)
        await #expect(throws: StoreError.self) { try await f.store.bookings.book(member: poor, sessionId: f.sessions[5], marketplace: false, now: f.now) }
        _ = try await f.store.bookings.book(member: member, sessionId: f.sessions[5], marketplace: false, now: f.now)
        guard case .change(.session(let change)) = await events.next() else { Issue.record("no change heard"); return }
        #expect(change.sessionId == f.sessions[5] && change.spotsLeft == 9)
    }

    /// A booking in the store shows in a search of an index built from the same dataset once
    /// its change is applied.
    @Test(arguments: StoreKind.allCases)
    func changesUpdateTheSearchIndex(kind: StoreKind) async throws {
        let f = try await StoreFixture.make(kind)
        let index = MarketplaceIndex(dataset: f.dataset, now: f.now)
        var changes = f.store.changes.makeAsyncIterator()
        var query = SearchQuery(now: f.now)
        query.origin = Coordinate(latitude: f.tenant.location.lat, longitude: f.tenant.location.lng)
        query.radiusKm = 1
        query.sort = .startTime
        query.minSpots = 0
        // The store opened every session in full; so does the index.
        for opened in try await f.store.catalog.sessionChanges(since: 0) {
            index.setSpots(gymId: opened.tenantId, classId: opened.classId, start: opened.start, spotsLeft: opened.spotsLeft)
        }
        // A session the index has (it leaves out the few the dataset's seed marks cancelled).
        query.limit = 100
        let indexed = Set(try index.search(query).results.map(\.sessionId))
        let session = try #require(f.sessions.dropFirst().first { indexed.contains($0) })
        let member = try await f.member("search", credits: 2)
        let booked = try await f.store.bookings.book(member: member, sessionId: session, marketplace: false, now: f.now)
        let change = try #require(await changes.next()?.session)
        #expect(index.setSpots(gymId: change.tenantId, classId: change.classId, start: change.start, spotsLeft: change.spotsLeft))
        let result = try #require(try index.search(query).results.first { $0.sessionId == session })
        #expect(result.spotsLeft == 9 && booked.spotsLeft == 9)
    }
}
