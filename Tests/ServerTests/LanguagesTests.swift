import Datasets
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing
import TestSupport

@testable import Server

@Suite("Languages")
struct LanguagesTests {
    /// The Mustache tags of a phrase, in order of appearance sorted: a translation may move them, never drop or add one.
    static func tags(_ text: String) -> [String] {
        text.components(separatedBy: "{{").dropFirst().map { String($0.prefix { $0 != "}" }) }.sorted()
    }

    @Test("every phrase of every template has its French and Arabic, with the same Mustache tags")
    func templatesAreTranslated() throws {
        let translations = try Translations.load()
        let phrases = try WebPages.templatePhrases()
        #expect(phrases["discover"]?.contains("Find a class") == true, "the walk finds the page's words: \(phrases["discover"] ?? [])")
        #expect(phrases["discover"]?.contains("yoga, boxing, pilates") == true, "and the attributes people read")
        for language in [PageLanguage.fr, .ar] {
            let table = try #require(translations.tables[language])
            var missing: [String] = []
            for (template, words) in phrases.sorted(by: { $0.key < $1.key }) {
                for phrase in words {
                    guard case .text(let translated) = table[phrase] else { missing.append("\(template): \(phrase)"); continue }
                    #expect(Self.tags(translated) == Self.tags(phrase), "\(language) \(template): '\(translated)' keeps the tags of '\(phrase)'")
                }
            }
            #expect(missing.isEmpty, "\(language) lacks \(missing.count):\n\(missing.joined(separator: "\n"))")
        }
    }

    @Test("Accept-Language picks the language, a picked one wins and is kept, and the region stays in the formats")
    func negotiation() {
        func negotiated(_ picked: String?, _ header: String?) -> String {
            let (language, locale) = PageLanguage.negotiate(picked: picked, acceptLanguage: header)
            return "\(language.rawValue) \(locale.identifier)"
        }
        #expect(negotiated(nil, nil) == "en en_GB")
        #expect(negotiated(nil, "fr-FR,fr;q=0.9,en;q=0.8") == "fr fr_FR")
        #expect(negotiated(nil, "de-DE, fr;q=0.5, en;q=0.4") == "fr fr", "the first language we speak")
        #expect(negotiated(nil, "en;q=0.2, ar-MA;q=0.9") == "ar ar_MA", "by weight, not order")
        #expect(negotiated(nil, "ar;q=0, fr") == "fr fr", "q=0 is a refusal")
        #expect(negotiated("ar", "fr-FR,ar-EG;q=0.5") == "ar ar_EG", "a picked language keeps the browser's region for it")
        #expect(negotiated("xx", "*") == "en en_GB")
    }

    @Test("counts take each language's plural forms, and numbers and times the locale's digits")
    func formats() throws {
        let translations = try Translations.load()
        let arabic = Words(language: .ar, format: LocalFormat(locale: Locale(identifier: "ar_EG")), translations: translations)
        let spots = [0, 1, 2, 3, 11, 100].map { arabic.count($0, "{n} spot left", "{n} spots left") }
        #expect(Set(spots).count == 6, "Arabic's six forms: \(spots)")
        #expect(spots[3].contains("٣"), "Eastern Arabic digits in Egypt: \(spots[3])")
        let french = Words(language: .fr, format: LocalFormat(locale: Locale(identifier: "fr")), translations: translations)
        #expect(french.count(0, "{n} credit", "{n} credits") == "0 crédit" && french.count(2, "{n} credit", "{n} credits") == "2 crédits")
        let cairo = TimeZone(identifier: "Africa/Cairo")!
        let friday = ISO8601.parse("2026-12-04T16:00:00Z")!  // 18:00 in Cairo
        #expect(french.format.dayAndTime(friday, cairo) == "ven. 4 déc. 18:00")
        #expect(LocalFormat(locale: Locale(identifier: "en_GB")).dayAndTime(friday, cairo) == "Fri 4 Dec 18:00")
        #expect(arabic.format.time(friday, cairo).contains("٦:٠٠"), "\(arabic.format.time(friday, cairo))")
        #expect(french.format.money(.init(cents: 45_000, currency: "ZAR")).hasPrefix("450,00"))
        #expect(french.format.money(.init(cents: 5_000, currency: "RWF")).hasPrefix("5 000") || french.format.money(.init(cents: 5_000, currency: "RWF")).hasPrefix("5\u{202F}000"))
    }

