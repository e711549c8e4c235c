@testable import Booking
import Datasets
import Domain
import Testing

@Suite struct BookingRulesTests {
    static let hour: Int64 = 3600
    /// A 60-minute session starting at t = 1,000,000 with 10 spots.
    static func session(confirmed: Int = 0, waitlisted: Int = 0, cancelled: Bool = false) -> SessionFacts {
        SessionFacts(id: "s", tenantId: "gym", start: 1_000_000, end: 1_000_000 + hour, capacity: 10, confirmed: confirmed,
                     waitlisted: waitlisted, isCancelled: cancelled)
    }

    @Test func bookingWindowOpensAWeekBeforeAndClosesAtTheStart() {
        let s = Self.session()
        func book(at now: Int64) -> Result<BookingRules.BookDecision, BookingRefusal> {
            BookingRules.book(s, price: 2, creditsAvailable: 5, memberBookings: [], now: now)
        }
        #expect(book(at: s.start - 168 * Self.hour - 1) == .failure(.bookingNotYetOpen))
        #expect(book(at: s.start - 168 * Self.hour) == .success(.confirm(credits: 2)))
        #expect(book(at: s.start - 1) == .success(.confirm(credits: 2)))
        #expect(book(at: s.start) == .failure(.bookingWindowClosed))
        #expect(BookingRules.book(Self.session(cancelled: true), price: 2, creditsAvailable: 5, memberBookings: [], now: s.start - Self.hour)
            == .failure(.sessionCancelled))
    }

    @Test func fullSessionsWaitlistWithoutCharging() {
        let now = Self.session().start - 10 * Self.hour
        #expect(BookingRules.book(Self.session(confirmed: 9), price: 2, creditsAvailable: 2, memberBookings: [], now: now) == .success(.confirm(credits: 2)))
        #expect(BookingRules.book(Self.session(confirmed: 9), price: 2, creditsAvailable: 1, memberBookings: [], now: now) == .failure(.insufficientCredits))
        #expect(BookingRules.book(Self.session(confirmed: 10, waitlisted: 3), price: 2, creditsAvailable: 0, memberBookings: [], now: now)
            == .success(.waitlist(position: 4)))
    }

    @Test func aFullSessionIsClassFullOnceItsWaitlistClosesOrWhenTheMemberDeclinesIt() {
        let full = Self.session(confirmed: 10, waitlisted: 1)
        let cutoff = full.start - BookingRules.defaultPromotionCutoffSeconds
        #expect(BookingRules.book(full, price: 2, creditsAvailable: 5, memberBookings: [], now: cutoff - 1) == .success(.waitlist(position: 2)))
        #expect(BookingRules.book(full, price: 2, creditsAvailable: 5, memberBookings: [], now: cutoff) == .failure(.classFull))
        #expect(BookingRules.book(full, price: 2, creditsAvailable: 5, memberBookings: [], now: cutoff - 1, joinWaitlist: false)
            == .failure(.classFull))
        // With a spot left, declining the waitlist changes nothing.
        #expect(BookingRules.book(Self.session(confirmed: 9), price: 2, creditsAvailable: 5, memberBookings: [], now: cutoff, joinWaitlist: false)
            == .success(.confirm(credits: 2)))
    }

    @Test func oneActiveBookingPerSessionAndNoOverlaps() {
        let s = Self.session()
        let now = s.start - 10 * Self.hour
        func book(_ other: MemberBooking) -> Result<BookingRules.BookDecision, BookingRefusal> {
            BookingRules.book(s, price: 1, creditsAvailable: 5, memberBookings: [other], now: now)
        }
        #expect(book(MemberBooking(sessionId: "s", start: s.start, end: s.end, status: .waitlisted)) == .failure(.bookingConflict))
        #expect(book(MemberBooking(sessionId: "x", start: s.start + 1800, end: s.end + 1800, status: .confirmed)) == .failure(.bookingConflict))
        #expect(book(MemberBooking(sessionId: "x", start: s.start - 1800, end: s.start + 1, status: .checkedIn)) == .failure(.bookingConflict))
        // Back to back is fine, and so is anything cancelled.
        #expect(book(MemberBooking(sessionId: "x", start: s.end, end: s.end + Self.hour, status: .confirmed)) == .success(.confirm(credits: 1)))
        #expect(book(MemberBooking(sessionId: "s", start: s.start, end: s.end, status: .cancelled)) == .success(.confirm(credits: 1)))
    }

    @Test func cancellationRefundsOnlyBeforeTheWindow() {
        let s = Self.session()
        #expect(BookingRules.cancel(status: .confirmed, session: s, now: s.start - 24 * Self.hour - 1) == .success(.refund))
        #expect(BookingRules.cancel(status: .confirmed, session: s, now: s.start - 24 * Self.hour) == .success(.lateCancel))
        #expect(BookingRules.cancel(status: .confirmed, session: s, now: s.start - 1) == .success(.lateCancel))
        #expect(BookingRules.cancel(status: .confirmed, session: s, now: s.start) == .failure(.cancellationClosed))
        #expect(BookingRules.cancel(status: .waitlisted, session: s, now: s.start - Self.hour) == .success(.leaveWaitlist))
        for status in [BookingStatus.cancelled, .checkedIn, .completed, .noShow] {
            #expect(BookingRules.cancel(status: status, session: s, now: s.start - 48 * Self.hour) == .failure(.notCancellable))
        }
    }

    @Test func aGymThatForgivesLateCancellationsRefundsThemButNotAfterTheStart() {
        var s = Self.session()
        s.policy.lateCancelRefunds = true
        #expect(BookingRules.cancel(status: .confirmed, session: s, now: s.start - 1) == .success(.refund))
        #expect(BookingRules.cancel(status: .confirmed, session: s, now: s.start) == .failure(.cancellationClosed))
    }

    @Test func theNoShowLimitBlocksForItsDaysAfterTheLastAndCountsOnlyTheLast30Days() {
        let day: Int64 = 86_400, now: Int64 = 100 * 86_400
        let policy = GymPolicy(noShowLimit: 3, noShowBlockDays: 7)
        #expect(BookingRules.noShowBlock(noShowEnds: [now - 9 * day, now - 5 * day, now - 2 * day], policy: policy, now: now) == now + 5 * day)
        #expect(BookingRules.noShowBlock(noShowEnds: [now - 5 * day, now - 2 * day], policy: policy, now: now) == nil, "under the limit")
        #expect(BookingRules.noShowBlock(noShowEnds: [now - 40 * day, now - 5 * day, now - 2 * day], policy: policy, now: now) == nil,
                "a no-show older than 30 days does not count")
        #expect(BookingRules.noShowBlock(noShowEnds: [now - 20 * day, now - 15 * day, now - 10 * day], policy: policy, now: now) == nil,
                "the block ended 7 days after the last")
        #expect(BookingRules.noShowBlock(noShowEnds: Array(repeating: now - day, count: 9), policy: GymPolicy(), now: now) == nil, "no limit set")
    }

    @Test func promotionSkipsMembersWithoutCreditsAndStopsAtTheCutoff() {
        let s = Self.session(confirmed: 10, waitlisted: 3)
        let line = [
            BookingRules.WaitlistEntry(bookingId: "w1", creditsAvailable: 1),
            BookingRules.WaitlistEntry(bookingId: "w2", creditsAvailable: 3),
            BookingRules.WaitlistEntry(bookingId: "w3", creditsAvailable: 9),
        ]
        let early = BookingRules.promote(waitlist: line, price: 2, session: s, now: s.start - 3 * Self.hour)
        #expect(early == BookingRules.Promotion(promoted: "w2", skipped: ["w1"], closed: []))
        let nobody = BookingRules.promote(waitlist: Array(line.prefix(1)), price: 2, session: s, now: s.start - 3 * Self.hour)
        #expect(nobody == BookingRules.Promotion(promoted: nil, skipped: ["w1"], closed: []))
        let late = BookingRules.promote(waitlist: line, price: 2, session: s, now: s.start - 2 * Self.hour)
        #expect(late == BookingRules.Promotion(promoted: nil, skipped: [], closed: ["w1", "w2", "w3"]))
    }

    @Test func checkInRefusalsEachHaveTheirCode() {
        let s = Self.session()
        let tokens = CheckInToken(secret: Array(repeating: 7, count: 32))
        let claims = CheckInToken.Claims(bookingId: "b", sessionId: "s", tenantId: "gym", expiresAt: s.end)
        let good = tokens.verify(tokens.issue(claims) ?? "", now: s.start)
        func checkIn(
            status: BookingStatus = .confirmed, role: BookingRules.StaffRole? = .instructor, tenant: String = "gym",
            token: CheckInToken.Verdict? = nil, now: Int64 = 1_000_000
        ) -> BookingRefusal? {
            if case .failure(let refusal) = BookingRules.checkIn(
                bookingId: "b", status: status, session: s, staffRole: role, staffTenant: tenant, token: token ?? good, now: now
            ) { return refusal }
            return nil
        }
        #expect(checkIn() == nil)
        #expect(checkIn(role: .owner, now: s.start - 30 * 60) == nil)
        #expect(checkIn(now: s.end) == nil)
        #expect(checkIn(now: s.start - 30 * 60 - 1) == .checkInNotOpen)
        #expect(checkIn(now: s.end + 1) == .checkInClosed)
        #expect(checkIn(role: .member) == .forbidden)
        #expect(checkIn(role: nil) == .forbidden)
        #expect(checkIn(tenant: "other-gym") == .forbidden)
        #expect(checkIn(status: .cancelled) == .bookingCancelled)
        #expect(checkIn(status: .checkedIn) == .alreadyCheckedIn)
        #expect(checkIn(status: .waitlisted) == .notConfirmed)
        #expect(checkIn(token: .forged) == .invalidToken)
        #expect(checkIn(token: .expired) == .tokenExpired)
        let otherGym = CheckInToken.Claims(bookingId: "b", sessionId: "s", tenantId: "gym-b", expiresAt: s.end)
        #expect(checkIn(token: .valid(otherGym)) == .tokenForAnotherGym)
        let otherBooking = CheckInToken.Claims(bookingId: "b2", sessionId: "s", tenantId: "gym", expiresAt: s.end)
        #expect(checkIn(token: .valid(otherBooking)) == .invalidToken)
        #expect(Set(BookingRefusal.allCases.map(\.rawValue)).count == BookingRefusal.allCases.count, "codes are distinct")
    }

    /// An offline check-in is judged as of when it was made, whenever it syncs.
    @Test func offlineCheckInsFollowTheRulesAsOfTheirRecordedTime() {
        let s = Self.session()
        let mine = CheckInToken.Claims(bookingId: "b", sessionId: "s", tenantId: "gym", expiresAt: s.end)
        func sync(
            _ status: BookingStatus = .confirmed, code: CheckInToken.Verdict? = nil, at recorded: Int64, now: Int64
        ) -> BookingRules.OfflineCheckIn {
            BookingRules.offlineCheckIn(bookingId: "b", status: status, session: s, code: code, recordedAt: recorded, now: now)
        }
        let during = s.start + 60
        #expect(sync(at: during, now: during + 10) == .apply(.checkedIn))
        #expect(sync(code: .valid(mine), at: during, now: s.end + 3_600) == .apply(.completed), "synced after the class")
        #expect(sync(.noShow, at: during, now: s.end + 3_600) == .apply(.completed), "the sweep's no-show was wrong")
        #expect(sync(.noShow, at: s.end + 1, now: s.end + 3_600) == .refused(.checkInClosed))
        #expect(sync(.checkedIn, at: during, now: during) == .already)
        #expect(sync(.completed, at: during, now: s.end + 1) == .already)
        #expect(sync(.cancelled, at: during, now: during) == .refused(.bookingCancelled))
        #expect(sync(.waitlisted, at: during, now: during) == .refused(.notConfirmed))
        #expect(sync(at: s.start - 30 * 60 - 1, now: during) == .refused(.checkInNotOpen))
        #expect(sync(code: .forged, at: during, now: during) == .refused(.invalidToken))
        #expect(sync(code: .expired, at: during, now: during) == .refused(.tokenExpired))
        let otherGym = CheckInToken.Claims(bookingId: "b", sessionId: "s", tenantId: "gym-b", expiresAt: s.end)
        #expect(sync(code: .valid(otherGym), at: during, now: during) == .refused(.tokenForAnotherGym))
        #expect(sync(at: during + BookingRules.deviceClockSkewSeconds + 1, now: during) == .refused(.recordedInFuture))
        #expect(sync(at: during + BookingRules.deviceClockSkewSeconds, now: during) == .apply(.checkedIn))
    }

    @Test func settlementAfterTheEnd() {
        let s = Self.session()
        #expect(BookingRules.settle(status: .confirmed, session: s, now: s.end - 1) == nil)
        #expect(BookingRules.settle(status: .confirmed, session: s, now: s.end) == .noShow)
        #expect(BookingRules.settle(status: .checkedIn, session: s, now: s.end) == .completed)
        #expect(BookingRules.settle(status: .cancelled, session: s, now: s.end) == nil)
    }

    /// Random members booking and cancelling one session, applied the way a store applies
    /// them (one at a time, under the session's lock): capacity is never exceeded, the
    /// waitlist is FIFO, and the ledger stays balanced with nobody below zero.
    @Test(arguments: 1...4)
    func randomTrafficNeverOversells(seed: UInt64) throws {
        var rng = SeededRandom(seed: seed)
        var session = Self.session()
        var status: [String: BookingStatus] = [:]
        var queue: [String] = []
        var credits: [String: Int] = [:]
        var book = LedgerBook()
        var charges: [String: LedgerTransaction] = [:]
        var n = 0
        func nextId() -> String { n += 1; return "t\(n)" }
        let members = (0..<40).map { "m\($0)" }
        for member in members {
            let granted = rng.int(in: 0...6)
            credits[member] = granted
            if granted > 0 { try book.post(LedgerEntries.grantCredits(id: nextId(), member: member, tenant: "gym", credits: granted, payment: nil, at: 0)) }
        }
        let price = 2
        for step in 0..<600 {
            let now = session.start - 100 * Self.hour + Int64(step) * 600
            guard now < session.start else { break }
            let member = rng.element(of: members)
            if let current = status[member], current.isActive {
                switch BookingRules.cancel(status: current, session: session, now: now) {
                case .success(.leaveWaitlist):
                    status[member] = .cancelled
                    queue.removeAll { $0 == member }
                    session.waitlisted -= 1
                case .success(let decision):
                    status[member] = .cancelled
                    session.confirmed -= 1
                    if decision == .refund, let charge = charges.removeValue(forKey: member) {
                        try book.post(charge.reversal(id: nextId(), kind: "refund", at: now))
                        credits[member]! += price
                    }
                    let promotion = BookingRules.promote(
                        waitlist: queue.map { BookingRules.WaitlistEntry(bookingId: $0, creditsAvailable: credits[$0]!) },
                        price: price, session: session, now: now
                    )
                    if let promoted = promotion.promoted {
                        queue.removeAll { $0 == promoted }
                        session.waitlisted -= 1
                        session.confirmed += 1
                        status[promoted] = .confirmed
                        let charge = LedgerEntries.directBooking(id: nextId(), member: promoted, tenant: "gym", credits: price, at: now)
                        try book.post(charge)
                        charges[promoted] = charge
                        credits[promoted]! -= price
                    }
                case .failure:
                    break
                }
            } else {
                switch BookingRules.book(session, price: price, creditsAvailable: credits[member]!, memberBookings: [], now: now) {
                case .success(.confirm(let charge)):
                    session.confirmed += 1
                    status[member] = .confirmed
                    let transaction = LedgerEntries.directBooking(id: nextId(), member: member, tenant: "gym", credits: charge, at: now)
                    try book.post(transaction)
                    charges[member] = transaction
                    credits[member]! -= charge
                case .success(.waitlist(let position)):
                    #expect(position == queue.count + 1)
                    session.waitlisted += 1
                    queue.append(member)
                    status[member] = .waitlisted
                case .failure(let refusal):
                    // Short of credits, or full once the waitlist has closed.
                    let waitlistClosed = session.confirmed == session.capacity
                        && now >= session.start - BookingRules.defaultPromotionCutoffSeconds
                    #expect(refusal == (waitlistClosed ? .classFull : .insufficientCredits))
                }
            }
            #expect(session.confirmed <= session.capacity)
            #expect(session.confirmed == status.values.filter { $0 == .confirmed }.count)
            #expect(session.waitlisted == queue.count)
            for member in members {
                #expect(book.balance(.memberCredits(member, tenant: "gym"), .credits) == Int64(credits[member]!))
            }
            book._checkInvariants()
        }
    }
}
