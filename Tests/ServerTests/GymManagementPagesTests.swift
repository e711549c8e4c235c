import Booking
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing
import TestSupport

@testable import Server

@Suite("Running a gym from the dashboard")
struct GymManagementPagesTests {
    @Test("an owner adds a class with its weekly times, changes its timetable, sells a pack, sets the rules and where payouts go", arguments: StoreKind.allCases)
    func catalogAndMoney(kind: StoreKind) async throws {
        let fixture = try await ServerFixture.make(kind)
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            let gym = try await fixture.openGym("Kimihurura Movement", owner: owner.token, client: client, slots: [])
            var desk = PageBrowser(client: client)
            _ = try await desk.post("/login", ["contact": try await fixture.email(of: owner.token, client: client), "password": "correct horse 9"], from: "/login")
            let classes = "/dashboard/\(gym.slug)/classes"

            var fields = [
                "name": "<b>Flow</b> & Stretch", "class_type": "yoga", "difficulty_level": "beginner", "duration_minutes": "50", "max_capacity": "14",
                "credits_required": "2", "description": "Slow, then slower.", "slots_1": "06:30", "slots_3": "6:30, 18:00", "slots_5": "25:00",
            ]
            let refused = try await desk.post(classes, fields, from: classes)
            #expect(refused.status == .badRequest && refused.text.contains("Friday: &#39;25:00&#39; is not a start time"), "\(refused.text)")
            #expect(refused.text.contains(#"value="&lt;b&gt;Flow&lt;/b&gt; &amp; Stretch""#), "what was typed comes back, escaped")
            #expect(try await fixture.store.catalog.tenant(slug: gym.slug)?.classes.count == 1, "nothing was added")

            fields["slots_5"] = ""
            let added = try await desk.post(classes, fields, from: classes)
            #expect(added.status == .seeOther && added.headers[.location]?.hasPrefix("\(classes)?added=") == true, "\(added.text)")
            let stored = try #require(try await fixture.store.catalog.tenant(slug: gym.slug)?.classes.first { $0.name == "<b>Flow</b> & Stretch" })
            #expect(stored.weeklySlots == [.init(weekday: 1, start: "06:30"), .init(weekday: 3, start: "06:30"), .init(weekday: 3, start: "18:00")])
            #expect(stored.durationMinutes == 50 && stored.maxCapacity == 14 && stored.difficultyLevel == .beginner)
            let list = try await desk.get(try #require(added.headers[.location]))
            #expect(list.text.contains("Mon 06:30, Wed 06:30, Wed 18:00") && list.text.contains("&lt;b&gt;Flow&lt;/b&gt; &amp; Stretch"), "\(list.text)")
            #expect(!list.text.contains("<b>Flow"))

            // The timetable moves to Fridays: Monday's and Wednesday's coming sessions go.
            var edit = fields
            edit["slots_1"] = ""
            edit["slots_3"] = ""
            edit["slots_5"] = "07:00"
            edit["is_active"] = "1"
            let editPath = "\(classes)/\(stored.id)"
            let saved = try await desk.post(editPath, edit, from: editPath)
            #expect(saved.status == .seeOther, "\(saved.text)")
            let notice = try await desk.get(try #require(saved.headers[.location]))
            #expect(notice.text.contains(#"data-testid="class-notice">Saved. 2 sessions added, 6 removed."#), "\(notice.text)")
            #expect(try await fixture.store.catalog.tenant(slug: gym.slug)?.classes.first { $0.id == stored.id }?.weeklySlots == [.init(weekday: 5, start: "07:00")])

            // A pack in Rwandan francs, which have no cents.
            let packs = "/dashboard/\(gym.slug)/packs"
            let cents = try await desk.post(packs, ["name": "Ten classes", "credits": "10", "price": "45000.50", "validity_days": "90"], from: packs)
            #expect(cents.status == .badRequest && cents.text.contains("an amount in RWF such as 5000"), "\(cents.status)")
            let pack = try await desk.post(packs, ["name": "Ten classes", "credits": "10", "price": "45 000", "validity_days": "90"], from: packs)
            #expect(pack.status == .seeOther, "\(pack.text)")
            let sold = try #require(try await fixture.store.packages.list(tenant: gym.id).first)
            #expect(sold.price == Money(cents: 45_000, currency: "RWF") && sold.credits == 10 && sold.validityDays == 90 && sold.isActive)
            let off = try await desk.post("\(packs)/\(sold.id)", ["name": "Ten classes", "credits": "10", "price": "42000", "validity_days": ""], from: packs)
            #expect(off.status == .seeOther)
            #expect(try await fixture.store.packages.list(tenant: gym.id).isEmpty, "off sale")
            let kept = try #require(try await fixture.store.packages.list(tenant: gym.id, includeInactive: true).first)
            #expect(kept.price.cents == 42_000 && kept.validityDays == nil)

            // The rules: an empty box is the platform's default.
            let settingsPath = "/dashboard/\(gym.slug)/settings"
            var settings = [
                "name": "Kimihurura Movement", "email": "not an email", "phone": "+250 788 000 000", "street": "KG 7 Ave", "city": "Kigali",
                "cancellation_window_hours": "4", "booking_window_hours": "", "late_cancel_policy": "refund",
            ]
            let badEmail = try await desk.post(settingsPath, settings, from: settingsPath)
            #expect(badEmail.status == .badRequest, "\(badEmail.status)")
            settings["email"] = "hello@kimihurura.rw"
            let ruled = try await desk.post(settingsPath, settings, from: settingsPath)
            #expect(ruled.status == .seeOther, "\(ruled.text)")
            let rules = try await fixture.store.catalog.settings(tenant: gym.id)
            #expect(rules.cancellationWindowHours == 4 && rules.bookingWindowHours == nil && rules.lateCancelPolicy == .refund)
            let tenant = try #require(try await fixture.store.catalog.tenant(slug: gym.slug)?.tenant)
            #expect(!tenant.marketplaceEnabled && tenant.email == "hello@kimihurura.rw", "an unticked box is off")

            // Payouts: nothing owed yet; the owner gives a bank account, shown by its last digits.
            let payouts = "/dashboard/\(gym.slug)/payouts"
            #expect(try await desk.get(payouts).text.contains("Nothing is owed right now."))
            let badAccount = try await desk.post("\(payouts)/account", ["method": "eft", "bank_name": "BK", "account_holder": "Kimihurura Movement Ltd", "account_number": "12ab", "branch_code": "BKIGRWRW"], from: payouts)
            #expect(badAccount.status == .badRequest && badAccount.text.contains("account_number must be 6 to 20 digits"))
            let account = try await desk.post("\(payouts)/account", [
                "method": "eft", "bank_name": "Bank of Kigali", "account_holder": "Kimihurura Movement Ltd", "account_number": "0004 0012 3456 78",
                "branch_code": "BKIGRWRW", "stripe_account_id": "",
            ], from: payouts)
            #expect(account.status == .seeOther, "\(account.text)")
            let shown = try await desk.get(payouts)
            #expect(shown.text.contains("Bank of Kigali account ending 5678") && !shown.text.contains("00040012345678"), "\(shown.text)")
        }
    }

    @Test("an owner invites an instructor, who accepts and works the desk but not the books, and is removed")
    func team() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let owner = try await fixture.member("owner", client: client)
            let gym = try await fixture.openGym("Remera Boxing", owner: owner.token, client: client)
            let coach = try await fixture.member("Coach", client: client)
            let coachEmail = try await fixture.email(of: coach.token, client: client)
            var desk = PageBrowser(client: client)
            _ = try await desk.post("/login", ["contact": try await fixture.email(of: owner.token, client: client), "password": "correct horse 9"], from: "/login")
            let staff = "/dashboard/\(gym.slug)/staff"
            #expect(try await desk.post("\(staff)/invites", ["contact": coachEmail, "role": "owner"], from: staff).status == .badRequest)
            let invited = try await desk.post("\(staff)/invites", ["contact": coachEmail, "role": "instructor"], from: staff)
            #expect(invited.status == .seeOther, "\(invited.text)")
            #expect(try await desk.get(staff).text.contains("<bdi dir=\"ltr\">\(coachEmail)</bdi> · instructor"))

            var coachBrowser = PageBrowser(client: client)
            _ = try await coachBrowser.post("/login", ["contact": coachEmail, "password": "correct horse 9"], from: "/login")
            let invitations = try await coachBrowser.get("/dashboard")
            #expect(invitations.text.contains("Remera Boxing invites you to its staff as instructor"), "\(invitations.text)")
            let invite = try #require(try await fixture.store.staff.invites(for: coach.id, now: fixture.clock.now).first)
            let accepted = try await coachBrowser.post("/dashboard/invites/\(invite.id)/accept", [:], from: "/dashboard")
            #expect(accepted.status == .seeOther && accepted.headers[.location] == "/dashboard/\(gym.slug)", "\(accepted.text)")
            let frontDesk = try await coachBrowser.get("/dashboard/\(gym.slug)")
            #expect(frontDesk.status == .ok && frontDesk.text.contains(">Members<") && !frontDesk.text.contains(">Analytics<"), "an instructor's tabs")
            #expect(try await coachBrowser.get("/dashboard/\(gym.slug)/members").status == .ok)
            for path in ["classes", "packs", "staff", "settings", "payouts", "analytics"] {
                #expect(try await coachBrowser.get("/dashboard/\(gym.slug)/\(path)").status == .forbidden, "\(path)")
            }

            let member = try await fixture.member("Uwase", universalCredits: 4, client: client)
            let session = try await fixture.addSession(gym, at: ServerFixture.start + 3 * 3_600, owner: owner.token, client: client)
            _ = try await client.json("/api/v1/marketplace/bookings", method: .post, token: member.token, body: ["class_schedule_id": session])
            let members = try await desk.get("/dashboard/\(gym.slug)/members?q=uwase")
            #expect(members.text.contains("Uwase Tester"), "\(members.text)")
            #expect(!(try await desk.get("/dashboard/\(gym.slug)/members?q=nobody")).text.contains("Uwase"))

            let removed = try await desk.post("\(staff)/\(coach.id)/remove", [:], from: staff)
            #expect(removed.status == .seeOther)
            #expect(try await fixture.store.staff.role(of: coach.id, at: gym.id) == nil)
            #expect(try await coachBrowser.get("/dashboard/\(gym.slug)").status == .forbidden)
        }
    }
}

