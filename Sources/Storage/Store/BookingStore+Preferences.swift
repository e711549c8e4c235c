extension BookingStore {
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
}
