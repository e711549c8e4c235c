import Foundation

/// What a member reads: a subject (for email) and one short text (for all channels), in plain
/// words from the message's kind. Links carry the ids the app opens.
public enum NotificationText {
    public static func render(_ message: OutboxMessage) -> (subject: String, body: String) {
        let fields = message.fields
        let booking = fields["booking_id"] ?? ""
        let text = { (name: String) in fields[name] ?? "" }
        switch message.kind {
        case "booking_confirmed": return ("Booking confirmed", "You're booked. See you in class! Booking \(booking).")
        case "booking_waitlisted": return ("You're on the waitlist", "The class is full; you're on its waitlist and pay nothing unless a spot frees up. Booking \(booking).")
        case "waitlist_promoted": return ("A spot opened up", "Good news: a spot freed up and it's yours. Booking \(booking).")
        case "waitlist_skipped_no_credits": return ("A spot opened up", "A spot freed up but you didn't have enough credits, so it went to the next person. Booking \(booking).")
        case "waitlist_closed": return ("Waitlist closed", "The class starts soon and its waitlist has closed. Booking \(booking).")
        case "booking_cancelled": return ("Booking cancelled", "Your booking is cancelled. Booking \(booking).")
        case "session_cancelled": return ("Class cancelled", "The gym cancelled this class; your credits are back. Booking \(booking).")
        case "checked_in": return ("Checked in", "You're checked in. Enjoy the class!")
        case "class_reminder": return ("Class in 2 hours", "Reminder: your class starts in about 2 hours. Booking \(booking).")
        case "staff_invite":
            let gym = fields["gym"] ?? "a gym", role = fields["role"] ?? "staff"
            return ("Join \(gym) on StudioLoop", "\(gym) invites you to join its team as \(role). Sign in to StudioLoop with this email or phone (verified) and accept the invitation under your invitations; it lasts 14 days.")
        case "gym_new_booking":
            return ("New booking: \(text("class"))", "\(text("member")) booked \(text("class")) on \(text("start")); \(text("spots_left")) spots left.")
        case "gym_cancellation":
            return ("Cancellation: \(text("class"))", "\(text("member")) cancelled \(text("class")) on \(text("start")).")
        case "gym_waitlist_promotion":
            return ("Off the waitlist: \(text("class"))", "\(text("member")) moved off the waitlist into \(text("class")) on \(text("start")).")
        case "gym_roster_digest":
            return ("Today at \(text("gym"))", "Today at \(text("gym")) (\(text("date"))): \(text("sessions"))")
        case "credits_purchased": return ("Credits added", "Your credits are in your account.")
        case "credits_granted": return ("Credits from your gym", "Your gym gave you credits; they are in your account.")
        case "refund_failed":
            return ("Refund not made", "We could not refund your purchase, so its credits are back in your account. Try again, or contact us.")
        case "password_reset":
            return ("Reset your password", "Use this code to set a new password (valid for an hour): \(fields["token"] ?? "")")
        case "email_verification":
            let code = fields["code"].map { "Your StudioLoop code is \($0) (valid for 10 minutes). " } ?? ""
            return ("Confirm your email", code + "Or confirm with this link code: \(fields["token"] ?? "")")
        case "phone_verification":
            return ("Your StudioLoop code", "Your StudioLoop code is \(fields["code"] ?? ""). It is valid for 10 minutes; never share it.")
        case let kind where kind.hasPrefix("subscription_") || kind == "gym_tier_renewed":
            return ("Your subscription", "There's news about your subscription (\(kind.replacingOccurrences(of: "_", with: " "))).")
        case let kind:
            return ("StudioLoop", "Update: \(kind.replacingOccurrences(of: "_", with: " ")).")
        }
    }
}
