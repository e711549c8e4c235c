public import Booking
import Datasets
import Foundation

/// The booking and credit core over a database: every operation is one transaction that reads
/// what the rules need with the session locked, asks `BookingRules`, and writes the booking,
/// the credit draws, the balanced ledger transaction and the outbox rows together, or nothing.
public final class BookingStore: Sendable {
    public let database: any Database
    /// What one credit is worth when a marketplace booking is paid for.
    public let creditValue: Money
    public let rates: CommissionRates
    public let promotionCutoffSeconds: Int64
    /// Signs and checks QR check-in tokens; nil until configured with a secret.
    public let checkInTokens: CheckInToken?
    /// Every committed change to a session's spots made through this store, for the search
    /// index (one consumer). A transaction that rolls back publishes nothing. Changes made by
    /// other processes arrive through `SessionChangeListener` on PostgreSQL.
    public let changes: AsyncStream<SessionChange>
    private let changeSink: AsyncStream<SessionChange>.Continuation

    public init(
        database: any Database, creditValue: Money = Money(cents: 5_000, currency: "ZAR"), rates: CommissionRates = .standard,
        promotionCutoffSeconds: Int64 = BookingRules.defaultPromotionCutoffSeconds, checkInSecret: [UInt8]? = nil
    ) {
        self.database = database
        self.creditValue = creditValue
        self.rates = rates
        self.promotionCutoffSeconds = promotionCutoffSeconds
        checkInTokens = checkInSecret.map(CheckInToken.init(secret:))
        (changes, changeSink) = AsyncStream.makeStream(of: SessionChange.self, bufferingPolicy: .bufferingNewest(100_000))
    }

    deinit {
        changeSink.finish()
    }

    /// Runs a transaction that may change sessions' spots, and publishes the changes it
    /// returns once it has committed.
    func changingSpots<T: Sendable>(_ body: @escaping @Sendable (any SQLConnection) throws -> (T, [SessionChange])) async throws -> T {
        let (result, changes) = try await database.transaction(body)
        for change in changes { changeSink.yield(change) }
        return result
    }

    /// Brings the schema up to date; returns the migrations applied.
    @discardableResult
    public func migrate(now: Int64) async throws -> [Int] {
        try await Migrations.apply(to: database, at: now)
    }

    // MARK: Members and credits

    public func createMember(email: String, firstName: String, lastName: String, now: Int64) async throws -> String {
        let id = UUID().uuidString.lowercased()
        try await database.transaction { db in
            try db.setContext(.system)
            try db.query(
                "INSERT INTO users (id, email, first_name, last_name, created_at) VALUES ($1, $2, $3, $4, $5)",
                .text(id), .text(email.lowercased()), .text(firstName), .text(lastName), .integer(now)
            )
        }
        return id
    }

    /// Adds a lot of credits for one gym (or universal when `tenant` is nil), bought for
    /// `payment` or granted free, and posts it to the ledger.
    @discardableResult
    public func grantCredits(
        member: String, tenant: String?, credits: Int, expiresAt: Int64? = nil, payment: Money? = nil, now: Int64
    ) async throws -> String {
        guard credits > 0 else { throw StoreError.invalid("credits must be at least 1") }
        let lot = UUID().uuidString.lowercased()
        try await database.transaction { db in
            try db.setContext(.system)
            try db.query(
                "INSERT INTO member_credits (id, user_id, tenant_id, remaining, expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                .text(lot), .text(member), SQLValue(tenant), .integer(Int64(credits)), SQLValue(expiresAt), .integer(now)
            )
            try Self.post(LedgerEntries.grantCredits(
                id: UUID().uuidString.lowercased(), member: member, tenant: tenant, credits: credits, payment: payment, at: now
            ), on: db)
        }
        return lot
    }

    /// The credits a member can spend now at `tenant` (or universally when nil).
    public func credits(member: String, tenant: String?, now: Int64) async throws -> Int {
        try await database.transaction { db in
            try db.setContext(.member(member))
            let lots = try Self.lots(of: member, on: db)
            return CreditRules.available(lots, for: tenant.map { .direct(tenantId: $0) } ?? .marketplace, now: now)
        }
    }

