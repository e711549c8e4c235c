import CompressNIO
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Server
import Testing
import TestSupport

/// What HTTP clients (browsers, mobile HTTP stacks, caches) expect of a server.
@Suite("HTTP that clients expect")
struct HTTPBehaviourTests {
    @Test("CORS for the configured origins only: preflight answered, credentials off, app headers exposed")
    func cors() async throws {
        let fixture = try await ServerFixture.make(.sqlite, corsOrigins: ["https://app.studioloop.test"])
        try await fixture.test { client in
            let preflight = try await client.json("/api/v1/bookings", method: .options, headers: [
                .origin: "https://app.studioloop.test", .accessControlRequestMethod: "POST", .accessControlRequestHeaders: "authorization, content-type",
            ])
            #expect(preflight.status.code < 300, "\(preflight.status)")
            #expect(preflight.headers[.accessControlAllowOrigin] == "https://app.studioloop.test")
            #expect(preflight.headers[.accessControlAllowMethods]?.contains("POST") == true)
            #expect(preflight.headers[.accessControlAllowHeaders]?.lowercased().contains("authorization") == true)
            #expect(preflight.headers[.accessControlAllowCredentials] == nil)
            let read = try await client.json("/api/v1/marketplace/search?location=-26.2,28.0&limit=1", headers: [.origin: "https://app.studioloop.test"])
            #expect(read.status == .ok && read.headers[.accessControlAllowOrigin] == "https://app.studioloop.test")
            #expect(read.headers[.accessControlExposeHeaders]?.contains("X-Request-ID") == true)
            let stranger = try await client.json("/api/v1/marketplace/search?location=-26.2,28.0&limit=1", headers: [.origin: "https://evil.test"])
            #expect(stranger.headers[.accessControlAllowOrigin] == nil)
        }
    }

