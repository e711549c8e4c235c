import Datasets
import Domain
import Foundation
import Geo
import GeoAreas
import HTTPTypes
import Marketplace
@testable import Server
import Storage
import Testing
import TestSupport

@Suite("Search API")
struct SearchAPITests {
    @Test("GET /marketplace/search answers what the index answers, page by page")
    func searchMatchesIndex() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let origin = ServerFixture.reference.city(named: "johannesburg")!.centerCoordinate
            for (text, sort) in [("yoga", "relevance"), ("", "distance"), ("spinn", "start_time"), ("", "credits")] {
                var query = SearchQuery(now: fixture.clock.now)
                query.origin = origin
                query.radiusKm = 15
                query.text = text.isEmpty ? nil : text
                query.sort = SortOrder(rawValue: sort)!
                query.limit = 7
                query.minSpots = 0
                var expected: [String] = []
                var cursor: String?
                repeat {
                    query.cursor = cursor
                    let page = try fixture.index.search(query)
                    expected += page.results.map(\.sessionId)
                    cursor = page.nextCursor
                } while cursor != nil && expected.count < 40

                var got: [String] = []
                var next: String?
                repeat {
                    var uri = "/api/v1/marketplace/search?lat=\(origin.latitude)&lng=\(origin.longitude)&radius_km=15&sort=\(sort)&limit=7&min_spots=0"
                    if !text.isEmpty { uri += "&q=\(text)" }
                    if let next { uri += "&cursor=\(next)" }
                    let response = try await client.json(uri)
                    #expect(response.status == .ok, "\(response.text)")
                    got += (response.object["results"] as! [[String: Any]]).map { $0["session_id"] as! String }
                    next = response.object["next_cursor"] as? String
                } while next != nil && got.count < 40
                #expect(got == expected, "q=\(text) sort=\(sort)")
                #expect(!got.isEmpty)
            }
        }
    }

    @Test("POST /marketplace/search takes a GeoJSON area in its body")
    func searchWithinArea() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let center = ServerFixture.reference.city(named: "johannesburg")!.centerCoordinate
            let (s, w, n, e) = (center.latitude - 0.05, center.longitude - 0.05, center.latitude + 0.05, center.longitude + 0.05)
            let ring: [[Double]] = [[w, s], [e, s], [e, n], [w, n], [w, s]]
            let response = try await client.json(
                "/api/v1/marketplace/search", method: .post,
                body: ["area": ["type": "Polygon", "coordinates": [ring]], "limit": 100, "sort": "distance", "lat": center.latitude, "lng": center.longitude]
            )
            #expect(response.status == .ok, "\(response.text)")
            let results = response.object["results"] as! [[String: Any]]
            #expect(!results.isEmpty)
            for result in results {
                let gym = result["gym"] as! [String: Any]
                let (lat, lng) = (gym["lat"] as! Double, gym["lng"] as! Double)
                #expect(lat >= s && lat <= n && lng >= w && lng <= e)
            }
            // A bow tie is not a polygon: GEOS's reason comes back as a 400.
            let bowTie: [[Double]] = [[w, s], [e, n], [e, s], [w, n], [w, s]]
            let bad = try await client.json("/api/v1/marketplace/search", method: .post, body: ["area": ["type": "Polygon", "coordinates": [bowTie]]])
            #expect(bad.status == .badRequest)
            #expect(bad.error?.code == "VALIDATION_ERROR")
            #expect(bad.error?.message.contains("area") == true, "\(bad.text)")
        }
    }

    @Test("bad search parameters get a 400 naming the parameter, with the request id")
    func badParameters() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let cases: [(String, String)] = [
                ("lat=-26.2&lng=28.0&radius_km=500", "radius_km"),
                ("lat=-26.2", "lng"),
                ("lat=abc&lng=28", "lat"),
                ("lat=-26.2&lng=28.0&limit=0", "limit"),
                ("lat=-26.2&lng=28.0&sort=cheapest", "sort"),
                ("lat=-26.2&lng=28.0&type=zumba", "type"),
                ("lat=-26.2&lng=28.0&from=tomorrow", "from"),
                ("lat=-26.2&lng=28.0&cursor=garbage", "cursor"),
                ("lat=-26.2&lng=28.0&radius=5", "radius"),
                ("q=yoga", "near"),
                ("bbox=1,2,3", "bbox"),
            ]
            for (parameters, named) in cases {
                let response = try await client.json("/api/v1/marketplace/search?\(parameters)", headers: [.init("X-Request-ID")!: "req-\(named)"])
                #expect(response.status == .badRequest, "\(parameters): \(response.text)")
                #expect(response.error?.code == "VALIDATION_ERROR")
                #expect(response.error?.message.contains(named) == true, "\(parameters): \(response.error?.message ?? "")")
                #expect(response.error?.requestId == "req-\(named)")
                #expect(response.headers[.init("X-Request-ID")!] == "req-\(named)")
            }
        }
    }

    @Test("gyms near a place, nearest first, and a gym's page with its ETag")
    func tenantsNearAndETag() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let origin = ServerFixture.reference.city(named: "johannesburg")!.centerCoordinate
            let response = try await client.json("/api/v1/tenants?near=\(origin.latitude),\(origin.longitude)&radius_km=20&limit=10")
            #expect(response.status == .ok)
            let tenants = response.object["tenants"] as! [[String: Any]]
            let distances = tenants.map { $0["distance_km"] as! Double }
            #expect(!tenants.isEmpty && distances == distances.sorted())
            // Brute force: the same gyms are the nearest marketplace gyms of the catalog.
            let expected = fixture.gyms.filter { $0.tenant.marketplaceEnabled && $0.tenant.isActive }
                .map { ($0.tenant.id, GreatCircle.distanceKm(origin, Coordinate(latitude: $0.tenant.location.lat, longitude: $0.tenant.location.lng))) }
                .filter { $0.1 <= 20 }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(10).map(\.0)
            #expect(tenants.map { $0["id"] as! String } == Array(expected))

            let slug = tenants[0]["slug"] as! String
            let page = try await client.json("/api/v1/tenants/\(slug)")
            #expect(page.status == .ok)
            #expect((page.object["classes"] as? [Any])?.isEmpty == false)
            let tag = try #require(page.headers[.eTag])
            let again = try await client.json("/api/v1/tenants/\(slug)", headers: [.ifNoneMatch: tag])
            #expect(again.status == .notModified)
            #expect(again.text.isEmpty)

            let missing = try await client.json("/api/v1/tenants/no-such-gym")
            #expect(missing.status == .notFound)
            #expect(missing.error?.code == "NOT_FOUND")
            let noNear = try await client.json("/api/v1/tenants")
            #expect(noNear.status == .badRequest)
        }
    }

    @Test("health, readiness, metrics and unknown routes")
    func operations() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            #expect(try await client.json("/health").status == .ok)
            let ready = try await client.json("/ready")
            #expect(ready.status == .ok)
            #expect(ready.object["index_gyms"] as? Int == fixture.index.counts.gyms)
            _ = try await client.json("/api/v1/marketplace/search?lat=-26.2&lng=28.0")
            let metrics = try await client.json("/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.text.contains("studioloop_http_requests_total{route=\"/api/v1/marketplace/search\",method=\"GET\",status=\"200\"} 1"))
            #expect(metrics.text.contains("studioloop_search_duration_seconds_count 1"))
            #expect(metrics.text.contains("studioloop_index_entries{kind=\"gyms\"} \(fixture.index.counts.gyms)"))
            let missing = try await client.json("/api/v1/nothing-here")
            #expect(missing.status == .notFound)
            #expect(missing.error?.code == "NOT_FOUND")
            #expect(missing.headers[.init("X-Request-ID")!] != nil)
        }
    }
}

