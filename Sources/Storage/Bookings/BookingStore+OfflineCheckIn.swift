public import Booking
import Foundation
import SQL

/// Check-in that works when the gym's power or network is out: members carry their codes ahead
/// of time, a staff device verifies them with the gym's published keys, and the check-ins it
/// made sync later, each applied once under the rules as they stood when it was made.
extension BookingStore {
    /// A confirmed booking's check-in code, handed to its member ahead of time.
    public struct UpcomingCode: Equatable, Sendable {
        public var bookingId: String
        public var sessionId: String
        public var tenantId: String
        public var tenantSlug: String
        public var className: String
        public var start: Int64
        /// The session's end, when the code expires.
        public var end: Int64
        public var timezone: String
        public var code: String
    }

    /// One check-in a staff device made offline.
    public struct OfflineCheckIn: Equatable, Sendable {
        /// The device's own id for it: sending it again changes nothing.
        public var clientId: String
        public var bookingId: String
        public var recordedAt: Int64
        /// Who checked the member in at the door (the one syncing when nil).
        public var staffId: String?
        public var deviceId: String
        /// The code scanned, when it was scanned (nil: checked in by name).
        public var code: String?

        public init(clientId: String, bookingId: String, recordedAt: Int64, staffId: String?, deviceId: String, code: String?) {
            self.clientId = clientId
            self.bookingId = bookingId
            self.recordedAt = recordedAt
            self.staffId = staffId
            self.deviceId = deviceId
            self.code = code
        }
    }

    /// What became of one synced check-in.
    public struct SyncOutcome: Equatable, Sendable {
        public enum Kind: String, Sendable, Codable { case applied, already, refused }
        public var clientId: String
        public var bookingId: String
        public var outcome: Kind
        /// Why it was refused: a booking rule's code, or NOT_FOUND / FORBIDDEN.
        public var reason: String?
        /// True when this client id had been synced before: the answer is the first one's.
        public var replayed: Bool
    }

    /// The gym's public check-in keys a staff device should hold now. Each is recorded as
    /// published, and published keys stay listed until their codes have expired, including the
    /// keys of an earlier secret after the secret changes.
    public func checkInKeys(tenant: String, now: Int64) async throws -> [CheckInToken.PublicKey] {
        guard let tokens = checkInTokens else { throw StoreError.invalid("check-in is not configured (no secret)") }
        let keys = tokens.publishedKeys(tenant: tenant, now: now)
        return try await database.transaction { db in
            try db.setContext(.system)
            for key in keys {
                try db.query(
                    """
                    INSERT INTO checkin_keys (tenant_id, key_id, public_key, created_at, retired_at) VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (tenant_id, key_id) DO NOTHING
                    """, .text(tenant), .text(key.keyId), .text(CheckInToken.base64url(key.bytes)), .integer(now), .integer(key.validUntil)
                )
            }
            return try db.query(
                "SELECT key_id, public_key, retired_at FROM checkin_keys WHERE tenant_id = $1 AND retired_at > $2 ORDER BY retired_at, key_id",
                .text(tenant), .integer(now - CheckInToken.periodSeconds)
            ).compactMap { row in
                guard let bytes = CheckInToken.bytes(base64url: try row.text("public_key")) else { return nil }
                let until = try row.int64("retired_at")
                return CheckInToken.PublicKey(keyId: try row.text("key_id"), bytes: bytes, validFrom: until - CheckInToken.periodSeconds, validUntil: until)
            }
        }
    }

    /// The codes of a member's confirmed bookings whose sessions have not ended, soonest first.
    public func upcomingCodes(member: String, now: Int64, limit: Int = 50) async throws -> [UpcomingCode] {
        guard let tokens = checkInTokens else { throw StoreError.invalid("check-in is not configured (no secret)") }
        let rows = try await database.transaction { db in
            try db.setContext(.member(member))
            return try db.query(
                """
                SELECT b.id, b.session_id, b.tenant_id, t.slug, t.timezone, c.name, s.start_time, s.end_time
                FROM bookings b JOIN class_schedules s ON s.id = b.session_id JOIN classes c ON c.id = s.class_id JOIN tenants t ON t.id = b.tenant_id
                WHERE b.user_id = $1 AND b.status = 'confirmed' AND s.end_time > $2 AND s.start_time <= $3
                ORDER BY s.start_time, b.id LIMIT $4
                """, .text(member), .integer(now), .integer(now + CheckInToken.aheadSeconds), .integer(Int64(limit))
            )
        }
        return try rows.compactMap { row in
            let claims = CheckInToken.Claims(
                bookingId: try row.text("id"), sessionId: try row.text("session_id"), tenantId: try row.text("tenant_id"),
                expiresAt: try row.int64("end_time")
            )
            guard let code = tokens.issue(claims) else { return nil }
            return UpcomingCode(
                bookingId: claims.bookingId, sessionId: claims.sessionId, tenantId: claims.tenantId, tenantSlug: try row.text("slug"),
                className: try row.text("name"), start: try row.int64("start_time"), end: claims.expiresAt, timezone: try row.text("timezone"),
                code: code
            )
        }
    }