    @Test("every page speaks French and Arabic (right to left), and a name is shown as it was written", arguments: ["fr", "ar"])
    func everyPage(language: String) async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            let gym = try await fixture.openGym("نادي اليوغا", owner: owner.token, client: client)
            let session = try await fixture.addSession(gym, at: ServerFixture.start + 2 * 86_400, owner: owner.token, client: client)
            let amharic = try await client.json("/api/v1/tenants/\(gym.slug)/classes", method: .post, token: owner.token, body: [
                "name": "ዮጋ ለጀማሪዎች", "class_type": "yoga", "duration_minutes": 60, "max_capacity": 10, "credits_required": 1,
                "weekly_slots": [["weekday": 3, "start": "07:00"]],
            ])
            #expect(amharic.status == .created, "\(amharic.text)")
            let member = try await fixture.member("Amina", universalCredits: 10, client: client)
            let booked = try await client.json("/api/v1/marketplace/bookings", method: .post, token: member.token, body: ["class_schedule_id": session])
            let booking = try #require(booked.object["id"] as? String)

            var visitor = PageBrowser(client: client, language: language == "fr" ? "fr-FR,fr;q=0.9" : "ar-EG,ar;q=0.9")
            var pages = try await [
                visitor.get("/"), visitor.get("/?area=city:Kigali&q=yoga"), visitor.get("/?area=city:Kigali&when=tonight"), visitor.get("/gyms/\(gym.slug)"),
                visitor.get("/sessions/\(session)"), visitor.get("/signup"), visitor.get("/login"), visitor.get("/for-gyms"), visitor.get("/gyms/no-such-gym"),
            ]
            let home = pages[0].text
            #expect(home.contains(#"<html lang="\#(language)" dir="\#(language == "ar" ? "rtl" : "ltr")">"#), "\(home.prefix(200))")
            #expect(pages[0].headers[.contentLanguage] == language)
            #expect(!home.contains(">Find a class<"), "the page is not in English")
            #expect(pages[3].text.contains("نادي اليوغا"), "the gym's name as it was written")
            #expect(pages[3].text.contains("ዮጋ ለጀማሪዎች"), "the Amharic class name as it was written")

            _ = try await visitor.post("/login", ["contact": try await fixture.email(of: member.token, client: client), "password": "correct horse 9", "next": "/me"], from: "/login")
            pages += try await [
                visitor.get("/me"), visitor.get("/me/bookings/\(booking)"), visitor.get("/me/bookings/\(booking)/cancel"), visitor.get("/buy"),
                visitor.get("/buy?gym=\(gym.slug)"), visitor.get("/me/notifications"), visitor.get("/verify"), visitor.get("/sessions/\(session)"),
                visitor.get("/open-gym"), visitor.get("/dashboard"),
            ]
            var desk = PageBrowser(client: client, language: visitor.language)
            _ = try await desk.post("/login", ["contact": try await fixture.email(of: owner.token, client: client), "password": "correct horse 9", "next": "/dashboard"], from: "/login")
            let dashboard = "/dashboard/\(gym.slug)"
            for path in ["", "?date=2026-11-27", "/sessions/\(session)", "/classes", "/classes/\(gym.classId)", "/packs", "/payouts", "/staff", "/members", "/settings", "/analytics"] {
                pages.append(try await desk.get(dashboard + path))
            }
            for page in pages { #expect(page.status.code < 500, "\(page.text.prefix(300))") }
            let missing = Translations.missing.withLock { $0 }.filter { $0.hasPrefix(language + ": ") }.sorted()
            #expect(missing.isEmpty, "\(missing.count) phrases lack their \(language):\n\(missing.joined(separator: "\n"))")
        }
    }
}
