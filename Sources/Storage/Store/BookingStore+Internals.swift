import Booking
import Foundation

extension BookingStore {
    /// A session with what booking it needs, read with the session row locked.
    struct LockedSession {
        var facts: SessionFacts
        var classId: String
        var credits: Int
        var marketplaceEnabled: Bool
        var tier: SubscriptionTier
    }

    /// Locks the session's row until the transaction ends, then reads it, so no two bookings
    /// decide on the same count of spots. PostgreSQL takes the row lock first and reads in a
    /// second statement, which under READ COMMITTED sees everything committed before the lock
    /// was granted; SQLite's transaction already holds the database's write lock.
    static func lockedSession(_ id: String, on db: any SQLConnection) throws -> LockedSession {
        if db.dialect == .postgres {
            guard !(try db.query("SELECT id FROM class_schedules WHERE id = $1 FOR UPDATE", .text(id))).isEmpty else {
                throw StoreError.notFound("session")
            }
        }
        guard let row = try db.query(
            """
            SELECT s.id, s.tenant_id, s.class_id, s.start_time, s.end_time, s.capacity, s.available_spots, s.status,
                   s.booking_window_hours, s.cancellation_window_hours, c.credits_required, t.marketplace_enabled, t.subscription_tier,
                   (SELECT COUNT(*) FROM bookings b WHERE b.session_id = s.id AND b.status = 'waitlisted') AS waitlisted
            FROM class_schedules s JOIN classes c ON c.id = s.class_id JOIN tenants t ON t.id = s.tenant_id
            WHERE s.id = $1
            """, .text(id)
        ).first else { throw StoreError.notFound("session") }
        let capacity = try row.int("capacity")
        return try LockedSession(
            facts: SessionFacts(
                id: id, tenantId: row.text("tenant_id"), start: row.int64("start_time"), end: row.int64("end_time"),
                capacity: capacity, confirmed: capacity - row.int("available_spots"),
                waitlisted: row.int("waitlisted"), isCancelled: row["status"].text == "cancelled",
                bookingWindowHours: row.int("booking_window_hours"),
                cancellationWindowHours: row.int("cancellation_window_hours")
            ),
            classId: row.text("class_id"), credits: row.int("credits_required"),
            marketplaceEnabled: row["marketplace_enabled"].integer == 1,
            tier: row["subscription_tier"].text.flatMap(SubscriptionTier.init) ?? .starter
        )
    }