@Suite("Rate limits")
struct RateLimitTests {
    @Test("the seed's limits: the 101st anonymous request in an hour and the 1,001st of a signed-in user are 429 with Retry-After")
    func seedLimits() async throws {
        let fixture = try await ServerFixture.make(.sqlite, rateLimits: RateLimits())
        try await fixture.test { client in
            // Signing up and proving the email are anonymous requests too: two of the hundred.
            let member = try await fixture.member("counted", client: client)
            for n in 3...100 {
                let response = try await client.json("/api/v1/marketplace/search?location=-26.2,28.0&limit=1")
                if response.status != .ok { Issue.record("anonymous request \(n) was \(response.status)"); return }
            }
            let limited = try await client.json("/api/v1/marketplace/search?location=-26.2,28.0&limit=1")
            #expect(limited.status == .tooManyRequests)
            #expect(limited.error?.code == "RATE_LIMITED")
            #expect(Int(limited.headers[.retryAfter] ?? "") ?? 0 >= 1)
            // Health checks are never limited; a signed-in member has a budget of their own.
            #expect(try await client.json("/health").status == .ok)
            for n in 1...1_000 {
                let response = try await client.json("/api/v1/users/me/bookings", token: member.token)
                if response.status != .ok { Issue.record("signed-in request \(n) was \(response.status)"); return }
            }
            let over = try await client.json("/api/v1/users/me/bookings", token: member.token)
            #expect(over.status == .tooManyRequests && Int(over.headers[.retryAfter] ?? "") ?? 0 >= 1)
        }
    }

