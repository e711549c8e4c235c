import Foundation

/// The WhatsApp template a kind of message goes out as: `studioloop_<kind>`, approved in Meta's
/// WhatsApp Manager with the body's `{{1}}`, `{{2}}`, … in the order `parameters` lists them
/// (README, "Notifications", has each template's text).
public struct WhatsAppTemplate: Equatable, Sendable {
    public var name: String
    public var parameters: [String]
    /// An authentication template's copy-code button carries the code too.
    public var buttonCode: String?

    public static func of(_ message: OutboxMessage) -> WhatsAppTemplate {
        let fields = message.fields
        let field = { (name: String) in fields[name] ?? "" }
        let name = "studioloop_" + message.kind
        switch message.kind {
        case OutboxMessage.phoneVerification, "email_verification":
            return WhatsAppTemplate(name: "studioloop_verification_code", parameters: [field("code")], buttonCode: field("code"))
        case "gym_new_booking":
            return WhatsAppTemplate(name: name, parameters: [field("member"), field("class"), field("start"), field("spots_left")])
        case "gym_cancellation", "gym_waitlist_promotion":
            return WhatsAppTemplate(name: name, parameters: [field("member"), field("class"), field("start")])
        case "gym_roster_digest":
            return WhatsAppTemplate(name: name, parameters: [field("gym"), field("date"), field("sessions")])
        case "staff_invite":
            return WhatsAppTemplate(name: name, parameters: [field("gym"), field("role")])
        default:
            // A member's booking messages name the booking the app opens; the others are fixed text.
            return WhatsAppTemplate(name: name, parameters: fields["booking_id"] == nil ? [] : [field("booking_id")])
        }
    }
}
