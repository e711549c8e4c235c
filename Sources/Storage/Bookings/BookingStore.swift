public import Booking
import Datasets
import Domain
import Foundation
import SQL

/// Booking, cancelling and checking in: every operation is one transaction that reads what the
/// rules need with the session locked, asks `BookingRules`, and writes the booking, the credit
/// draws, the balanced ledger transaction and the outbox rows together, or nothing.
public struct BookingStore: Sendable {
    let database: any Database
    let feed: ChangeFeed
    /// What one credit is worth in each currency, and which currency each gym is paid in.
    public let currencies: Currencies
    public let rates: CommissionRates
    public let promotionCutoffSeconds: Int64
    /// Signs and checks QR check-in tokens; nil until configured with a secret.
    public let checkInTokens: CheckInToken?
}

extension BookingStore {
    /// What one universal credit is worth in the platform's currency.
    public var creditValue: Money { currencies.base }

    /// Books `sessionId` for `member`: a direct booking paid with that gym's credits, or a
    /// marketplace booking paid with universal credits and split into commission and payout.
    /// - Parameters:
    ///   - statedCredits: what the member's app said the booking costs; refused as
    ///     `creditsMismatch` when it is not the session's price, so nobody pays what they did not see.
    ///   - idempotencyKey: the app's key for this request (`Idempotency-Key`): a retry with the same
    ///     key and the same request books nothing and answers with the booking the first made;
    ///     with another request it is refused. Kept a week; a refused request keeps no key.
    public func book(
        member: String, sessionId: String, marketplace: Bool, joinWaitlist: Bool = true, statedCredits: Int? = nil,
        idempotencyKey: String? = nil, now: Int64
    ) async throws -> BookingOutcome {
        if let key = idempotencyKey, key.isEmpty || key.count > 255 { throw StoreError.invalid("Idempotency-Key must be 1 to 255 characters") }
        let currencies = currencies, rates = rates, cutoff = promotionCutoffSeconds
        let request = "\(sessionId)|\(marketplace)|\(joinWaitlist)|\(statedCredits.map(String.init) ?? "-")"
        return try await feed.transaction(on: database) { db in
            // The catalog is public: learn the session's gym, then act as this member at that gym.
            try db.setContext(.member(member))
            if let key = idempotencyKey, let earlier = try Self.claim(key, for: request, member: member, now: now, on: db) {
                return (try Self.replay(earlier, on: db), [])
            }
            guard let tenant = try db.query("SELECT tenant_id FROM class_schedules WHERE id = $1", .text(sessionId)).first?["tenant_id"].text
            else { throw StoreError.notFound("session") }
            try db.setContext(.tenant(tenant, user: member))
            let session = try LockedSession.read(sessionId, on: db)
            if marketplace && !session.marketplaceEnabled {
                throw StoreError.invalid("this gym does not take marketplace bookings")
            }
            if let statedCredits, statedCredits != session.credits { throw StoreError.refused(.creditsMismatch) }
            try Self.requireWelcome(member, at: session.facts, now: now, on: db)
            let purpose: CreditRules.Purpose = marketplace ? .marketplace : .direct(tenantId: session.facts.tenantId)
            let lots = try Charges.lots(of: member, on: db)
            let decision = BookingRules.book(
                session.facts, price: session.credits, creditsAvailable: CreditRules.available(lots, for: purpose, now: now),
                memberBookings: try Self.activeBookings(of: member, overlapping: session.facts, on: db), now: now,
                joinWaitlist: joinWaitlist, promotionCutoffSeconds: session.facts.policy.waitlistCutoffSeconds ?? cutoff
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
                try OutboxRows.notify(member, "booking_waitlisted", bookingId, now: now, on: db)
                try Self.record(bookingId, under: idempotencyKey, member: member, on: db)
                return (BookingOutcome(
                    bookingId: bookingId, tenantId: session.facts.tenantId, status: .waitlisted, waitlistPosition: position, creditsCharged: 0, marketplaceFee: nil,
                    spotsLeft: session.facts.spotsLeft, booking: try Self.details(bookingId, on: db)
                ), [])
            case .success(.confirm(let credits)):
                try db.query(
                    """
                    INSERT INTO bookings (id, tenant_id, session_id, user_id, status, is_marketplace, created_at, updated_at)
                    VALUES ($1, $2, $3, $4, 'confirmed', $5, $6, $6)
                    """,
                    .text(bookingId), .text(session.facts.tenantId), .text(sessionId), .text(member), SQLValue(marketplace), .integer(now)
                )
                let fee = try Charges.charge(
                    bookingId: bookingId, member: member, session: session, credits: credits, lots: lots, purpose: purpose,
                    currencies: currencies, rates: rates, now: now, on: db
                )
                try OutboxRows.notify(member, "booking_confirmed", bookingId, now: now, on: db)
                try GymMessages.tell(GymMessages.newBooking, booking: bookingId, member: member, session: sessionId, tenant: session.facts.tenantId, now: now, on: db)
                try OutboxRows.scheduleReminder(member, bookingId: bookingId, start: session.facts.start, now: now, on: db)
                try Self.record(bookingId, under: idempotencyKey, member: member, on: db)
                return (BookingOutcome(
                    bookingId: bookingId, tenantId: session.facts.tenantId, status: .confirmed, waitlistPosition: nil, creditsCharged: credits, marketplaceFee: fee,
                    spotsLeft: session.facts.spotsLeft - 1, booking: try Self.details(bookingId, on: db)
                ), [try CatalogChange.announceSession(sessionId, on: db)])
            }
        }
    }

