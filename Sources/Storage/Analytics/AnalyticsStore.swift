import Booking
import Datasets
import Domain
import Foundation

/// How a gym did over a period of sessions: what owners read on their dashboard.
public struct GymAnalytics: Codable, Equatable, Sendable {
    public var from: Int64
    public var to: Int64
    public var sessions: Int
    public var cancelledSessions: Int
    /// Bookings by status, every status present (zero when none).
    public var bookingsByStatus: [String: Int]
    /// Spots taken (confirmed, checked in, completed, no-show) over the spots of the sessions held.
    public var fillRate: Double
    /// No-shows over the settled bookings (completed and no-show).
    public var noShowRate: Double
    /// Cancelled inside the cancellation window: the member kept nothing back.
    public var lateCancels: Int
    public var marketplaceBookings: Int
    public var directBookings: Int
    /// Marketplace bookings over all bookings that took a spot.
    public var marketplaceShare: Double
    /// Money from marketplace bookings, net of refunds, per currency.
    public var money: [MoneyLine]
    public var popularClasses: [ClassLine]
    /// Local hours of the day (in the gym's time zone) by bookings.
    public var popularHours: [HourLine]
    /// The gym's own packs sold and refunded in the period (by when they were paid and
    /// refunded, not by session), per currency.
    public var packSales: [SalesLine] = []
    /// Week by week (weeks start on the gym's Monday): what the fill and no-show rates chart.
    public var weeks: [WeekLine] = []
    /// Bookings that took a spot, by the local weekday and hour their session starts: the heat
    /// map. Only slots with bookings are listed.
    public var slots: [SlotLine] = []
    /// `money` month by month (by the local month the sessions started), per currency.
    public var months: [MonthLine] = []

    public struct WeekLine: Codable, Equatable, Sendable {
        /// The local Monday the week starts on, `YYYY-MM-DD`.
        public var weekStart: String
        public var sessions: Int
        public var capacity: Int
        /// Spots taken: confirmed, checked in, completed and no-show bookings.
        public var taken: Int
        public var noShows: Int
        /// Completed and no-show bookings.
        public var settled: Int
        public var fillRate: Double
        public var noShowRate: Double
    }

    public struct SlotLine: Codable, Equatable, Sendable {
        /// 1 is Monday, 7 Sunday.
        public var weekday: Int
        public var hour: Int
        public var bookings: Int
    }

    public struct MonthLine: Codable, Equatable, Sendable {
        /// `YYYY-MM`.
        public var month: String
        public var currency: String
        public var grossCents: Int64
        public var commissionCents: Int64
        public var payoutCents: Int64
    }

    public struct SalesLine: Codable, Equatable, Sendable {
        public var currency: String
        public var packsSold: Int
        public var soldCents: Int64
        public var refunds: Int
        public var refundedCents: Int64
        public var refundedCredits: Int
    }

    public struct MoneyLine: Codable, Equatable, Sendable {
        public var currency: String
        public var grossCents: Int64
        public var commissionCents: Int64
        public var payoutCents: Int64
    }

    public struct ClassLine: Codable, Equatable, Sendable {
        public var classId: String
        public var name: String
        public var bookings: Int
        public var fillRate: Double
    }

    public struct HourLine: Codable, Equatable, Sendable {
        public var hour: Int
        public var bookings: Int
    }
}

/// What gyms read on their dashboard.
public struct AnalyticsStore: Sendable {
    let database: any Database
}