    @Test("gzip when the client takes it, for answers worth compressing")
    func gzip() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let uri = "/api/v1/marketplace/search?location=-26.2041,28.0473&radius_km=25&limit=100&min_spots=0"
            let plain = try await client.execute(uri: uri, method: .get) { ($0.headers, $0.body) }
            #expect(plain.0[.contentEncoding] == nil && plain.0[.vary] == "Accept-Encoding")
            let packed = try await client.execute(uri: uri, method: .get, headers: [.acceptEncoding: "br;q=1, gzip;q=0.8"]) { ($0.headers, $0.body) }
            #expect(packed.0[.contentEncoding] == "gzip")
            var body = packed.1
            let unpacked = try body.decompress(with: .gzip)
            // The same results (each answer has its own took_ms), in a third of the bytes or less.
            func ids(_ buffer: ByteBuffer) throws -> [String] {
                let page = try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any]
                return (page?["results"] as? [[String: Any]] ?? []).compactMap { $0["session_id"] as? String }
            }
            #expect(try ids(unpacked) == ids(plain.1) && !(try ids(plain.1)).isEmpty)
            #expect(packed.1.readableBytes * 3 < plain.1.readableBytes, "\(packed.1.readableBytes) of \(plain.1.readableBytes) bytes")
            let refused = try await client.execute(uri: uri, method: .get, headers: [.acceptEncoding: "gzip;q=0, identity"]) { $0.headers }
            #expect(refused[.contentEncoding] == nil)
            // A small answer is not worth it.
            let small = try await client.execute(uri: "/health", method: .get, headers: [.acceptEncoding: "gzip"]) { $0.headers }
            #expect(small[.contentEncoding] == nil)
            // Pages too: what a phone on 3G waits for.
            let page = "/?q=yoga&area=city:Johannesburg"
            let html = try await client.execute(uri: page, method: .get, headers: [.accept: "text/html"]) { $0.body }
            let zipped = try await client.execute(uri: page, method: .get, headers: [.accept: "text/html", .acceptEncoding: "gzip"]) { ($0.headers, $0.body) }
            #expect(zipped.0[.contentEncoding] == "gzip" && zipped.0[.vary]?.hasSuffix("Accept-Encoding") == true, "\(zipped.0)")
            var zippedBody = zipped.1
            let opened = String(buffer: try zippedBody.decompress(with: .gzip))
            #expect(opened.contains("<li class=\"result\" ") && opened.count == String(buffer: html).count)
            #expect(zipped.1.readableBytes * 4 < html.readableBytes, "\(zipped.1.readableBytes) of \(html.readableBytes) bytes")
        }
    }

    @Test("a weak ETag in If-None-Match still revalidates; so does the API description's")
    func weakETags() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let slug = fixture.gyms[0].tenant.slug
            let first = try await client.json("/api/v1/tenants/\(slug)")
            let tag = try #require(first.headers[.eTag])
            #expect(try await client.json("/api/v1/tenants/\(slug)", headers: [.ifNoneMatch: "W/\(tag)"]).status == .notModified)
            #expect(try await client.json("/api/v1/tenants/\(slug)", headers: [.ifNoneMatch: "\"other\", \(tag)"]).status == .notModified)
            #expect(try await client.json("/api/v1/tenants/\(slug)", headers: [.ifNoneMatch: "W/\"other\""]).status == .ok)
            let spec = try await client.json("/openapi.yaml")
            let specTag = try #require(spec.headers[.eTag])
            #expect(try await client.json("/openapi.yaml", headers: [.ifNoneMatch: specTag]).status == .notModified)
        }
    }

    @Test("a wrong method is 405 with Allow; an unknown path stays 404; / points at the API description")
    func methods() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let wrong = try await client.json("/api/v1/marketplace/search", method: .delete)
            #expect(wrong.status == .methodNotAllowed && wrong.error?.code == "METHOD_NOT_ALLOWED", "\(wrong.text)")
            #expect(wrong.headers[.allow] == "GET, HEAD, POST")
            let onId = try await client.json("/api/v1/bookings/some-id", method: .put)
            #expect(onId.status == .methodNotAllowed && onId.headers[.allow] == "DELETE, GET, HEAD")
            #expect(try await client.json("/api/v1/no-such-thing").status == .notFound)
            let root = try await client.json("/")
            #expect(root.status == .ok && root.object["openapi"] as? String == "/openapi.yaml")
        }
    }

    @Test("a 401 says how to authenticate, and whether the token was refused")
    func wwwAuthenticate() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let anonymous = try await client.json("/api/v1/users/profile")
            #expect(anonymous.status == .unauthorized && anonymous.headers[.wwwAuthenticate] == #"Bearer realm="studioloop""#)
            let forged = try await client.json("/api/v1/users/profile", token: "not-a-token")
            #expect(forged.status == .unauthorized && forged.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
        }
    }

    @Test("broken percent-encoding or invalid UTF-8 in a query string is a 400, not a 200 with no results")
    func brokenQueryStrings() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            for query in ["q=%ZZ", "q=50%", "q=%C3%28", "q=%FF%FE", "q=%E2%82"] {
                let response = try await client.json("/api/v1/marketplace/search?location=-26.2,28.0&\(query)")
                #expect(response.status == .badRequest && response.error?.code == "BAD_REQUEST", "\(query): \(response.status)")
            }
            // Encoded properly, the same characters are fine.
            #expect(try await client.json("/api/v1/marketplace/search?location=-26.2,28.0&q=pil%C3%A1tes%20%25").status == .ok)
        }
    }

    @Test("/docs renders the API description as a page, escaped, from the same file the API serves")
    func docsPage() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let page = try await client.json("/docs")
            #expect(page.status == .ok && page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.text.contains("<code>/api/v1/bookings</code>") && page.text.contains("bookSession"))
            #expect(page.text.contains("Book a session with that gym&#39;s credits"), "text is escaped")
            #expect(page.text.contains("id=\"schema-Booking\"") && page.text.contains("class_schedule_id"))
            #expect(!page.text.contains("<script"), "no script needed")
            #expect(!page.text.contains("&lt;a href"), "links to schemas are links, not escaped text")
            let tag = try #require(page.headers[.eTag])
            #expect(try await client.json("/docs", headers: [.ifNoneMatch: tag]).status == .notModified)
        }
    }

    @Test("malformed HTTP framing is a 400, never a 500")
    func malformedFraming() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test(.live) { client in
            let port = try #require(client.port)
            let chunked = "POST /api/v1/marketplace/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n"
            let answer = try await RawSocket.exchange(port: port, chunked)
            #expect(answer == nil || answer?.contains(" 400 ") == true, "\(answer ?? "closed")")
            #expect(answer?.contains(" 500 ") != true)
            #expect(try await client.json("/health").status == .ok)
        }
    }

    @Test("a silent connection, or one stopped partway through its headers or body, is closed after the idle timeout; /health stays fast")
    func idleConnectionsAreClosed() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test(.live, idleTimeout: .seconds(2)) { client in
            let port = try #require(client.port)
            let started = ContinuousClock.now
            // Each raw client gives up after 20 s: without the timeout the test takes that long and fails.
            try await withThrowingTaskGroup(of: String?.self) { group in
                for request in ["", "GET /health HTTP/1.1\r\nHost: x", "POST /api/v1/marketplace/search HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{", "\r\n\r\n"] {
                    group.addTask { try await RawSocket.exchange(port: port, request, timeoutSeconds: 20) }
                }
                for try await answer in group { #expect(answer == nil || answer?.contains(" 4") == true, "\(answer ?? "closed")") }
            }
            let waited = ContinuousClock.now - started
            #expect(waited < .seconds(12), "the connections were held \(waited)")
            // The test client's own kept-alive connection went idle too: a new one answers. (On a
            // loaded machine a fresh connection can itself wait past a 2 s timeout: three tries.)
            var answered = false
            for _ in 0..<3 where !answered {
                answered = try await RawSocket.exchange(port: port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")?.contains(" 200 ") == true
            }
            #expect(answered)
        }
    }

    @Test("a request whose headers or body trickle in, a byte at a time and never idle, is closed at its deadline; /health answers throughout")
    func tricklingRequestsAreClosed() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        // The idle timeout is long and the trickle quick, so only the deadlines can close these.
        try await fixture.test(.live, idleTimeout: .seconds(120), deadlines: RequestDeadlines(header: .seconds(2), body: .seconds(3))) { client in
            let port = try #require(client.port)
            let started = ContinuousClock.now
            let trickles = [
                "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: " + String(repeating: "a", count: 400),
                "POST /api/v1/marketplace/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 400\r\n\r\n{\"q\": \""
                    + String(repeating: "b", count: 390),
            ]
            try await withThrowingTaskGroup(of: (Duration, String?).self) { group in
                for request in trickles {
                    group.addTask {
                        let answer = try await RawSocket.trickle(port: port, request, every: .milliseconds(100), giveUpAfter: .seconds(25))
                        return (ContinuousClock.now - started, answer)
                    }
                }
                // Meanwhile a well-formed request is answered at once.
                group.addTask {
                    try await Task.sleep(for: .milliseconds(500))
                    let answer = try await RawSocket.exchange(port: port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", timeoutSeconds: 10)
                    return (.zero, answer)
                }
                for try await (held, answer) in group {
                    if held == .zero {
                        #expect(answer?.contains(" 200 ") == true, "\(answer ?? "closed")")
                    } else {
                        #expect(answer == nil || answer?.contains(" 5") == false, "\(answer ?? "closed")")
                        #expect(held < .seconds(12), "a trickling connection was held \(held)")
                    }
                }
            }
            // A request that takes its time but arrives within the deadline is served.
            let patient = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n"
            let answer = try await RawSocket.trickle(port: port, patient, every: .milliseconds(20), giveUpAfter: .seconds(10))
            #expect(answer?.contains(" 200 ") == true, "\(answer ?? "closed")")
        }
    }

    @Test("one address may hold only so many connections at once; one more is closed, and a slot frees when one closes")
    func connectionsPerAddressAreCapped() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        let counts = ConnectionCounts(limit: 3)
        // Generous timeouts: the whole suite runs at once on two cores, and a held socket must
        // outlive neither the server's idle timeout nor its own read timeout while it waits.
        try await fixture.test(.live, idleTimeout: .seconds(120), connections: counts) { client in
            let port = try #require(client.port)
            var held: [Int32] = []
            defer { held.forEach { close($0) } }
            for _ in 0..<3 { held.append(try await RawSocket.connected(port: port, timeoutSeconds: 60)) }
            // The server counts a connection once it has set it up: wait for all three.
            for _ in 0..<500 where counts.count("127.0.0.1") < 3 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(counts.count("127.0.0.1") == 3)
            #expect(try await RawSocket.exchange(port: port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n") == nil, "a fourth connection was served")
            // The held ones are served, and when one closes its slot is free again.
            #expect(await RawSocket.exchange(held[0], "GET /health HTTP/1.1\r\nHost: x\r\n\r\n")?.contains(" 200 ") == true)
            close(held.removeFirst())
            for _ in 0..<500 where counts.count("127.0.0.1") > 2 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(try await RawSocket.exchange(port: port, "GET /health HTTP/1.1\r\nHost: x\r\n\r\n", timeoutSeconds: 60)?.contains(" 200 ") == true)
        }
    }
}