    static func lots(of member: String, on db: any SQLConnection) throws -> [CreditLot] {
        try db.query("SELECT id, tenant_id, remaining, expires_at FROM member_credits WHERE user_id = $1 AND remaining > 0", .text(member))
            .map { try CreditLot(id: $0.text("id"), tenantId: $0["tenant_id"].text, remaining: $0.int("remaining"), expiresAt: $0["expires_at"].integer) }
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

    /// Takes a spot and the credits for a booking already inserted: draws the lots, posts the
    /// ledger transaction and records both on the booking. Returns the marketplace fee.
    static func charge(
        bookingId: String, member: String, session: LockedSession, credits: Int, lots: [CreditLot], purpose: CreditRules.Purpose,
        creditValue: Money, rates: CommissionRates, now: Int64, on db: any SQLConnection
    ) throws -> Money? {
        try db.query(
            "UPDATE class_schedules SET available_spots = available_spots - 1, spots_updated_at = $2 WHERE id = $1 AND available_spots > 0",
            .text(session.facts.id), .integer(now)
        )
        // The session row is locked, so a spot the rules saw is still there; check anyway.
        guard db.changes == 1 else { throw StoreError.refused(.bookingConflict) }
        var fee: Money?
        var transactionId: String?
        if credits > 0 {
            guard let draws = CreditRules.draw(credits, from: lots, for: purpose, now: now) else {
                throw StoreError.refused(.insufficientCredits)
            }
            for draw in draws {
                try db.query("UPDATE member_credits SET remaining = remaining - $2 WHERE id = $1 AND remaining >= $2",
                             .text(draw.lotId), .integer(Int64(draw.credits)))
                guard db.changes == 1 else { throw StoreError.refused(.insufficientCredits) }
                try db.query("INSERT INTO booking_credit_draws (booking_id, lot_id, credits) VALUES ($1, $2, $3)",
                             .text(bookingId), .text(draw.lotId), .integer(Int64(draw.credits)))
            }
            let id = UUID().uuidString.lowercased()
            let transaction: LedgerTransaction
            switch purpose {
            case .direct(let tenant):
                transaction = LedgerEntries.directBooking(id: id, member: member, tenant: tenant, credits: credits, at: now)
            case .marketplace:
                let split = MarketplaceSplit(credits: credits, creditValue: creditValue, tier: session.tier, rates: rates)
                transaction = LedgerEntries.marketplaceBooking(
                    id: id, member: member, tenant: session.facts.tenantId, credits: credits, split: split, at: now
                )
                fee = split.commission
            }
            try post(transaction, on: db)
            transactionId = id
        }
        try db.query(
            """
            UPDATE bookings SET credits_charged = $2, marketplace_fee_cents = $3, currency = $4, ledger_transaction_id = $5
            WHERE id = $1
            """, .text(bookingId), .integer(Int64(credits)), SQLValue(fee?.cents), SQLValue(fee?.currency), SQLValue(transactionId)
        )
        return fee
    }

    /// Returns a booking's credits to the lots they came from and reverses its ledger
    /// transaction. Returns the credits refunded.
    static func refund(bookingId: String, ledgerTransaction: String?, now: Int64, on db: any SQLConnection) throws -> Int {
        var refunded = 0
        for draw in try db.query("SELECT lot_id, credits FROM booking_credit_draws WHERE booking_id = $1", .text(bookingId)) {
            try db.query("UPDATE member_credits SET remaining = remaining + $2 WHERE id = $1", .text(draw.text("lot_id")), draw["credits"])
            refunded += try draw.int("credits")
        }
        if let ledgerTransaction {
            try post(try transaction(ledgerTransaction, on: db).reversal(id: UUID().uuidString.lowercased(), kind: "refund", at: now), on: db)
        }
        return refunded
    }

    /// Gives a freed spot to the first waitlisted member who can pay, or closes the waitlist
    /// after the cut-off.
    static func promote(
        session: inout LockedSession, cutoff: Int64, creditValue: Money, rates: CommissionRates, now: Int64, on db: any SQLConnection
    ) throws -> BookingRules.Promotion {
        let waiting = try db.query(
            "SELECT id, user_id, is_marketplace FROM bookings WHERE session_id = $1 AND status = 'waitlisted' ORDER BY waitlist_seq",
            .text(session.facts.id)
        )
        var entries: [BookingRules.WaitlistEntry] = []
        var who: [String: (member: String, purpose: CreditRules.Purpose, lots: [CreditLot])] = [:]
        for row in waiting {
            let member = try row.text("user_id")
            let purpose: CreditRules.Purpose = row["is_marketplace"].integer == 1 ? .marketplace : .direct(tenantId: session.facts.tenantId)
            let lots = try lots(of: member, on: db)
            try who[row.text("id")] = (member, purpose, lots)
            entries.append(try .init(bookingId: row.text("id"), creditsAvailable: CreditRules.available(lots, for: purpose, now: now)))
        }
        let promotion = BookingRules.promote(waitlist: entries, price: session.credits, session: session.facts, now: now, cutoffSeconds: cutoff)
        if let promoted = promotion.promoted, let (member, purpose, lots) = who[promoted] {
            try db.query("UPDATE bookings SET status = 'confirmed', updated_at = $2 WHERE id = $1", .text(promoted), .integer(now))
            _ = try charge(bookingId: promoted, member: member, session: session, credits: session.credits, lots: lots,
                           purpose: purpose, creditValue: creditValue, rates: rates, now: now, on: db)
            session.facts.confirmed += 1
            session.facts.waitlisted -= 1
            try notify(member, "waitlist_promoted", promoted, now: now, on: db)
            try scheduleReminder(member, bookingId: promoted, start: session.facts.start, now: now, on: db)
        }
        for skipped in promotion.skipped { try notify(who[skipped]!.member, "waitlist_skipped_no_credits", skipped, now: now, on: db) }
        for closed in promotion.closed {
            try db.query("UPDATE bookings SET status = 'cancelled', cancel_reason = 'waitlist_closed', updated_at = $2 WHERE id = $1",
                         .text(closed), .integer(now))
            session.facts.waitlisted -= 1
            try notify(who[closed]!.member, "waitlist_closed", closed, now: now, on: db)
        }
        return promotion
    }

    // MARK: Ledger and outbox

    static func post(_ transaction: LedgerTransaction, on db: any SQLConnection) throws {
        try db.query(
            "INSERT INTO ledger_transactions (id, kind, reverses, created_at) VALUES ($1, $2, $3, $4)",
            .text(transaction.id), .text(transaction.kind), SQLValue(transaction.reverses), .integer(transaction.createdAt)
        )
        for (seq, posting) in transaction.postings.enumerated() {
            try db.query(
                "INSERT INTO ledger_postings (transaction_id, seq, account, unit, amount) VALUES ($1, $2, $3, $4, $5)",
                .text(transaction.id), .integer(Int64(seq)), .text(posting.account.name), .text(posting.unit.description),
                .integer(posting.amount)
            )
        }
    }

    static func transaction(_ id: String, on db: any SQLConnection) throws -> LedgerTransaction {
        guard let header = try db.query("SELECT kind, reverses, created_at FROM ledger_transactions WHERE id = $1", .text(id)).first else {
            throw StoreError.notFound("ledger transaction")
        }
        let postings = try db.query("SELECT account, unit, amount FROM ledger_postings WHERE transaction_id = $1 ORDER BY seq", .text(id))
            .map { row throws -> Posting in
                guard let unit = row["unit"].text.flatMap(LedgerUnit.init) else { throw StoreError.database("unknown ledger unit in \(id)") }
                return try Posting(LedgerAccount(row.text("account")), row.int64("amount"), unit)
            }
        do {
            return try LedgerTransaction(
                id: id, kind: header.text("kind"), postings: postings, reverses: header["reverses"].text,
                createdAt: header.int64("created_at")
            )
        } catch {
            throw StoreError.database("ledger transaction \(id) does not balance")
        }
    }

    /// An outbox row, written in the same transaction as the change it announces, delivered
    /// from `deliverAfter` (now unless later).
    static func notify(
        _ member: String, _ kind: String, _ bookingId: String, now: Int64, deliverAfter: Int64? = nil, on db: any SQLConnection
    ) throws {
        try db.query(
            """
            INSERT INTO outbox (id, user_id, kind, payload, deliver_after, status, created_at, booking_id)
            VALUES ($1, $2, $3, $4, $5, 'pending', $6, $7)
            """,
            .text(UUID().uuidString.lowercased()), .text(member), .text(kind), .text("{\"booking_id\":\"\(bookingId)\"}"),
            .integer(max(now, deliverAfter ?? now)), .integer(now), .text(bookingId)
        )
    }

    /// How long before class the reminder goes out.
    static let reminderLeadSeconds: Int64 = 2 * 3600

    /// A confirmed booking's reminder, due two hours before the start (none if that has passed).
    static func scheduleReminder(_ member: String, bookingId: String, start: Int64, now: Int64, on db: any SQLConnection) throws {
        let due = start - reminderLeadSeconds
        if due > now { try notify(member, "class_reminder", bookingId, now: now, deliverAfter: due, on: db) }
    }

    /// Withdraws a cancelled booking's reminder if it has not gone out.
    static func withdrawReminder(bookingId: String, on db: any SQLConnection) throws {
        try db.query(
            "UPDATE outbox SET status = 'withdrawn' WHERE booking_id = $1 AND kind = 'class_reminder' AND status = 'pending'", .text(bookingId)
        )
    }
}