extension GymManagementPagesTests {
    @Test("for gyms: the tiers with their commission, and open your gym from sign-up to the dashboard")
    func openYourGym() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            var browser = PageBrowser(client: client)
            let pitch = try await browser.get("/for-gyms")
            #expect(pitch.status == .ok && pitch.text.contains(#"href="/open-gym""#))
            for (tier, rate) in [("Starter", "20%"), ("Growth", "15%"), ("Pro", "12%"), ("Enterprise", "10%")] {
                #expect(pitch.text.contains("<th scope=\"row\">\(tier)</th><td>\(rate)</td>"), "\(tier)")
            }
            let anonymous = try await browser.get("/open-gym")
            #expect(anonymous.status == .seeOther && anonymous.headers[.location] == "/signup?next=/open-gym")

            // Signed up but the code not yet entered: the code first.
            let email = "ama-\(UUID().uuidString.prefix(6).lowercased())@example.com"
            _ = try await browser.post("/signup", ["first_name": "Ama", "last_name": "Uwimana", "contact": email, "password": "kigali hills 7", "next": "/open-gym"], from: "/signup")
            let area = try #require(fixture.services.areas.all.filter { $0.city == "Kigali" && $0.name != $0.city }.max { $0.population < $1.population })
            let fields = ["name": "Kacyiru Pilates Studio", "email": "hi@kacyiru-pilates.rw", "phone": "+250 788 123 456", "area": area.slug, "street": "KG 5 Ave 12", "marketplace_enabled": "1"]
            let early = try await browser.post("/open-gym", fields, from: "/open-gym")
            #expect(early.status == .seeOther && early.headers[.location] == "/verify?next=/open-gym")
            let user = try #require(try await fixture.store.accounts.credentials(email: email)?.userId)
            let code = try await fixture.outboxField("code", kind: "email_verification", user: user)
            _ = try await browser.post("/verify", ["code": code, "next": "/open-gym"], from: "/verify")

