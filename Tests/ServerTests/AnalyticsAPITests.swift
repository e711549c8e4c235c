import Datasets
import Domain
import Foundation
import HTTPTypes
import HummingbirdTesting
@testable import Server
import Storage
import Testing
import TestSupport

@Suite("Analytics API")
struct AnalyticsAPITests {
    @Test("an owner's analytics count every booking's fate and the money net of refunds", arguments: StoreKind.allCases)
    func analytics(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            let slug = "nyamirambo-fit-\(UUID().uuidString.prefix(6).lowercased())"
            let created = try await client.json("/api/v1/tenants", method: .post, token: owner.token, body: [
                "name": "Nyamirambo Fit", "slug": slug, "email": "hi@nyamirambo.rw", "phone": "+250 788 111 111",
                "address": ["street": "KN 2 St", "suburb": "Nyamirambo", "city": "Kigali", "province": "", "postal_code": "", "country": "Rwanda"],
                "location": ["lat": -1.975, "lng": 30.045], "timezone": "Africa/Kigali",
            ])
            let gym = created.object["id"] as! String
            let added = try await client.json("/api/v1/tenants/\(slug)/classes", method: .post, token: owner.token, body: [
                "name": "Kickboxing", "class_type": "martial_arts", "duration_minutes": 60, "max_capacity": 4, "credits_required": 2,
            ])
            let start = fixture.clock.now + 2 * 86_400 + 3_600  // 09:00 in Kigali
            let session = try await client.json("/api/v1/tenants/\(slug)/schedules", method: .post, token: owner.token, body: [
                "class_id": added.object["id"] as! String, "start_time": ISO8601.format(start),
            ]).object["id"] as! String

            let a = try await fixture.member("a", universalCredits: 10, client: client)
            let b = try await fixture.member("b", gymCredits: [(gym, 10)], client: client)
            let c = try await fixture.member("c", universalCredits: 10, client: client)
            let d = try await fixture.member("d", universalCredits: 10, client: client)
            var bookings: [String: String] = [:]
            for (name, member, marketplace) in [("a", a, true), ("b", b, false), ("c", c, true), ("d", d, true)] {
                let response = try await client.json(
                    marketplace ? "/api/v1/marketplace/bookings" : "/api/v1/bookings", method: .post, token: member.token, body: ["class_schedule_id": session]
                )
                #expect(response.status == .created, "\(response.text)")
                bookings[name] = response.object["id"] as? String
            }
            // D cancels in time (refunded); C an hour before class (late: nothing back).
            _ = try await fixture.store.bookings.cancel(bookingId: bookings["d"]!, member: d.id, reason: nil, now: fixture.clock.now)
            _ = try await fixture.store.bookings.cancel(bookingId: bookings["c"]!, member: c.id, reason: nil, now: start - 3_600)
            // A is checked in; B never comes.
            let token = try await fixture.store.bookings.checkInToken(bookingId: bookings["a"]!, member: a.id)
            try await fixture.store.bookings.checkIn(bookingId: bookings["a"]!, token: token, staff: owner.id, now: start - 600)
            try await fixture.store.bookings.settleEndedSessions(now: start + 7_200)

            fixture.clock.set(start + 7_200)
            let ownerToken = try await fixture.services.authenticator.accessToken(for: owner.id, now: fixture.clock.now)
            let range = "from=\(ISO8601.format(start - 86_400))&to=\(ISO8601.format(start + 86_400))"
            let report = try await client.json("/api/v1/tenants/\(slug)/analytics?\(range)", token: ownerToken)
            #expect(report.status == .ok, "\(report.text)")
            let numbers = report.object["analytics"] as! [String: Any]
            #expect(numbers["sessions"] as? Int == 1)
            let statuses = numbers["bookings_by_status"] as! [String: Int]
            #expect(statuses["completed"] == 1 && statuses["no_show"] == 1 && statuses["cancelled"] == 2 && statuses["confirmed"] == 0)
            #expect(numbers["fill_rate"] as? Double == 0.5)
            #expect(numbers["no_show_rate"] as? Double == 0.5)
            #expect(numbers["late_cancels"] as? Int == 1)
            #expect(numbers["marketplace_share"] as? Double == 0.5)
            // A's and C's marketplace bookings at a Kigali gym, priced in Rwandan francs: 2 credits of
            // RWF 4,000 each (a currency without cents), the starter tier's 20 % commission.
            let money = (numbers["money"] as! [[String: Any]]).first!
            #expect(money["currency"] as? String == "RWF")
            #expect(money["gross_cents"] as? Int == 16_000)
            #expect(money["commission_cents"] as? Int == 3_200)
            #expect(money["payout_cents"] as? Int == 12_800)
            #expect((numbers["popular_hours"] as! [[String: Int]]).first! == ["hour": 9, "bookings": 2])
            // The series the dashboard charts: a Friday 09:00 session in the week of Monday 23 November.
            let weeks = numbers["weeks"] as! [[String: Any]]
            #expect(weeks.count == 1 && weeks[0]["week_start"] as? String == "2026-11-23", "\(weeks)")
            #expect(weeks[0]["capacity"] as? Int == 4 && weeks[0]["taken"] as? Int == 2 && weeks[0]["fill_rate"] as? Double == 0.5)
            #expect(weeks[0]["no_shows"] as? Int == 1 && weeks[0]["settled"] as? Int == 2 && weeks[0]["no_show_rate"] as? Double == 0.5)
            #expect(numbers["slots"] as? [[String: Int]] == [["weekday": 5, "hour": 9, "bookings": 2]])
            let months = numbers["months"] as! [[String: Any]]
            #expect(months.count == 1 && months[0]["month"] as? String == "2026-11" && months[0]["currency"] as? String == "RWF")
            #expect(months[0]["gross_cents"] as? Int == 16_000 && months[0]["commission_cents"] as? Int == 3_200 && months[0]["payout_cents"] as? Int == 12_800)

            let csv = try await client.json("/api/v1/tenants/\(slug)/analytics?\(range)&format=csv", token: ownerToken)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.text.contains("rates,fill_rate,0.5000\r\n"))
            #expect(csv.text.contains("money_RWF,commission_cents,3200\r\n"))
            #expect(csv.text.contains("week_2026-11-23,fill_rate,0.5000\r\n") && csv.text.contains("bookings_by_slot,Fri 09:00,2\r\n"))
            #expect(csv.text.contains("month_2026-11_RWF,payout_cents,12800\r\n"))

            let outsider = try await client.json("/api/v1/tenants/\(slug)/analytics", token: a.token)
            #expect(outsider.status == .unauthorized || outsider.status == .forbidden)
            let member = try await fixture.services.authenticator.accessToken(for: a.id, now: fixture.clock.now)
            #expect(try await client.json("/api/v1/tenants/\(slug)/analytics", token: member).status == .forbidden)
            #expect(try await client.json("/api/v1/tenants/\(slug)/analytics?from=2026-12-01&to=2026-11-01", token: ownerToken).status == .badRequest)
        }
    }
}

extension AnalyticsAPITests {
    @Test("CSV fields are quoted and formula-like text is defused")
    func csvQuoting() {
        #expect(AnalyticsRoutes.field("Yoga, Flow") == "\"Yoga, Flow\"")
        #expect(AnalyticsRoutes.field("=HYPERLINK(\"x\")") == "\"'=HYPERLINK(\"\"x\"\")\"")
        #expect(AnalyticsRoutes.field("-3") == "-3")
    }
}
