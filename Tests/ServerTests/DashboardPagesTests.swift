import Booking
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

@testable import Server

@Suite("The owner's dashboard")
struct DashboardPagesTests {
    @Test("the owner sees the day, checks members in by name, by desk code and by QR code, undoes a mistake, and reads the analytics", arguments: StoreKind.allCases)
    func frontDesk(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            let gym = try await fixture.openGym("<script>alert(1)</script> Gym", owner: owner.token, client: client, slots: [])
            // 09:00 in Kigali, today: the gym's one session.
            let start = ServerFixture.start + 3_600
            let session = try await fixture.addSession(gym, at: start, owner: owner.token, client: client)
            var bookings: [String: String] = [:]
            for name in ["Amahoro", "Baraka", "Chidi", "Dalia"] {
                let member = try await fixture.member(name, universalCredits: 10, client: client)
                let booked = try await client.json("/api/v1/marketplace/bookings", method: .post, token: member.token, body: ["class_schedule_id": session])
                #expect(booked.status == .created, "\(booked.text)")
                bookings[name] = try #require(booked.object["id"] as? String)
            }

            var desk = PageBrowser(client: client)
            let anonymous = try await desk.get("/dashboard/\(gym.slug)")
            #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/login?next=/dashboard/\(gym.slug)")
            let email = try await fixture.email(of: owner.token, client: client)
            _ = try await desk.post("/login", ["contact": email, "password": "correct horse 9", "next": "/dashboard"], from: "/login")
            let chooser = try await desk.get("/dashboard")
            #expect(chooser.status == .seeOther && chooser.headers[.location] == "/dashboard/\(gym.slug)", "one gym: straight to it")

            let day = try await desk.get("/dashboard/\(gym.slug)")
            #expect(day.status == .ok, "\(day.text)")
            #expect(day.text.contains(#"href="/dashboard">Dashboard<"#), "staff are offered the dashboard")
            #expect(day.text.contains("25 November 2026") && day.text.contains("09:00–09:45") && day.text.contains("4/12 booked · 0 in"), "\(day.text)")
            #expect(!day.text.contains("<script>alert") && day.text.contains("&lt;script&gt;alert(1)&lt;/script&gt; Gym Bootcamp"))

            let rosterPath = "/dashboard/\(gym.slug)/sessions/\(session)"
            let roster = try await desk.get(rosterPath)
            for name in ["Amahoro", "Baraka", "Chidi", "Dalia"] { #expect(roster.text.contains("\(name) Tester"), "\(name)") }
            #expect(!roster.text.contains("No-show</button>"), "nobody is a no-show before the class starts")
            #expect(!roster.text.contains("Check in Amahoro Tester</button>"), "check-in opens half an hour before class")

            // Check-in opens half an hour before class.
            fixture.clock.set(start - 600)
            #expect(try await desk.get(rosterPath).text.contains("Check in Amahoro Tester</button>"))
            let byName = try await desk.post("/dashboard/\(gym.slug)/bookings/\(bookings["Amahoro"]!)/checkin", ["session": session], from: rosterPath)
            #expect(byName.status == .seeOther, "\(byName.text)")
            #expect(byName.headers[.location] == "\(rosterPath)?checked=\(bookings["Amahoro"]!)#booking-\(bookings["Amahoro"]!)")
            let after = try await desk.get("\(rosterPath)?checked=\(bookings["Amahoro"]!)")
            #expect(after.text.contains(#"data-testid="checkin-notice">Amahoro Tester is checked in.<"#), "\(after.text)")
            #expect(after.text.contains("1 checked in"))

            // By the desk code the member reads out, typed any old way.
            let code = DeskCode.of(bookingId: bookings["Baraka"]!)
            let typed = " " + code.prefix(3).lowercased() + "-" + code.dropFirst(3) + " "
            let byCode = try await desk.post("/dashboard/\(gym.slug)/checkin", ["code": typed, "date": "2026-11-25"], from: "/dashboard/\(gym.slug)")
            #expect(byCode.status == .seeOther && byCode.headers[.location]?.contains("checked=\(bookings["Baraka"]!)") == true, "\(byCode.text)")
            let twice = try await desk.post("/dashboard/\(gym.slug)/checkin", ["code": code, "session": session], from: rosterPath)
            #expect(twice.status.code >= 400 && twice.status.code < 500 && twice.text.contains(#"data-testid="roster-error""#), "\(twice.status)")

            // By the QR code's text, as a scanner or the camera gives it.
            let chidi = try await fixture.store.bookings.details(id: bookings["Chidi"]!)
            let qr = try #require(fixture.store.bookings.qrCode(for: chidi))
            let byQR = try await desk.post("/dashboard/\(gym.slug)/checkin", ["code": qr], from: "/dashboard/\(gym.slug)")
            #expect(byQR.status == .seeOther, "\(byQR.text)")

            let nonsense = try await desk.post("/dashboard/\(gym.slug)/checkin", ["code": "not a code"], from: "/dashboard/\(gym.slug)")
            #expect(nonsense.status == .badRequest && nonsense.text.contains("six-character desk code"), "\(nonsense.status)")
            let unknown = try await desk.post("/dashboard/\(gym.slug)/checkin", ["code": "ZZZZZZ"], from: "/dashboard/\(gym.slug)")
            #expect(unknown.status == .notFound && unknown.text.contains("No booking has the desk code ZZZ ZZZ on Wed 25 Nov."), "\(unknown.text)")
            let forged = try await desk.post("/dashboard/\(gym.slug)/bookings/\(bookings["Dalia"]!)/checkin", ["session": session], csrf: "forged")
            #expect(forged.status == .forbidden)

            let methods = try await fixture.store.bookings.roster(sessionId: session, tenant: gym.id, staff: owner.id)
                .reduce(into: [String: String]()) { $0[$1.firstName] = $1.checkInMethod ?? $1.status.rawValue }
            #expect(methods == ["Amahoro": "name", "Baraka": "code", "Chidi": "qr", "Dalia": "confirmed"], "the forged form changed nothing")

            // A mistake undone; then, once the class is on, Dalia marked as not come.
            let undone = try await desk.post("/dashboard/\(gym.slug)/bookings/\(bookings["Chidi"]!)/undo-checkin", ["session": session], from: rosterPath)
            #expect(undone.status == .seeOther)
            #expect(try await fixture.store.bookings.details(id: bookings["Chidi"]!).status == .confirmed)
            fixture.clock.set(start + 600)
            let noShow = try await desk.post("/dashboard/\(gym.slug)/bookings/\(bookings["Dalia"]!)/no-show", ["session": session], from: rosterPath)
            #expect(noShow.status == .seeOther)
            #expect(try await fixture.store.bookings.details(id: bookings["Dalia"]!).status == .noShow)

            let report = try await desk.get("/dashboard/\(gym.slug)/analytics")
            #expect(report.status == .ok, "\(report.text)")
            #expect(report.text.contains(#"data-testid="sessions-held">1<"#) && report.text.contains(#"data-testid="no-show-rate">100%<"#))
            #expect(report.text.contains(#"data-testid="bookings">4<"#) && report.text.contains(#"data-testid="checked-in">2<"#), "\(report.text)")
            #expect(report.text.contains(#"data-testid="fill-rate">33%<"#), "4 of the 12 spots")
            for chart in ["chart-fill", "chart-heat", "chart-no-show", "chart-money"] { #expect(report.text.contains(#"aria-labelledby="\#(chart)""#), "\(chart)") }
            #expect(report.text.contains("<title>Wed 09:00: 4 bookings</title>"), "the heat map's busy hour, on Kigali's clock")
            #expect(!report.text.contains("<script>alert"))
            let csv = try await desk.get("/dashboard/\(gym.slug)/analytics.csv?from=2026-11-23&to=2026-11-29")
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.headers[.contentDisposition]?.contains("analytics-2026-11-23-2026-11-29.csv") == true)
            #expect(csv.text.contains("week_2026-11-23,taken,4\r\n") && csv.text.contains("bookings_by_slot,Wed 09:00,4\r\n"), "\(csv.text)")
            #expect(try await desk.get("/dashboard/\(gym.slug)/analytics?from=2026-12-01&to=2026-11-01").status == .badRequest)
        }
    }

