import Foundation

/// A notification waiting in the outbox.
public struct OutboxMessage: Equatable, Sendable {
    public var id: String
    public var userId: String?
    /// "booking_confirmed", "waitlist_promoted", "credits_purchased", …
    public var kind: String
    /// JSON.
    public var payload: String
    public var attempts: Int
    /// Whom it goes to and how they like to hear; nil for a message without a member.
    public var recipient: Recipient?

    /// Messages that let a member into their account (a reset, a verification): they go whatever
    /// the member turned off. A phone's code goes to the phone, the others by email.
    public static let accountKinds: Set<String> = ["password_reset", "email_verification", phoneVerification]
    public static let phoneVerification = "phone_verification"

    public var isAccountMessage: Bool { Self.accountKinds.contains(kind) }

    /// The payload's fields as text (numbers written out), for the texts and templates.
    public var fields: [String: String] {
        let object = (try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any]) ?? [:]
        return object.compactMapValues { value in
            switch value {
            case let text as String: text
            case let number as NSNumber: number.stringValue
            default: nil
            }
        }
    }

    public init(id: String, userId: String?, kind: String, payload: String, attempts: Int, recipient: Recipient? = nil) {
        self.id = id
        self.userId = userId
        self.kind = kind
        self.payload = payload
        self.attempts = attempts
        self.recipient = recipient
    }
}

/// A member's addresses and the channel they chose.
public struct Recipient: Equatable, Sendable {
    public var email: String
    /// E.164 or local; empty when the member gave none.
    public var phone: String
    public var channel: NotificationChannelKind
    /// They wrote to us on WhatsApp within the last 24 hours: WhatsApp takes free text from us
    /// now; outside that window only approved templates.
    public var inCustomerWindow: Bool

    public init(email: String, phone: String, channel: NotificationChannelKind, inCustomerWindow: Bool = false) {
        self.email = email
        self.phone = phone
        self.channel = channel
        self.inCustomerWindow = inCustomerWindow
    }

    /// Whom a message without an account is for, from its payload's `to_email` or `to_phone`
    /// (an invitation to someone not signed up yet): a phone is sent a text.
    public static func addressed(in payload: String) -> Recipient? {
        guard let fields = try? JSONSerialization.jsonObject(with: Data(payload.utf8)) as? [String: Any] else { return nil }
        let email = fields["to_email"] as? String ?? "", phone = fields["to_phone"] as? String ?? ""
        guard !email.isEmpty || !phone.isEmpty else { return nil }
        return Recipient(email: email, phone: phone, channel: phone.isEmpty ? .email : .sms)
    }
}

/// How a member may choose to be told.
public enum NotificationChannelKind: String, Sendable, CaseIterable, Codable {
    case email, sms, whatsapp
}

/// Where notifications go: WhatsApp, SMS, email adapters; the log channel by default.
public protocol NotificationChannel: Sendable {
    /// Delivers one message, or throws to have it retried later.
    func deliver(_ message: OutboxMessage) async throws
}

/// Writes each notification as one line to standard error: the embedded default. Outside
/// development a payload is left out, since it may carry a password-reset or verification token
/// that logs must never hold.
public struct LogChannel: NotificationChannel {
    public let showsPayloads: Bool

    public init(showsPayloads: Bool = true) {
        self.showsPayloads = showsPayloads
    }

    public func deliver(_ message: OutboxMessage) async throws {
        let payload = showsPayloads ? message.payload : "(payload withheld)"
        FileHandle.standardError.write(Data("notify \(message.kind) to \(message.userId ?? "-"): \(payload)\n".utf8))
    }
}

/// Where a message of the outbox is: waiting (or waiting to be retried), delivered, skipped
/// (its member turned its kind off), failed for good, or withdrawn before it was due (the
/// reminder of a cancelled booking).
public enum OutboxStatus: String, Sendable, Codable, CaseIterable {
    case pending, delivered, skipped, failed, withdrawn
}