    // MARK: Booking

    /// Books `sessionId` for `member`: a direct booking paid with that gym's credits, or a
    /// marketplace booking paid with universal credits and split into commission and payout.
    public func book(member: String, sessionId: String, marketplace: Bool, joinWaitlist: Bool = true, now: Int64) async throws -> BookingOutcome {
        let creditValue = creditValue, rates = rates, cutoff = promotionCutoffSeconds
        return try await changingSpots { db in
            // The catalog is public: learn the session's gym, then act as this member at that gym.
            try db.setContext(.member(member))
            guard let tenant = try db.query("SELECT tenant_id FROM class_schedules WHERE id = $1", .text(sessionId)).first?["tenant_id"].text
            else { throw StoreError.notFound("session") }
            try db.setContext(.tenant(tenant, user: member))
            let session = try Self.lockedSession(sessionId, on: db)
            if marketplace && !session.marketplaceEnabled {
                throw StoreError.invalid("this gym does not take marketplace bookings")
            }
            let purpose: CreditRules.Purpose = marketplace ? .marketplace : .direct(tenantId: session.facts.tenantId)
            let lots = try Self.lots(of: member, on: db)
            let decision = BookingRules.book(
                session.facts, price: session.credits, creditsAvailable: CreditRules.available(lots, for: purpose, now: now),
                memberBookings: try Self.activeBookings(of: member, overlapping: session.facts, on: db), now: now,
                joinWaitlist: joinWaitlist, promotionCutoffSeconds: cutoff
            )
            let bookingId = UUID().uuidString.lowercased()
            switch decision {
            case .failure(let refusal):
                throw StoreError.refused(refusal)
            case .success(.waitlist(let position)):
                let seq = try db.one(
                    "UPDATE class_schedules SET waitlist_seq = waitlist_seq + 1 WHERE id = $1 RETURNING waitlist_seq", .text(sessionId)
                ).int64("waitlist_seq")
                try db.query(
                    """
                    INSERT INTO bookings (id, tenant_id, session_id, user_id, status, waitlist_seq, is_marketplace, created_at, updated_at)
                    VALUES ($1, $2, $3, $4, 'waitlisted', $5, $6, $7, $7)
                    """,
                    .text(bookingId), .text(session.facts.tenantId), .text(sessionId), .text(member), .integer(seq),
                    SQLValue(marketplace), .integer(now)
                )
                try Self.notify(member, "booking_waitlisted", bookingId, now: now, on: db)
                return (BookingOutcome(
                    bookingId: bookingId, tenantId: session.facts.tenantId, status: .waitlisted, waitlistPosition: position, creditsCharged: 0, marketplaceFee: nil,
                    spotsLeft: session.facts.spotsLeft
                ), [])
            case .success(.confirm(let credits)):
                try db.query(
                    """
                    INSERT INTO bookings (id, tenant_id, session_id, user_id, status, is_marketplace, created_at, updated_at)
                    VALUES ($1, $2, $3, $4, 'confirmed', $5, $6, $6)
                    """,
                    .text(bookingId), .text(session.facts.tenantId), .text(sessionId), .text(member), SQLValue(marketplace), .integer(now)
                )
                let fee = try Self.charge(
                    bookingId: bookingId, member: member, session: session, credits: credits, lots: lots, purpose: purpose,
                    creditValue: creditValue, rates: rates, now: now, on: db
                )
                try Self.notify(member, "booking_confirmed", bookingId, now: now, on: db)
                try Self.scheduleReminder(member, bookingId: bookingId, start: session.facts.start, now: now, on: db)
                return (BookingOutcome(
                    bookingId: bookingId, tenantId: session.facts.tenantId, status: .confirmed, waitlistPosition: nil, creditsCharged: credits, marketplaceFee: fee,
                    spotsLeft: session.facts.spotsLeft - 1
                ), [try Self.announce(sessionId, on: db)])
            }
        }
    }

