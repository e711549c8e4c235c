import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TestSupport

@Suite("Web pages")
struct WebPagesTests {
    static let browser: HTTPFields = [.accept: "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"]

    @Test("the discovery page finds classes for a search its URL reproduces, behind a Content-Security-Policy; API clients still get JSON at /")
    func discovery() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let page = try await client.json("/?q=yoga&near=-26.2041,28.0473", headers: Self.browser)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(page.text.contains(#"<li class="result" "#), "\(page.text.prefix(500))")
            #expect(page.text.contains(#"value="yoga""#), "the form shows the search it ran")
            #expect(page.text.contains(" km</span>"))
            let empty = try await client.json("/", headers: Self.browser)
            #expect(empty.status == .ok && !empty.text.contains(#"<li class="result" "#))
            let bad = try await client.json("/?near=somewhere", headers: Self.browser)
            #expect(bad.status == .badRequest && bad.text.contains(#"class="error""#))
            #expect(try await client.json("/").object["openapi"] as? String == "/openapi.yaml")
            let css = try await client.json("/static/site.css")
            #expect(css.status == .ok && css.headers[.contentType] == "text/css; charset=utf-8")
        }
    }

    /// The local day and time of each result on a page: "Wed 25 Nov 17:30".
    static func times(_ html: String) -> [String] {
        html.components(separatedBy: #"<span class="when">"#).dropFirst().map { String($0.prefix { $0 != "<" }) }
    }

    @Test("tonight, tomorrow morning, the weekend and a date are read on the place's own clock")
    func when() async throws {
        let fixture = try await ServerFixture.make(.sqlite)  // Wednesday 25 November, 08:00 in Johannesburg
        try await fixture.test { client in
            func times(_ query: String) async throws -> [String] {
                let page = try await client.json("/?area=city:Johannesburg&\(query)", headers: Self.browser)
                #expect(page.status == .ok, "\(query): \(page.text.prefix(300))")
                return Self.times(page.text)
            }
            let tonight = try await times("when=tonight")
            #expect(!tonight.isEmpty && tonight.allSatisfy { $0.hasPrefix("Wed 25 Nov ") && $0.suffix(5) >= "17:00" }, "\(tonight)")
            let morning = try await times("when=tomorrow-morning")
            #expect(!morning.isEmpty && morning.allSatisfy { $0.hasPrefix("Thu 26 Nov ") && $0.suffix(5) >= "05:00" && $0.suffix(5) < "12:00" }, "\(morning)")
            let weekend = try await times("when=weekend")
            #expect(!weekend.isEmpty && weekend.allSatisfy { $0.hasPrefix("Sat 28 Nov") || $0.hasPrefix("Sun 29 Nov") }, "\(weekend)")
            let friday = try await times("date=2026-11-27&when=tonight")
            #expect(!friday.isEmpty && friday.allSatisfy { $0.hasPrefix("Fri 27 Nov") }, "a date wins: \(friday)")
            for bad in ["date=2026-11-01", "date=27/11/2026", "when=someday"] {
                #expect(try await client.json("/?area=city:Johannesburg&\(bad)", headers: Self.browser).status == .badRequest, "\(bad)")
            }
        }
    }

    @Test("a gym's page shows its timetable and packs with every name escaped, and the sitemap lists it")
    func gymPageEscapesWhatGymsType() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            let gym = try await fixture.openGym("<script>alert(1)</script> & Co", owner: owner.token, client: client)
            let page = try await client.json("/gyms/\(gym.slug)", headers: Self.browser)
            #expect(page.status == .ok, "\(page.text)")
            #expect(!page.text.contains("<script>alert"), "a name is never markup")
            #expect(page.text.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co"))
            #expect(page.text.contains(#""><bdi>&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co Bootcamp</bdi></a>"#), "the class in the timetable too")
            #expect(page.text.contains(#"<meta property="og:title""#))
            let found = try await client.json("/?q=bootcamp&near=-1.9441,30.0619", headers: Self.browser)
            #expect(!found.text.contains("<script>alert"))
            #expect(try await client.json("/gyms/no-such-gym", headers: Self.browser).status == .notFound)
            let sitemap = try await client.json("/sitemap.xml")
            #expect(sitemap.status == .ok && sitemap.text.contains("/gyms/\(gym.slug)</loc>"))
        }
    }
}