    @Test("sign-in attempts are limited per account, so guessing is slow, without locking other accounts out")
    func signInLimits() async throws {
        var limits = RateLimits.off
        limits.signInPerAccount = 3
        limits.authPerAddress = 6
        let fixture = try await ServerFixture.make(.sqlite, rateLimits: limits)
        try await fixture.test { client in
            for attempt in 1...3 {
                let response = try await client.json("/api/v1/auth/login", method: .post, body: ["email": "x@example.com", "password": "guess \(attempt)"])
                #expect(response.status == .unauthorized)
            }
            let limited = try await client.json("/api/v1/auth/login", method: .post, body: ["email": "X@example.com ", "password": "guess 4"])
            #expect(limited.status == .tooManyRequests && limited.error?.code == "RATE_LIMITED")
            // Another account from the same address still gets its answer, until the address's own limit.
            let other = try await client.json("/api/v1/auth/login", method: .post, body: ["email": "y@example.com", "password": "guess"])
            #expect(other.status == .unauthorized)
            let sixth = try await client.json("/api/v1/auth/login", method: .post, body: ["email": "z@example.com", "password": "guess"])
            #expect(sixth.status == .unauthorized)
            let seventh = try await client.json("/api/v1/auth/login", method: .post, body: ["email": "w@example.com", "password": "guess"])
            #expect(seventh.status == .tooManyRequests)
        }
    }

    @Test("the window slides: a burst at the end of one hour still counts early in the next")
    func slidingWindow() {
        let origin = ContinuousClock.now
        let limiter = RateLimiter(limit: 10, per: .seconds(3_600), origin: origin)
        let late = origin + .seconds(3_500)
        for _ in 0..<10 { #expect(limiter.take("a", at: late) == nil) }
        // The next hour starts in 100 s, and the burst counts in full then; 360 s more and it
        // counts 9 of 10.
        #expect(limiter.take("a", at: late) == 460)
        // A minute into the next hour, 59/60 of the burst is still inside the sliding hour: 9.8 of 10.
        // 10 · (1 − 0.1) + 1 ≤ 10 six minutes in: 300 s more.
        #expect(limiter.take("a", at: origin + .seconds(3_660)) == 300)
        #expect(limiter.take("a", at: origin + .seconds(3_960)) == nil)
        #expect(limiter.take("b", at: late) == nil, "keys are counted apart")
        // Two hours on, nothing of it is left.
        for _ in 0..<10 { #expect(limiter.take("a", at: origin + .seconds(10_800)) == nil) }
    }

    @Test("X-Forwarded-For is believed from a trusted proxy only")
    func forwardedAddresses() {
        var limits = RateLimits()
        limits.trustedProxies = ["10.0.0.2"]
        let limiters = RateLimiters(limits)
        #expect(limiters.clientAddress(peer: "10.0.0.2", forwardedFor: "41.1.2.3, 10.0.0.2") == "41.1.2.3")
        #expect(limiters.clientAddress(peer: "41.9.9.9", forwardedFor: "1.1.1.1") == "41.9.9.9")
        #expect(limiters.clientAddress(peer: "10.0.0.2", forwardedFor: nil) == "10.0.0.2")
    }
}

@Suite("Areas API")
struct AreasAPITests {
    @Test("named areas as GeoJSON, and search limited to one by name")
    func namedAreas() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let centre = ServerFixture.reference.city(named: "johannesburg")!.centerCoordinate
            let near = try await client.json("/api/v1/areas?near=\(centre.latitude),\(centre.longitude)&radius_km=15&limit=5")
            #expect(near.status == .ok)
            #expect(near.object["type"] as? String == "FeatureCollection")
            let features = near.object["features"] as! [[String: Any]]
            #expect(features.count == 5)
            let first = try #require(ServerFixture.areas.area(named: features[0]["id"] as! String))
            #expect(first.area.contains(centre), "the area holding the point comes first")

            let soweto = try await client.json("/api/v1/areas/johannesburg-soweto")
            #expect(soweto.status == .ok, "\(soweto.text)")
            let geometry = soweto.object["geometry"] as! [String: Any]
            #expect(geometry["type"] as? String == "Polygon")
            #expect(try await client.json("/api/v1/areas/atlantis-of-the-sands").status == .notFound)

            // By name, and by the same polygon sent as GeoJSON from the place itself: one answer,
            // every gym inside, distances from the place the name calls.
            let area = try #require(ServerFixture.areas.area(named: "Soweto"))
            let byName = try await client.json("/api/v1/marketplace/search?area=Soweto&limit=100&sort=distance&min_spots=0")
            #expect(byName.status == .ok, "\(byName.text)")
            let byPolygon = try await client.json("/api/v1/marketplace/search", method: .post, body: [
                "area": ["type": "Polygon", "coordinates": [area.ring.map { [$0.longitude, $0.latitude] }]],
                "lat": area.site.latitude, "lng": area.site.longitude, "limit": 100, "sort": "distance", "min_spots": 0,
            ])
            let ids = (byName.object["results"] as! [[String: Any]]).map { $0["session_id"] as! String }
            #expect(ids == (byPolygon.object["results"] as! [[String: Any]]).map { $0["session_id"] as! String })
            for result in byName.object["results"] as! [[String: Any]] {
                let gym = result["gym"] as! [String: Any]
                #expect(area.area.contains(Coordinate(latitude: gym["lat"] as! Double, longitude: gym["lng"] as! Double)))
            }
            // Brute force over the catalog: the sessions found are exactly the open ones of the
            // marketplace gyms inside the area in the default week.
            var expected = Set<String>()
            for gym in fixture.gyms where gym.tenant.marketplaceEnabled && gym.tenant.isActive {
                let location = Coordinate(latitude: gym.tenant.location.lat, longitude: gym.tenant.location.lng)
                guard area.area.contains(location) else { continue }
                for session in gym.sessions where !session.isCancelled && gym.classes[session.classIndex].isActive {
                    guard session.start >= fixture.clock.now, session.start < fixture.clock.now + 7 * 86_400 else { continue }
                    expected.insert(SessionSchedule.sessionID(classId: gym.classes[session.classIndex].id, start: session.start))
                }
            }
            #expect(!expected.isEmpty)
            if expected.count <= 100 {
                #expect(Set(ids) == expected)
            } else {
                #expect(ids.count == 100 && Set(ids).isSubset(of: expected))
            }
            let unknown = try await client.json("/api/v1/marketplace/search?area=atlantis-of-the-sands")
            #expect(unknown.status == .badRequest)
        }
    }
}