    /// Applies a staff device's offline check-ins, each in its own transaction and at most once
    /// per client id, and reports each one.
    public func syncCheckIns(_ items: [OfflineCheckIn], tenant: String, by syncer: String, now: Int64) async throws -> [SyncOutcome] {
        try await database.transaction { db in
            try db.setContext(.tenant(tenant, user: syncer))
            try Authorization.require(syncer, at: tenant, on: db, \.canCheckIn)
        }
        var outcomes: [SyncOutcome] = []
        for item in items {
            outcomes.append(try await database.transaction { db in try self.sync(item, tenant: tenant, by: syncer, now: now, on: db) })
        }
        return outcomes
    }

    private func sync(_ item: OfflineCheckIn, tenant: String, by syncer: String, now: Int64, on db: any SQLConnection) throws -> SyncOutcome {
        try db.setContext(.tenant(tenant, user: syncer))
        if let prior = try db.query(
            "SELECT booking_id, outcome, reason FROM offline_checkins WHERE tenant_id = $1 AND client_id = $2", .text(tenant), .text(item.clientId)
        ).first {
            return try SyncOutcome(
                clientId: item.clientId, bookingId: prior.text("booking_id"), outcome: prior.value("outcome", as: SyncOutcome.Kind.self),
                reason: prior.optionalText("reason"), replayed: true
            )
        }
        let staff = item.staffId ?? syncer
        let (kind, reason) = try decide(item, staff: staff, tenant: tenant, now: now, on: db)
        try db.query(
            """
            INSERT INTO offline_checkins (tenant_id, client_id, booking_id, staff_id, device_id, recorded_at, outcome, reason, synced_by, synced_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            """, .text(tenant), .text(item.clientId), .text(item.bookingId), .text(staff), .text(item.deviceId), .integer(item.recordedAt),
            .text(kind.rawValue), SQLValue(reason), .text(syncer), .integer(now)
        )
        return SyncOutcome(clientId: item.clientId, bookingId: item.bookingId, outcome: kind, reason: reason, replayed: false)
    }

    /// Applies one offline check-in if the rules allow it, and says what happened.
    private func decide(
        _ item: OfflineCheckIn, staff: String, tenant: String, now: Int64, on db: any SQLConnection
    ) throws -> (SyncOutcome.Kind, String?) {
        guard let found = try db.query("SELECT session_id FROM bookings WHERE id = $1 AND tenant_id = $2", .text(item.bookingId), .text(tenant)).first
        else { return (.refused, "NOT_FOUND") }
        guard try Authorization.role(of: staff, at: tenant, on: db)?.canCheckIn == true else { return (.refused, "FORBIDDEN") }
        let session = try LockedSession.read(found.text("session_id"), on: db)
        let booking = try db.one("SELECT status, user_id FROM bookings WHERE id = $1", .text(item.bookingId))
        let code = item.code.map { verifyCode($0, at: item.recordedAt, on: db) }
        let verdict = BookingRules.offlineCheckIn(
            bookingId: item.bookingId, status: try booking.value("status", as: BookingStatus.self), session: session.facts, code: code,
            recordedAt: item.recordedAt, now: now
        )
        switch verdict {
        case .refused(let refusal): return (.refused, refusal.rawValue)
        case .already: return (.already, nil)
        case .apply(let status):
            try Self.markCheckedIn(item.bookingId, at: item.recordedAt, by: staff, method: item.code == nil ? .name : .qr, on: db)
            if status == .completed {
                try db.query("UPDATE bookings SET status = 'completed' WHERE id = $1", .text(item.bookingId))
            } else {
                try OutboxRows.notify(try booking.text("user_id"), "checked_in", item.bookingId, now: now, on: db)
            }
            return (.applied, nil)
        }
    }

    /// A code's verdict at `time`, by this secret's keys or, for a code made under an earlier
    /// secret, by the key published for it then.
    func verifyCode(_ code: String, at time: Int64, on db: any SQLConnection) -> CheckInToken.Verdict {
        guard let tokens = checkInTokens else { return .forged }
        return tokens.verify(code, now: time) { tenant, keyId in
            if let own = tokens.publicKey(tenant: tenant, keyId: keyId) { return own }
            let stored = try? db.query(
                "SELECT public_key FROM checkin_keys WHERE tenant_id = $1 AND key_id = $2", .text(tenant), .text(keyId)
            ).first?["public_key"].text
            return stored.flatMap(CheckInToken.bytes(base64url:))
        }
    }
}
