import Booking
import Foundation
import SQL

/// Taking and giving back a booking's spot and credits, inside a booking's transaction: the
/// credit draws, the balanced ledger transaction, the promotion of the waitlist.
enum Charges {
    /// A member's lots with credits left.
    static func lots(of member: String, on db: any SQLConnection) throws -> [CreditLot] {
        try db.query("SELECT id, tenant_id, remaining, expires_at, currency FROM member_credits WHERE user_id = $1 AND remaining > 0", .text(member))
            .map {
                try CreditLot(
                    id: $0.text("id"), tenantId: $0["tenant_id"].text, remaining: $0.int("remaining"), expiresAt: $0["expires_at"].integer,
                    currency: $0["currency"].text
                )
            }
    }

    /// Takes a spot and the credits for a booking already inserted: draws the lots, posts the
    /// ledger transaction and records both on the booking. Returns the marketplace fee.
    static func charge(
        bookingId: String, member: String, session: LockedSession, credits: Int, lots: [CreditLot], purpose: CreditRules.Purpose,
        currencies: Currencies, rates: CommissionRates, now: Int64, on db: any SQLConnection
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
                // Priced in the gym's currency; the liability released in each currency the
                // credits drawn were bought in.
                let gymCurrency = currencies.gymCurrency(country: session.country, configured: session.currency)
                let split = MarketplaceSplit(credits: credits, creditValue: currencies.creditValue(in: gymCurrency)!, tier: session.tier, rates: rates)
                let bought = Dictionary(lots.map { ($0.id, $0.currency ?? currencies.base.currency) }, uniquingKeysWith: { a, _ in a })
                var released: [String: Int64] = [:]
                for draw in draws {
                    let value = currencies.creditValue(in: bought[draw.lotId] ?? currencies.base.currency) ?? currencies.base
                    released[value.currency, default: 0] += Int64(draw.credits) * value.cents
                }
                transaction = LedgerEntries.marketplaceBooking(
                    id: id, member: member, tenant: session.facts.tenantId, credits: credits, split: split,
                    released: released.sorted { $0.key < $1.key }.map { Money(cents: $0.value, currency: $0.key) }, at: now
                )
                fee = split.commission
            }
            try LedgerRows.post(transaction, on: db)
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
            try LedgerRows.post(try LedgerRows.transaction(ledgerTransaction, on: db).reversal(id: UUID().uuidString.lowercased(), kind: "refund", at: now), on: db)
        }
        return refunded
    }

    /// Gives a freed spot to the first waitlisted member who can pay, or closes the waitlist
    /// after the cut-off.
    static func promote(
        session: inout LockedSession, cutoff: Int64, currencies: Currencies, rates: CommissionRates, now: Int64, on db: any SQLConnection
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
        let promotion = BookingRules.promote(
            waitlist: entries, price: session.credits, session: session.facts, now: now, cutoffSeconds: session.facts.policy.waitlistCutoffSeconds ?? cutoff
        )
        if let promoted = promotion.promoted, let (member, purpose, lots) = who[promoted] {
            try db.query("UPDATE bookings SET status = 'confirmed', updated_at = $2 WHERE id = $1", .text(promoted), .integer(now))
            _ = try charge(bookingId: promoted, member: member, session: session, credits: session.credits, lots: lots,
                           purpose: purpose, currencies: currencies, rates: rates, now: now, on: db)
            session.facts.confirmed += 1
            session.facts.waitlisted -= 1
            try OutboxRows.notify(member, "waitlist_promoted", promoted, now: now, on: db)
            try GymMessages.tell(
                GymMessages.waitlistPromotion, booking: promoted, member: member, session: session.facts.id, tenant: session.facts.tenantId, now: now, on: db
            )
            try OutboxRows.scheduleReminder(member, bookingId: promoted, start: session.facts.start, now: now, on: db)
        }
        for skipped in promotion.skipped { try OutboxRows.notify(who[skipped]!.member, "waitlist_skipped_no_credits", skipped, now: now, on: db) }
        for closed in promotion.closed {
            try db.query("UPDATE bookings SET status = 'cancelled', cancel_reason = 'waitlist_closed', updated_at = $2 WHERE id = $1",
                         .text(closed), .integer(now))
            session.facts.waitlisted -= 1
            try OutboxRows.notify(who[closed]!.member, "waitlist_closed", closed, now: now, on: db)
        }
        return promotion
    }
}
