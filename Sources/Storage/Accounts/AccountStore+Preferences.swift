public import Notifications
import SQL

/// A member's notification settings: the channel they chose and the kinds they turned off.
public struct NotificationSettings: Codable, Equatable, Sendable {
    public var channel: NotificationChannelKind
    /// Kinds of message not sent ("class_reminder"), or "*" for all.
    public var optOuts: [String]

    public init(channel: NotificationChannelKind, optOuts: [String]) {
        self.channel = channel
        self.optOuts = optOuts
    }
}

extension AccountStore {
    /// The kinds of notification a member may turn off; `*` turns off everything. Account
    /// emails (password reset, email verification) cannot be turned off.
    public static let notificationKinds: Set<String> = [
        "*", "booking_confirmed", "booking_waitlisted", "booking_cancelled", "waitlist_promoted", "waitlist_skipped_no_credits",
        "waitlist_closed", "checked_in", "class_reminder", "credits_purchased", "session_cancelled", "subscription_cancelling",
        "subscription_renewed", "subscription_renewal_failed", "subscription_lapsed", "gym_tier_renewed",
        // For a gym's staff: each of the messages to their gym.
        "gym_new_booking", "gym_cancellation", "gym_waitlist_promotion", "gym_roster_digest",
    ]

    /// Stops (or, with `optedOut: false`, resumes) one kind of notification for a member;
    /// `"*"` means every kind.
    public func setNotificationOptOut(member: String, kind: String, optedOut: Bool) async throws {
        guard !kind.isEmpty, kind.count <= 64 else { throw StoreError.invalid("a notification kind is 1 to 64 characters") }
        try await database.transaction { db in
            try db.setContext(.member(member))
            if optedOut {
                try db.query(
                    "INSERT INTO notification_opt_outs (user_id, kind) VALUES ($1, $2) ON CONFLICT DO NOTHING", .text(member), .text(kind)
                )
            } else {
                try db.query("DELETE FROM notification_opt_outs WHERE user_id = $1 AND kind = $2", .text(member), .text(kind))
            }
        }
    }

    /// Sets a member's channel and the whole list of kinds they turned off, in one transaction.
    /// SMS and WhatsApp need a phone number on the profile.
    public func setNotificationSettings(member: String, _ settings: NotificationSettings) async throws -> NotificationSettings {
        if let unknown = settings.optOuts.first(where: { !Self.notificationKinds.contains($0) }) {
            throw StoreError.invalid("opt_outs: unknown kind '\(unknown)' (known: \(Self.notificationKinds.sorted().joined(separator: ", ")))")
        }
        return try await database.transaction { db in
            try db.setContext(.member(member))
            guard let phone = try db.query("SELECT phone FROM users WHERE id = $1", .text(member)).first?["phone"].text else {
                throw StoreError.notFound("user")
            }
            if settings.channel != .email && phone.isEmpty {
                throw StoreError.invalid("channel \(settings.channel.rawValue) needs a phone number: set it in the profile first")
            }
            try db.query("UPDATE users SET notification_channel = $2 WHERE id = $1", .text(member), .text(settings.channel.rawValue))
            try db.query("DELETE FROM notification_opt_outs WHERE user_id = $1", .text(member))
            for kind in Set(settings.optOuts) {
                try db.query("INSERT INTO notification_opt_outs (user_id, kind) VALUES ($1, $2)", .text(member), .text(kind))
            }
            return try Self.notificationSettings(member, on: db)
        }
    }

    public func notificationSettings(member: String) async throws -> NotificationSettings {
        try await database.transaction { db in
            try db.setContext(.member(member))
            return try Self.notificationSettings(member, on: db)
        }
    }

    static func notificationSettings(_ member: String, on db: any SQLConnection) throws -> NotificationSettings {
        guard let row = try db.query("SELECT notification_channel FROM users WHERE id = $1", .text(member)).first else {
            throw StoreError.notFound("user")
        }
        let optOuts = try db.query("SELECT kind FROM notification_opt_outs WHERE user_id = $1 ORDER BY kind", .text(member))
            .map { try $0.text("kind") }
        return NotificationSettings(
            channel: row["notification_channel"].text.flatMap(NotificationChannelKind.init) ?? .email, optOuts: optOuts
        )
    }
}

extension AccountStore {
    /// Records when each phone last wrote to us on WhatsApp (a time ahead of `now` counts as
    /// `now`); inside 24 hours of that, messages to it go as free text.
    public func recordWhatsAppMessages(_ messages: [(phone: String, at: Int64)], now: Int64) async throws {
        guard !messages.isEmpty else { return }
        try await database.transaction { db in
            try db.setContext(.system)
            for message in messages {
                try db.query(
                    """
                    INSERT INTO whatsapp_inbound (phone, last_message_at) VALUES ($1, $2)
                    ON CONFLICT (phone) DO UPDATE SET last_message_at = CASE
                        WHEN excluded.last_message_at > whatsapp_inbound.last_message_at THEN excluded.last_message_at
                        ELSE whatsapp_inbound.last_message_at END
                    """, .text(message.phone), .integer(min(message.at, now))
                )
            }
        }
    }
}
