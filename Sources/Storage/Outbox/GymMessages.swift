import Datasets
import Foundation
import SQL

/// Messages to a gym's staff: a new booking, a cancellation, a promotion off the waitlist, and
/// the morning roster digest. A booking's transaction writes one row for the gym (cheap, and
/// readable by nobody but the store); the dispatcher then turns it into one message per staff
/// member who should hear it, each on their own channel and opt-outs: the owner and admins
/// always, an instructor for the sessions they teach, and every instructor teaching that day
/// for the digest.
enum GymMessages {
    static let newBooking = "gym_new_booking"
    static let cancellation = "gym_cancellation"
    static let waitlistPromotion = "gym_waitlist_promotion"
    static let rosterDigest = "gym_roster_digest"
    static let kinds = [newBooking, cancellation, waitlistPromotion, rosterDigest]
    /// The kinds as an SQL list: `('gym_new_booking', …)`.
    static let kindList = "(" + kinds.map { "'\($0)'" }.joined(separator: ", ") + ")"

    /// The digest goes out from this local hour (06:00) on days the gym has sessions, and not
    /// at all once the morning is over (a server that was down all morning skips the day).
    static let digestHours = 6..<12

    /// Tells a gym about one of its bookings, in the booking's transaction.
    static func tell(_ kind: String, booking: String, member: String, session: String, tenant: String, now: Int64, on db: any SQLConnection) throws {
        try OutboxRows.message(
            to: nil, kind: kind, fields: ["tenant_id": tenant, "session_id": session, "booking_id": booking, "member_id": member],
            bookingId: booking, now: now, on: db
        )
    }

    /// Queues today's roster digest for each gym whose local morning has come, once per gym and
    /// day (the `gym_digests` row is the claim, so several servers send it once). Returns how
    /// many were queued.
    static func queueDigests(now: Int64, on db: any SQLConnection) throws -> Int {
        var clocks = ZoneClocks()
        var queued = 0
        let gyms = try db.query(
            """
            SELECT t.id, t.timezone FROM tenants t
            WHERE t.status = 'active' AND t.id IN (SELECT s.tenant_id FROM class_schedules s WHERE s.start_time BETWEEN $1 AND $2)
            """, .integer(now - 86_400), .integer(now + 86_400)
        )
        for gym in gyms {
            let tenant = try gym.text("id")
            let (day, from, to, hour) = clocks.withClock(try gym.text("timezone")) { clock in
                let day = clock.localDay(at: now)
                let midnight = clock.instant(day: day, minuteOfDay: 0)
                return (day, midnight, clock.instant(day: day + 1, minuteOfDay: 0), Int(now - midnight) / 3_600)
            }
            guard digestHours.contains(hour),
                try db.query("SELECT 1 FROM gym_digests WHERE tenant_id = $1 AND day = $2", .text(tenant), .integer(day)).isEmpty,
                try db.query(
                    "SELECT 1 FROM class_schedules WHERE tenant_id = $1 AND start_time >= $2 AND start_time < $3 AND status <> 'cancelled' LIMIT 1",
                    .text(tenant), .integer(from), .integer(to)
                ).first != nil
            else { continue }
            try db.query(
                "INSERT INTO gym_digests (tenant_id, day, created_at) VALUES ($1, $2, $3) ON CONFLICT (tenant_id, day) DO NOTHING",
                .text(tenant), .integer(day), .integer(now)
            )
            guard db.changes == 1 else { continue }
            try OutboxRows.message(
                to: nil, kind: rosterDigest, fields: ["tenant_id": tenant, "from": String(from), "to": String(to), "day": String(day)],
                now: now, on: db
            )
            queued += 1
        }
        return queued
    }

    /// Turns the gym messages due at `now` into messages to their staff (system context).
    static func fanOut(now: Int64, limit: Int, on db: any SQLConnection) throws {
        let skipLocked = db.dialect == .postgres ? " FOR UPDATE SKIP LOCKED" : ""
        let rows = try db.query(
            """
            SELECT id, kind, payload, booking_id FROM outbox
            WHERE user_id IS NULL AND status = 'pending' AND deliver_after <= $1 AND kind IN \(kindList)
            ORDER BY created_at, id LIMIT $2
            """ + skipLocked, .integer(now), .integer(Int64(limit))
        )
        var clocks = ZoneClocks()
        for row in rows {
            let kind = try row.text("kind")
            // A row that cannot be read is handed to nobody rather than holding up the outbox.
            let given = (try? JSONSerialization.jsonObject(with: Data(row.text("payload").utf8))) as? [String: String] ?? [:]
            if let tenant = given["tenant_id"], let fields = try self.fields(kind, given, clocks: &clocks, on: db) {
                for staff in try recipients(kind, tenant: tenant, session: given["session_id"], from: given["from"], to: given["to"], on: db) {
                    try OutboxRows.message(to: staff, kind: kind, fields: fields, bookingId: row["booking_id"].text, now: now, on: db)
                }
            }
            // Handed on to its staff (or to nobody, when the gym or the booking is gone).
            try db.query("UPDATE outbox SET status = 'delivered', delivered_at = $2 WHERE id = $1", row["id"], .integer(now))
        }
    }