@Suite("Routes API")
struct RoutesAPITests {
    @Test("search along a commute, by encoded polyline or GeoJSON LineString, ranked by detour")
    func alongARoute() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            // From one marketplace gym past another to a third: a commute across the city.
            let stops = fixture.gyms.filter { $0.tenant.marketplaceEnabled }.prefix(3)
                .map { Coordinate(latitude: $0.tenant.location.lat, longitude: $0.tenant.location.lng) }
            let path = Array(stops)
            let encoded = Corridor.encodePolyline(path)
            // The route as the server reads it back (5 decimal places).
            let corridor = try Corridor(path: try Corridor.polyline(encoded), widthKm: 3)
            let byPolyline = try await client.json("/api/v1/marketplace/search?along=\(encoded)&corridor_km=3&sort=distance&limit=50&min_spots=0")
            #expect(byPolyline.status == .ok, "\(byPolyline.text)")
            let results = byPolyline.object["results"] as! [[String: Any]]
            #expect(!results.isEmpty)
            let detours = results.map { $0["distance_km"] as! Double }
            #expect(detours == detours.sorted())
            for result in results {
                let gym = result["gym"] as! [String: Any]
                let point = Coordinate(latitude: gym["lat"] as! Double, longitude: gym["lng"] as! Double)
                let detour = result["distance_km"] as! Double
                #expect(abs(detour - 2 * corridor.distanceKm(to: point)) < 1e-9)
                #expect(detour <= 6)
            }
            let byLine = try await client.json("/api/v1/marketplace/search", method: .post, body: [
                "along": ["type": "LineString", "coordinates": try Corridor.polyline(encoded).map { [$0.longitude, $0.latitude] }],
                "corridor_km": 3, "sort": "distance", "limit": 50, "min_spots": 0,
            ])
            #expect((byLine.object["results"] as! [[String: Any]]).map { $0["session_id"] as! String } == results.map { $0["session_id"] as! String })

            for (parameters, mentions) in [
                ("along=\(encoded)&corridor_km=20", "corridor_km"), ("along=~~~", "along"), ("along=\(encoded)&lat=-26.1&lng=28.0", "along"),
                ("corridor_km=2&lat=-26.1&lng=28.0", "corridor_km"),
            ] {
                let bad = try await client.json("/api/v1/marketplace/search?\(parameters)")
                #expect(bad.status == .badRequest, "\(parameters)")
                #expect(bad.error?.message.contains(mentions) == true, "\(parameters): \(bad.error?.message ?? "")")
            }
            let empty = try await client.json("/api/v1/marketplace/search", method: .post, body: ["along": ["type": "LineString", "coordinates": [[Double]]()]])
            #expect(empty.status == .badRequest)
        }
    }
}