    @Test("a member is not let into a gym's dashboard, and sees no dashboard to go to")
    func membersStayOut() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            let gym = try await fixture.openGym("Kacyiru Strength", owner: owner.token, client: client)
            let member = try await fixture.member("member", universalCredits: 4, client: client)
            var browser = PageBrowser(client: client)
            let email = try await fixture.email(of: member.token, client: client)
            _ = try await browser.post("/login", ["contact": email, "password": "correct horse 9"], from: "/login")
            let mine = try await browser.get("/me")
            #expect(mine.status == .ok && !mine.text.contains(#"href="/dashboard""#))
            let none = try await browser.get("/dashboard")
            #expect(none.status == .ok && none.text.contains("You are not on the staff of a gym"))
            for path in ["/dashboard/\(gym.slug)", "/dashboard/\(gym.slug)/analytics", "/dashboard/\(gym.slug)/analytics.csv"] {
                let page = try await browser.get(path)
                #expect(page.status == .forbidden && page.text.contains("not on the staff of Kacyiru Strength"), "\(path): \(page.status)")
            }
            let session = try await fixture.addSession(gym, at: ServerFixture.start + 3_600, owner: owner.token, client: client)
            let booked = try await client.json("/api/v1/marketplace/bookings", method: .post, token: member.token, body: ["class_schedule_id": session])
            let id = try #require(booked.object["id"] as? String)
            fixture.clock.set(ServerFixture.start + 3_000)
            let own = try await browser.post("/dashboard/\(gym.slug)/bookings/\(id)/checkin", ["session": session], from: "/me")
            #expect(own.status == .forbidden, "a member cannot check themself in at the desk")
            #expect(try await fixture.store.bookings.details(id: id).status == .confirmed)
            #expect(try await browser.get("/dashboard/no-such-gym").status == .notFound)
        }
    }

    @Test("desk codes are six unambiguous characters, read back however they are typed")
    func deskCodes() {
        let code = DeskCode.of(bookingId: "4f1c2a9e-booking")
        #expect(code.count == 6 && !code.contains { "01IO".contains($0) })
        #expect(code == DeskCode.of(bookingId: "4f1c2a9e-booking") && code != DeskCode.of(bookingId: "4f1c2a9e-bookinh"))
        #expect(DeskCode.normalized(" \(DeskCode.display(code).lowercased()) ") == code)
        #expect(DeskCode.normalized("ABC12") == nil && DeskCode.normalized("ABCDE1") == nil && DeskCode.normalized("ABCDEFG") == nil)
    }
}