    /// Takes `key` for this request, or finds it taken: nil when it is new (this transaction now
    /// holds it: a concurrent retry waits, then finds it answered), else the booking the
    /// earlier request made. The same key for another request is refused.
    private static func claim(_ key: String, for request: String, member: String, now: Int64, on db: any SQLConnection) throws -> String? {
        try db.query(
            "INSERT INTO booking_requests (user_id, key, request_hash, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, key) DO NOTHING",
            .text(member), .text(key), .text(request), .integer(now)
        )
        guard db.changes == 0 else { return nil }
        let known = try db.one("SELECT request_hash, booking_id FROM booking_requests WHERE user_id = $1 AND key = $2", .text(member), .text(key))
        guard known["request_hash"].text == request else {
            throw StoreError.unprocessable("Idempotency-Key was already used with a different booking request")
        }
        // A key is committed only with the booking it made.
        return try known.text("booking_id")
    }

    private static func record(_ booking: String, under key: String?, member: String, on db: any SQLConnection) throws {
        guard let key else { return }
        try db.query("UPDATE booking_requests SET booking_id = $3 WHERE user_id = $1 AND key = $2", .text(member), .text(key), .text(booking))
    }

    /// The answer to a retried request: the booking it made, as it is now.
    private static func replay(_ bookingId: String, on db: any SQLConnection) throws -> BookingOutcome {
        let booking = try details(bookingId, on: db)
        let spots = try db.one("SELECT available_spots FROM class_schedules WHERE id = $1", .text(booking.sessionId)).int("available_spots")
        return BookingOutcome(
            bookingId: bookingId, tenantId: booking.tenantId, status: booking.status, waitlistPosition: nil, creditsCharged: 0,
            marketplaceFee: nil, spotsLeft: spots, booking: booking, replayed: true
        )
    }