extension AnalyticsStore {
    /// The analytics of a gym's sessions starting in [`from`, `to`). Only its owner and admins
    /// may read them.
    public func analytics(tenant: String, staff: String, from: Int64, to: Int64) async throws -> GymAnalytics {
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: staff))
            try Authorization.requireManager(staff, of: tenant, on: db)
            let clock = try db.query("SELECT timezone FROM tenants WHERE id = $1", .text(tenant)).first?["timezone"].text
                .map(ZoneClock.init(zoneOrUTC:)) ?? ZoneClock(zoneOrUTC: "UTC")
            struct Session { var classId: String; var name: String; var start: Int64; var capacity: Int; var cancelled: Bool }
            var sessions: [String: Session] = [:]
            for row in try db.query(
                """
                SELECT s.id, s.class_id, c.name, s.start_time, s.capacity, s.status FROM class_schedules s
                JOIN classes c ON c.id = s.class_id WHERE s.tenant_id = $1 AND s.start_time >= $2 AND s.start_time < $3
                """, .text(tenant), .integer(from), .integer(to)
            ) {
                try sessions[row.text("id")] = Session(
                    classId: row.text("class_id"), name: row.text("name"), start: row.int64("start_time"),
                    capacity: row.int("capacity"), cancelled: try row.value("status", as: SessionStatus.self) == .cancelled
                )
            }
            var result = GymAnalytics(
                from: from, to: to, sessions: sessions.values.filter { !$0.cancelled }.count,
                cancelledSessions: sessions.values.filter(\.cancelled).count,
                bookingsByStatus: Dictionary(uniqueKeysWithValues: BookingStatus.allCases.map { ($0.rawValue, 0) }), fillRate: 0,
                noShowRate: 0, lateCancels: 0, marketplaceBookings: 0, directBookings: 0, marketplaceShare: 0, money: [],
                popularClasses: [], popularHours: []
            )
            let spotTaking: Set<String> = ["confirmed", "checked_in", "completed", "no_show"]
            var byClass: [String: (name: String, bookings: Int, capacity: Int)] = [:]
            var weeks: [Int64: GymAnalytics.WeekLine] = [:]
            func week(_ start: Int64) -> Int64 {
                let day = clock.localDay(at: start)
                return day - Int64(CivilTime.weekday(days: day) - 1)
            }
            for session in sessions.values where !session.cancelled {
                byClass[session.classId, default: (session.name, 0, 0)].capacity += session.capacity
                let monday = week(session.start)
                weeks[monday, default: .init(
                    weekStart: String(ISO8601.format(monday * 86_400).prefix(10)), sessions: 0, capacity: 0, taken: 0, noShows: 0, settled: 0,
                    fillRate: 0, noShowRate: 0
                )].sessions += 1
                weeks[monday]?.capacity += session.capacity
            }
            var byHour: [Int: Int] = [:]
            var bySlot: [Int: Int] = [:]
            for row in try db.query(
                """
                SELECT b.session_id, b.status, b.is_marketplace FROM bookings b JOIN class_schedules s ON s.id = b.session_id
                WHERE b.tenant_id = $1 AND s.start_time >= $2 AND s.start_time < $3
                """, .text(tenant), .integer(from), .integer(to)
            ) {
                let status = try row.text("status")
                result.bookingsByStatus[status, default: 0] += 1
                guard spotTaking.contains(status), let session = sessions[try row.text("session_id")] else { continue }
                if row["is_marketplace"].integer == 1 { result.marketplaceBookings += 1 } else { result.directBookings += 1 }
                byClass[session.classId, default: (session.name, 0, 0)].bookings += 1
                let hour = Self.localHour(session.start, clock), weekday = CivilTime.weekday(days: clock.localDay(at: session.start))
                byHour[hour, default: 0] += 1
                bySlot[weekday * 24 + hour, default: 0] += 1
                // A spot-taking booking belongs to a held session, whose week is listed.
                let monday = week(session.start)
                weeks[monday]?.taken += 1
                if status == "no_show" { weeks[monday]?.noShows += 1 }
                if status == "no_show" || status == "completed" { weeks[monday]?.settled += 1 }
            }
            let taken = spotTaking.reduce(0) { $0 + result.bookingsByStatus[$1, default: 0] }
            let capacity = byClass.values.reduce(0) { $0 + $1.capacity }
            result.fillRate = capacity == 0 ? 0 : Double(taken) / Double(capacity)
            let settled = result.bookingsByStatus["completed", default: 0] + result.bookingsByStatus["no_show", default: 0]
            result.noShowRate = settled == 0 ? 0 : Double(result.bookingsByStatus["no_show", default: 0]) / Double(settled)
            result.marketplaceShare = taken == 0 ? 0 : Double(result.marketplaceBookings) / Double(taken)
            result.popularClasses = byClass.map { id, line in
                GymAnalytics.ClassLine(classId: id, name: line.name, bookings: line.bookings, fillRate: line.capacity == 0 ? 0 : Double(line.bookings) / Double(line.capacity))
            }.sorted { ($0.bookings, $1.name) > ($1.bookings, $0.name) }.prefix(5).map { $0 }
            result.popularHours = byHour.map { GymAnalytics.HourLine(hour: $0.key, bookings: $0.value) }
                .sorted { ($0.bookings, -$0.hour) > ($1.bookings, -$1.hour) }.prefix(5).map { $0 }
            result.slots = bySlot.keys.sorted().map { GymAnalytics.SlotLine(weekday: $0 / 24, hour: $0 % 24, bookings: bySlot[$0]!) }
            result.weeks = weeks.keys.sorted().map { key in
                var line = weeks[key]!
                line.fillRate = line.capacity == 0 ? 0 : Double(line.taken) / Double(line.capacity)
                line.noShowRate = line.settled == 0 ? 0 : Double(line.noShows) / Double(line.settled)
                return line
            }

            // Late cancels and money come from the ledger: the store's own to read.
            try db.setContext(.system)
            let charges = """
                SELECT b.ledger_transaction_id FROM bookings b JOIN class_schedules s ON s.id = b.session_id
                WHERE b.tenant_id = $1 AND s.start_time >= $2 AND s.start_time < $3 AND b.ledger_transaction_id IS NOT NULL
                """
            result.lateCancels = Int(try db.query(
                """
                SELECT COUNT(*) AS n FROM bookings b JOIN class_schedules s ON s.id = b.session_id
                WHERE b.tenant_id = $1 AND s.start_time >= $2 AND s.start_time < $3 AND b.status = 'cancelled'
                  AND b.ledger_transaction_id IS NOT NULL
                  AND NOT EXISTS (SELECT 1 FROM ledger_transactions r WHERE r.reverses = b.ledger_transaction_id)
                """, .text(tenant), .integer(from), .integer(to)
            ).first?["n"].integer ?? 0)
            // Gross is what the bookings were priced at in the gym's currency: the commission
            // plus the payout (the credits may have been bought in another currency). Each
            // charge and its reversal count in the month their session started.
            var months: [String: GymAnalytics.MonthLine] = [:]
            for row in try db.query(
                """
                WITH charges AS (
                    SELECT b.ledger_transaction_id AS id, s.start_time FROM bookings b JOIN class_schedules s ON s.id = b.session_id
                    WHERE b.tenant_id = $1 AND s.start_time >= $2 AND s.start_time < $3 AND b.ledger_transaction_id IS NOT NULL
                ), moves AS (
                    SELECT id, start_time FROM charges
                    UNION ALL SELECT r.id, c.start_time FROM charges c JOIN ledger_transactions r ON r.reverses = c.id
                )
                SELECT m.start_time, p.account, p.unit, SUM(p.amount) AS total FROM moves m JOIN ledger_postings p ON p.transaction_id = m.id
                WHERE p.account IN ($4, $5)
                GROUP BY m.start_time, p.account, p.unit
                """, .text(tenant), .integer(from), .integer(to),
                .text(LedgerAccount.platformRevenue.name), .text(LedgerAccount.gymPayable(tenant).name)
            ) {
                guard case .cents(let currency)? = LedgerUnit(try row.text("unit")) else { continue }
                let date = CivilTime.date(days: clock.localDay(at: try row.int64("start_time")))
                let month = String(format: "%04d-%02d", date.year, date.month)
                var line = months[month + currency] ?? .init(month: month, currency: currency, grossCents: 0, commissionCents: 0, payoutCents: 0)
                let total = -(row["total"].integer ?? Int64(row["total"].real ?? 0))
                if try row.text("account") == LedgerAccount.platformRevenue.name { line.commissionCents += total } else { line.payoutCents += total }
                line.grossCents += total
                months[month + currency] = line
            }
            result.months = months.values.sorted { ($0.month, $0.currency) < ($1.month, $1.currency) }
            var money: [String: GymAnalytics.MoneyLine] = [:]
            for line in result.months {
                var total = money[line.currency] ?? .init(currency: line.currency, grossCents: 0, commissionCents: 0, payoutCents: 0)
                total.grossCents += line.grossCents
                total.commissionCents += line.commissionCents
                total.payoutCents += line.payoutCents
                money[line.currency] = total
            }
            result.money = money.values.sorted { $0.currency < $1.currency }
            var sales: [String: GymAnalytics.SalesLine] = [:]
            for row in try db.query(
                """
                SELECT currency, COUNT(*) AS n, CAST(SUM(amount_cents) AS BIGINT) AS cents FROM payments
                WHERE tenant_id = $1 AND status = 'succeeded' AND updated_at >= $2 AND updated_at < $3 GROUP BY currency
                """, .text(tenant), .integer(from), .integer(to)
            ) {
                let currency = try row.text("currency")
                sales[currency] = try .init(currency: currency, packsSold: row.int("n"), soldCents: row.int64("cents"), refunds: 0, refundedCents: 0, refundedCredits: 0)
            }
            for row in try db.query(
                """
                SELECT currency, COUNT(*) AS n, CAST(SUM(amount_cents) AS BIGINT) AS cents, CAST(SUM(credits) AS BIGINT) AS credits FROM refunds
                WHERE tenant_id = $1 AND status = 'succeeded' AND updated_at >= $2 AND updated_at < $3 GROUP BY currency
                """, .text(tenant), .integer(from), .integer(to)
            ) {
                let currency = try row.text("currency")
                var line = sales[currency] ?? .init(currency: currency, packsSold: 0, soldCents: 0, refunds: 0, refundedCents: 0, refundedCredits: 0)
                line.refunds = try row.int("n")
                line.refundedCents = try row.int64("cents")
                line.refundedCredits = try row.int("credits")
                sales[currency] = line
            }
            result.packSales = sales.values.sorted { $0.currency < $1.currency }
            return result
        }
    }

    static func localHour(_ utc: Int64, _ clock: ZoneClock) -> Int {
        Int(CivilTime.floorDiv(utc + Int64(clock.offset(at: utc)), 3_600) % 24)
    }
}