    /// Who hears a gym message: owners and admins, and the instructors of the session (or, for
    /// the digest, of the day's sessions).
    static func recipients(_ kind: String, tenant: String, session: String?, from: String?, to: String?, on db: any SQLConnection) throws -> [String] {
        let teaching: String
        var values: [SQLValue] = [.text(tenant)]
        if kind == rosterDigest, let from = from.flatMap(Int64.init), let to = to.flatMap(Int64.init) {
            teaching = "s.tenant_id = $1 AND s.start_time >= $2 AND s.start_time < $3"
            values += [.integer(from), .integer(to)]
        } else {
            teaching = "s.id = $2"
            values.append(SQLValue(session))
        }
        return try db.query(
            """
            SELECT r.user_id FROM user_tenant_roles r WHERE r.tenant_id = $1 AND (r.role IN ('owner', 'admin') OR r.user_id IN (
                SELECT COALESCE(s.instructor_id, c.instructor_id) FROM class_schedules s JOIN classes c ON c.id = s.class_id WHERE \(teaching)))
            ORDER BY r.user_id
            """, values
        ).map { try $0.text("user_id") }
    }

    /// What the staff read: the member, the class and its local start, the spots left; for
    /// the digest, the day's sessions with their counts. Nil when what it was about is gone.
    static func fields(_ kind: String, _ given: [String: String], clocks: inout ZoneClocks, on db: any SQLConnection) throws -> [String: String]? {
        guard let tenant = given["tenant_id"],
            let gym = try db.query("SELECT name, timezone FROM tenants WHERE id = $1", .text(tenant)).first
        else { return nil }
        let zone = try gym.text("timezone")
        var fields = ["gym": try gym.text("name"), "tenant_id": tenant]
        if kind == rosterDigest {
            guard let from = given["from"].flatMap(Int64.init), let to = given["to"].flatMap(Int64.init) else { return nil }
            let sessions = try db.query(
                """
                SELECT c.name, s.start_time, s.capacity,
                    (SELECT COUNT(*) FROM bookings b WHERE b.session_id = s.id AND b.status IN ('confirmed', 'checked_in')) AS booked,
                    (SELECT COUNT(*) FROM bookings b WHERE b.session_id = s.id AND b.status = 'waitlisted') AS waiting
                FROM class_schedules s JOIN classes c ON c.id = s.class_id
                WHERE s.tenant_id = $1 AND s.start_time >= $2 AND s.start_time < $3 AND s.status <> 'cancelled'
                ORDER BY s.start_time, s.id
                """, .text(tenant), .integer(from), .integer(to)
            )
            fields["date"] = clocks.withClock(zone) { $0.dayLabel(at: from) }
            fields["sessions"] = try sessions.map { s in
                let start = try s.int64("start_time"), waiting = s["waiting"].integer ?? 0
                let time = clocks.withClock(zone) { $0.timeLabel(at: start) }
                return "\(time) \(try s.text("name")) \(s["booked"].integer ?? 0)/\(try s.int("capacity"))" + (waiting > 0 ? " (+\(waiting) waiting)" : "")
            }.joined(separator: "; ")
            return fields
        }
        guard let session = given["session_id"], let member = given["member_id"],
            let row = try db.query(
                """
                SELECT c.name, s.start_time, s.available_spots, u.first_name, u.last_name
                FROM class_schedules s JOIN classes c ON c.id = s.class_id, users u WHERE s.id = $1 AND u.id = $2
                """, .text(session), .text(member)
            ).first
        else { return nil }
        let start = try row.int64("start_time")
        fields["member"] = "\(try row.text("first_name")) \(try row.text("last_name").prefix(1))".trimmingCharacters(in: .whitespaces)
        fields["class"] = try row.text("name")
        fields["start"] = clocks.withClock(zone) { "\($0.dayLabel(at: start)) \($0.timeLabel(at: start))" }
        fields["spots_left"] = String(row["available_spots"].integer ?? 0)
        for key in ["session_id", "booking_id"] { fields[key] = given[key] }
        return fields
    }
}
