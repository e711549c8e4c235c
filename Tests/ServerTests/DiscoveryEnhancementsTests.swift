import Foundation
import HTTPTypes
import HummingbirdTesting
import Storage
import Testing
import TestSupport

@testable import Server

@Suite("Discovery, enhanced")
struct DiscoveryEnhancementsTests {
    @Test("results come with a map drawn on the server, numbered as the list, and the tiled map's parts")
    func map() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let page = try await client.json("/?q=yoga&near=-26.2041,28.0473", headers: WebPagesTests.browser)
            #expect(page.text.contains(#"<figure class="results-map""#) && page.text.contains(#"<svg class="map""#))
            let pins = page.text.components(separatedBy: #"<g class="pin">"#).count - 1
            let rows = page.text.components(separatedBy: #"<li class="result" "#).count - 1
            #expect(pins == rows && rows > 0, "\(pins) pins for \(rows) results")
            #expect(page.text.contains(#"<circle class="here""#), "the place searched is marked")
            #expect(page.text.contains(#"<script src="/static/discover.js" defer></script>"#))
            #expect(page.headers[.contentSecurityPolicy]?.contains("img-src 'self' data: https://tile.openstreetmap.org") == true)
            let script = try await client.json("/static/discover.js")
            #expect(script.status == .ok && script.headers[.contentType]?.hasPrefix("text/javascript") == true)
            let leaflet = try await client.json("/static/leaflet/leaflet.js")
            let installed = FileManager.default.fileExists(atPath: "/usr/share/javascript/leaflet/leaflet.min.js")
            #expect(leaflet.status == (installed ? .ok : .notFound), "Leaflet from libjs-leaflet where it is installed")
            #expect(try await client.json("/static/leaflet/../site.css").status == .notFound)
            let words = Words(language: .en, format: LocalFormat(locale: Locale(identifier: "en_GB")), translations: try Translations.load())
            #expect(SVGMap.results([], center: nil, title: "nothing", words) == nil)
            #expect(try await client.json("/static/map.js").status == .ok)

            // A gym's page: where it is, on the drawn map under the tiles.
            let gym = try #require(fixture.gyms.first { $0.tenant.marketplaceEnabled }).tenant
            let gymPage = try await client.json("/gyms/\(gym.slug)", headers: [.accept: "text/html"])
            #expect(gymPage.text.contains(#"data-testid="gym-map""#) && gymPage.text.contains(#"<script src="/static/map.js" defer></script>"#))
            #expect(gymPage.text.contains("<title id=\"map-title\">Where \(HTML.escape(gym.name)) is</title>"), "\(gymPage.text)")
            #expect(gymPage.text.components(separatedBy: #"<g class="pin">"#).count == 2, "one pin, the gym")
        }
    }

    @Test("spots left as the store has them, for a page to poll; suggestions complete the last word from class and gym names", arguments: StoreKind.allCases)
    func spotsAndSuggestions(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let open = fixture.openSession()
            let before = try await client.json("/api/v1/marketplace/spots?session_ids=\(open.sessionId),no-such-session")
            #expect(before.status == .ok, "\(before.text)")
            let lines = try #require(before.object["spots"] as? [[String: Any]])
            #expect(lines.count == 1 && lines[0]["session_id"] as? String == open.sessionId && lines[0]["status"] as? String == "scheduled")
            let left = try #require(lines[0]["spots_left"] as? Int)
            let member = try await fixture.member("spotter", universalCredits: 20, client: client)
            let booked = try await client.json("/api/v1/marketplace/bookings", method: .post, token: member.token, body: ["class_schedule_id": open.sessionId])
            #expect(booked.status == .created, "\(booked.text)")
            let after = try await client.json("/api/v1/marketplace/spots?session_ids=\(open.sessionId)")
            #expect((after.object["spots"] as? [[String: Any]])?.first?["spots_left"] as? Int == left - 1)
            #expect(try await client.json("/api/v1/marketplace/spots").status == .badRequest)
            let many = (0...50).map { "s\($0)" }.joined(separator: ",")
            #expect(try await client.json("/api/v1/marketplace/spots?session_ids=\(many)").status == .badRequest)

            let yo = try await client.json("/api/v1/marketplace/suggest?q=yo")
            let words = try #require((yo.object["suggestions"] as? [[String: Any]])?.compactMap { $0["text"] as? String })
            #expect(words.contains("yoga") && words.allSatisfy { $0.hasPrefix("yo") } && words.count <= 8, "\(words)")
            let counts = (yo.object["suggestions"] as? [[String: Any]])?.compactMap { $0["count"] as? Int } ?? []
            #expect(counts == counts.sorted(by: >), "the most used first")
            let two = try await client.json("/api/v1/marketplace/suggest?q=Power%20YO")
            #expect((two.object["suggestions"] as? [[String: Any]])?.first?["text"] as? String == "power yoga", "\(two.text)")
            #expect((try await client.json("/api/v1/marketplace/suggest?q=y")).object["suggestions"] as? [Any] != nil, "one letter: no error, nothing yet")
            #expect(try await client.json("/api/v1/marketplace/suggest").status == .badRequest)
        }
    }
}