    /// Cancels a member's booking: refunds in time, keeps the credits when late, and gives a
    /// freed spot to the first waitlisted member who can pay (or closes the waitlist after
    /// the cut-off).
    public func cancel(bookingId: String, member: String, reason: String?, now: Int64) async throws -> CancelOutcome {
        let currencies = currencies, rates = rates, cutoff = promotionCutoffSeconds
        return try await feed.transaction(on: database) { db in
            try db.setContext(.member(member))
            let rows = try db.query(
                "SELECT session_id, tenant_id, user_id, status, ledger_transaction_id FROM bookings WHERE id = $1", .text(bookingId)
            )
            // Another member's booking is as good as missing: never say whose it is.
            guard let found = rows.first, found["user_id"].text == member, let sessionId = found["session_id"].text,
                let tenant = found["tenant_id"].text
            else { throw StoreError.notFound("booking") }
            try db.setContext(.tenant(tenant, user: member))
            var session = try LockedSession.read(sessionId, on: db)
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
            if decision == .refund { refunded = try Charges.refund(bookingId: bookingId, ledgerTransaction: row["ledger_transaction_id"].text, now: now, on: db) }
            try OutboxRows.notify(member, "booking_cancelled", bookingId, now: now, on: db)
            try OutboxRows.withdrawReminder(bookingId: bookingId, on: db)
            guard decision != .leaveWaitlist else {
                return (CancelOutcome(decision: decision, creditsRefunded: 0, promoted: nil, skipped: [], closed: [], spotsLeft: session.facts.spotsLeft), [])
            }
            try GymMessages.tell(GymMessages.cancellation, booking: bookingId, member: member, session: sessionId, tenant: tenant, now: now, on: db)
            try db.query(
                "UPDATE class_schedules SET available_spots = available_spots + 1, spots_updated_at = $2 WHERE id = $1",
                .text(sessionId), .integer(now)
            )
            session.facts.confirmed -= 1
            let promotion = try Charges.promote(session: &session, cutoff: cutoff, currencies: currencies, rates: rates, now: now, on: db)
            return (CancelOutcome(
                decision: decision, creditsRefunded: refunded, promoted: promotion.promoted, skipped: promotion.skipped,
                closed: promotion.closed, spotsLeft: session.facts.spotsLeft
            ), [try CatalogChange.announceSession(sessionId, on: db)])
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

    /// Refuses a member the gym has blocked, or one its no-show policy keeps out for now.
    static func requireWelcome(_ member: String, at session: SessionFacts, now: Int64, on db: any SQLConnection) throws {
        if !(try db.query("SELECT 1 FROM member_blocks WHERE tenant_id = $1 AND user_id = $2", .text(session.tenantId), .text(member))).isEmpty {
            throw StoreError.refused(.memberBlocked)
        }
        guard session.policy.noShowLimit != nil else { return }
        let ends = try db.query(
            """
            SELECT s.end_time FROM bookings b JOIN class_schedules s ON s.id = b.session_id
            WHERE b.tenant_id = $1 AND b.user_id = $2 AND b.status = 'no_show' AND s.end_time > $3
            """, .text(session.tenantId), .text(member), .integer(now - GymPolicy.noShowPeriodSeconds)
        ).map { try $0.int64("end_time") }
        if BookingRules.noShowBlock(noShowEnds: ends, policy: session.policy, now: now) != nil { throw StoreError.refused(.noShowLimit) }
    }

    /// The member's active bookings on this session or overlapping it in time.
    static func activeBookings(of member: String, overlapping session: SessionFacts, on db: any SQLConnection) throws -> [MemberBooking] {
        try db.query(
            """
            SELECT b.session_id, s.start_time, s.end_time, b.status FROM bookings b JOIN class_schedules s ON s.id = b.session_id
            WHERE b.user_id = $1 AND b.status IN ('confirmed', 'waitlisted', 'checked_in')
              AND (b.session_id = $2 OR (s.start_time < $3 AND s.end_time > $4))
            """, .text(member), .text(session.id), .integer(session.end), .integer(session.start)
        ).map {
            try MemberBooking(sessionId: $0.text("session_id"), start: $0.int64("start_time"), end: $0.int64("end_time"),
                          status: $0.value("status", as: BookingStatus.self))
        }
    }
}