            var far = fields
            far["location"] = "6.5244,3.3792"
            let lagos = try await browser.post("/open-gym", far, from: "/open-gym")
            #expect(lagos.status == .badRequest && lagos.text.contains("more than 100 km from"), "a Lagos spot for a Kigali area")
            #expect(lagos.text.contains(#"value="Kacyiru Pilates Studio""#), "the form comes back as typed")
            let opened = try await browser.post("/open-gym", fields, from: "/open-gym")
            #expect(opened.status == .seeOther && opened.headers[.location] == "/dashboard/kacyiru-pilates-studio/classes?opened=1", "\(opened.text)")
            let gym = try #require(try await fixture.store.catalog.tenant(slug: "kacyiru-pilates-studio")?.tenant)
            #expect(gym.timezone == area.timezone && gym.address.city == "Kigali" && gym.address.suburb == area.name && gym.marketplaceEnabled)
            #expect(gym.location.lat == area.site.latitude && gym.location.lng == area.site.longitude)
            let welcome = try await browser.get("/dashboard/kacyiru-pilates-studio/classes?opened=1")
            #expect(welcome.text.contains("Kacyiru Pilates Studio is open. Add its first class") && welcome.text.contains(#"href="/dashboard">Dashboard<"#))
            let taken = try await browser.post("/open-gym", fields, from: "/open-gym")
            #expect(taken.status == .conflict && taken.text.contains("choose another slug"), "\(taken.status)")
        }
    }
}
