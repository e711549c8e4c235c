import Booking
import Datasets
import Foundation
import HTTPTypes
import Hummingbird
import Storage

/// Check-in through load-shedding: a gym's public keys for staff devices, members' codes ahead of
/// time, and the sync of check-ins a device made while the power or the network was out.
struct CheckInRoutes {
    let services: ServerServices

    /// A JWK Set (RFC 7517) of OKP Ed25519 keys (RFC 8037), with each key's period.
    struct KeySet: Encodable, Sendable {
        var keys: [JWK]
        /// The key signing codes that expire now.
        var currentKid: String?
    }

    struct JWK: Encodable, Sendable {
        var kty = "OKP"
        var crv = "Ed25519"
        var alg = "EdDSA"
        var use = "sig"
        var kid: String
        var x: String
        /// It signs the codes expiring in [nbf, exp), Unix seconds.
        var nbf: Int64
        var exp: Int64
    }

    struct CodeList: Encodable, Sendable {
        var codes: [CodeView]
    }

    struct CodeView: Encodable, Sendable {
        var bookingId: String
        var sessionId: String
        var tenantId: String
        var tenantSlug: String
        var className: String
        var startTime: String
        var endTime: String
        var expiresAt: String
        var code: String
    }

    struct SyncBatch: Decodable {
        var checkins: [Item]

        struct Item: Decodable {
            var clientId: String
            var bookingId: String
            var checkedInAt: String
            var staffId: String?
            var deviceId: String
            var code: String?
        }
    }

    struct SyncReport: Encodable, Sendable {
        var results: [Result]
        var applied: Int
        var already: Int
        var refused: Int

        struct Result: Encodable, Sendable {
            var clientId: String
            var bookingId: String
            var outcome: BookingStore.SyncOutcome.Kind
            var reason: String?
            var message: String?
            var replayed: Bool
        }
    }

    static let maxBatch = 500

    func register(on api: RouterGroup<AppContext>) {
        api.get("tenants/{slug}/checkin-key") { _, context in
            let tenant = try await services.tenantId(context)
            let now = services.clock.now()
            let keys = try await services.store.bookings.checkInKeys(tenant: tenant, now: now)
            return Reply(KeySet(
                keys: keys.map { JWK(kid: $0.keyId, x: CheckInToken.base64url($0.bytes), nbf: $0.validFrom, exp: $0.validUntil) },
                currentKid: keys.last { ($0.validFrom..<$0.validUntil).contains(now) }?.keyId
            ))
        }
        api.get("users/{user_id}/checkin-codes") { _, context in
            let user = try UserRoutes.ownUser(context)
            let codes = try await services.store.bookings.upcomingCodes(member: user, now: services.clock.now())
            return Reply(CodeList(codes: codes.map {
                let local = GymTime(timezone: $0.timezone).format
                return CodeView(
                    bookingId: $0.bookingId, sessionId: $0.sessionId, tenantId: $0.tenantId, tenantSlug: $0.tenantSlug, className: $0.className,
                    startTime: local($0.start), endTime: local($0.end), expiresAt: ISO8601.format($0.end), code: $0.code
                )
            }))
        }
        api.post("tenants/{slug}/checkins:sync") { request, context in
            let user = try context.requireUser()
            let tenant = try await services.tenantId(context)
            let batch = try await request.json(SyncBatch.self, context: context)
            let items = try Self.items(batch)
            let outcomes = try await services.store.bookings.syncCheckIns(items, tenant: tenant, by: user, now: services.clock.now())
            return Reply(SyncReport(
                results: outcomes.map {
                    .init(
                        clientId: $0.clientId, bookingId: $0.bookingId, outcome: $0.outcome, reason: $0.reason,
                        message: $0.reason.map(Self.message(for:)), replayed: $0.replayed
                    )
                },
                applied: outcomes.count { $0.outcome == .applied }, already: outcomes.count { $0.outcome == .already },
                refused: outcomes.count { $0.outcome == .refused }
            ))
        }
    }

    /// The batch's items, checked: every field well formed and no client id twice.
    static func items(_ batch: SyncBatch) throws -> [BookingStore.OfflineCheckIn] {
        guard (1...maxBatch).contains(batch.checkins.count) else { throw APIError.validation("checkins must hold 1 to \(maxBatch) check-ins") }
        var seen: Set<String> = []
        return try batch.checkins.enumerated().map { index, item in
            let at = "checkins[\(index)]"
            for (name, value) in [("client_id", item.clientId), ("booking_id", item.bookingId), ("device_id", item.deviceId)] {
                guard (1...100).contains(value.count), value.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
                    throw APIError.validation("\(at).\(name) must be 1 to 100 visible ASCII characters")
                }
            }
            guard seen.insert(item.clientId).inserted else { throw APIError.validation("\(at).client_id '\(item.clientId)' appears twice in the batch") }
            guard let recorded = ISO8601.parse(item.checkedInAt) else { throw APIError.validation("\(at).checked_in_at must be an ISO 8601 time") }
            if let staff = item.staffId, !(1...100).contains(staff.count) { throw APIError.validation("\(at).staff_id must be a user id") }
            if let code = item.code, !(1...512).contains(code.count) { throw APIError.validation("\(at).code must be a check-in code") }
            return .init(
                clientId: item.clientId, bookingId: item.bookingId, recordedAt: recorded, staffId: item.staffId, deviceId: item.deviceId,
                code: item.code
            )
        }
    }

    static func message(for reason: String) -> String {
        switch reason {
        case "NOT_FOUND": "no such booking at this gym"
        case "FORBIDDEN": "staff_id is not on this gym's staff"
        default: BookingRefusal(rawValue: reason)?.message ?? reason
        }
    }
}