    /// Cancels a member's booking: refunds in time, keeps the credits when late, and gives a
    /// freed spot to the first waitlisted member who can pay (or closes the waitlist after
    /// the cut-off).
    public func cancel(bookingId: String, member: String, reason: String?, now: Int64) async throws -> CancelOutcome {
        let creditValue = creditValue, rates = rates, cutoff = promotionCutoffSeconds
        return try await changingSpots { db in
            try db.setContext(.member(member))
            let rows = try db.query(
                "SELECT session_id, tenant_id, user_id, status, ledger_transaction_id FROM bookings WHERE id = $1", .text(bookingId)
            )
            // Another member's booking is as good as missing: never say whose it is.
            guard let found = rows.first, found["user_id"].text == member, let sessionId = found["session_id"].text,
                let tenant = found["tenant_id"].text
            else { throw StoreError.notFound("booking") }
            try db.setContext(.tenant(tenant, user: member))
            var session = try Self.lockedSession(sessionId, on: db)
            // Read the booking again under the session's lock: every change to a session's
            // bookings holds it, so this status cannot move (a promotion racing this cancel
            // would otherwise leave a confirmed spot cancelled as if it had been waitlisted).
            guard let row = try db.query("SELECT status, ledger_transaction_id FROM bookings WHERE id = $1", .text(bookingId)).first,
                let status = row["status"].text.flatMap(BookingStatus.init)
            else { throw StoreError.notFound("booking") }
            let decision: BookingRules.CancelDecision
            switch BookingRules.cancel(status: status, session: session.facts, now: now) {
            case .failure(let refusal): throw StoreError.refused(refusal)
            case .success(let d): decision = d
            }
            try db.query(
                "UPDATE bookings SET status = 'cancelled', cancel_reason = $2, updated_at = $3 WHERE id = $1",
                .text(bookingId), SQLValue(reason), .integer(now)
            )
            // The member's part is done; the refund and the promotion are the store's bookkeeping,
            // on other members' credits and the ledger too.
            try db.setContext(.system)
            var refunded = 0
            if decision == .refund { refunded = try Self.refund(bookingId: bookingId, ledgerTransaction: row["ledger_transaction_id"].text, now: now, on: db) }
            try Self.notify(member, "booking_cancelled", bookingId, now: now, on: db)
            try Self.withdrawReminder(bookingId: bookingId, on: db)
            guard decision != .leaveWaitlist else {
                return (CancelOutcome(decision: decision, creditsRefunded: 0, promoted: nil, skipped: [], closed: [], spotsLeft: session.facts.spotsLeft), [])
            }
            try db.query(
                "UPDATE class_schedules SET available_spots = available_spots + 1, spots_updated_at = $2 WHERE id = $1",
                .text(sessionId), .integer(now)
            )
            session.facts.confirmed -= 1
            let promotion = try Self.promote(session: &session, cutoff: cutoff, creditValue: creditValue, rates: rates, now: now, on: db)
            return (CancelOutcome(
                decision: decision, creditsRefunded: refunded, promoted: promotion.promoted, skipped: promotion.skipped,
                closed: promotion.closed, spotsLeft: session.facts.spotsLeft
            ), [try Self.announce(sessionId, on: db)])
        }
    }

    public func booking(id: String) async throws -> BookingRecord {
        try await database.transaction { db in
            try db.setContext(.system)
            guard let row = try db.query(
                "SELECT id, tenant_id, session_id, user_id, status, credits_charged, is_marketplace FROM bookings WHERE id = $1", .text(id)
            ).first, let status = row["status"].text.flatMap(BookingStatus.init) else { throw StoreError.notFound("booking") }
            return try BookingRecord(
                id: id, tenantId: row.text("tenant_id"), sessionId: row.text("session_id"), userId: row.text("user_id"),
                status: status, creditsCharged: Int(row["credits_charged"].integer ?? 0), isMarketplace: row["is_marketplace"].integer == 1
            )
        }
    }

    /// The spots left of a session, as the store has them.
    public func spotsLeft(sessionId: String) async throws -> Int {
        try await database.transaction { db in
            try db.setContext(.system)
            guard let row = try db.query("SELECT available_spots FROM class_schedules WHERE id = $1", .text(sessionId)).first else {
                throw StoreError.notFound("session")
            }
            return try row.int("available_spots")
        }
    }
}
