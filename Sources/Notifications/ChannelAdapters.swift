public import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Why a provider did not take a message; the dispatcher retries it with backoff.
public struct ChannelError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

/// Posts one request to a provider's HTTP API and wants a 2xx back.
struct ProviderRequest {
    var url: String
    var headers: [(String, String)]
    var body: [UInt8]

    func send(with client: HTTPClient) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(15))
        let reply = try await response.body.collect(upTo: 64 * 1024)
        guard (200..<300).contains(response.status.code) else {
            throw ChannelError(description: "\(url) answered \(response.status.code): \(String(buffer: reply).prefix(200))")
        }
    }
}

/// WhatsApp through Meta's Cloud API. A message we start is a template message (WhatsApp takes
/// nothing else from a business outside the 24-hour customer window): the template named for
/// its kind, in the configured language, with its parameters. Inside the window, free text.
public struct WhatsAppChannel: NotificationChannel {
    public let baseURL: String
    public let phoneNumberId: String
    /// The language the templates were approved in ("en", "fr", "en_US").
    public let language: String
    let accessToken: String
    let client: HTTPClient

    public init(
        baseURL: String = "https://graph.facebook.com/v20.0", phoneNumberId: String, accessToken: String, language: String = "en",
        client: HTTPClient = .shared
    ) {
        self.baseURL = baseURL
        self.phoneNumberId = phoneNumberId
        self.accessToken = accessToken
        self.language = language
        self.client = client
    }

    public func deliver(_ message: OutboxMessage) async throws {
        guard let recipient = message.recipient, !recipient.phone.isEmpty else { throw ChannelError(description: "no phone number") }
        var body: [String: Any] = ["messaging_product": "whatsapp", "to": recipient.phone]
        if recipient.inCustomerWindow && message.kind != OutboxMessage.phoneVerification {
            body["type"] = "text"
            body["text"] = ["body": NotificationText.render(message).body]
        } else {
            body["type"] = "template"
            body["template"] = Self.template(WhatsAppTemplate.of(message), language: language)
        }
        try await ProviderRequest(
            url: "\(baseURL)/\(phoneNumberId)/messages",
            headers: [("Authorization", "Bearer \(accessToken)"), ("Content-Type", "application/json")],
            body: Array(try JSONSerialization.data(withJSONObject: body, options: .sortedKeys))
        ).send(with: client)
    }

    /// Meta's `template` object: name, language and the body's parameters, plus the code for
    /// the copy-code button an authentication template has.
    static func template(_ template: WhatsAppTemplate, language: String) -> [String: Any] {
        let text = { (value: String) -> [String: Any] in ["type": "text", "text": value] }
        var components: [[String: Any]] = []
        if !template.parameters.isEmpty { components.append(["type": "body", "parameters": template.parameters.map(text)]) }
        if let code = template.buttonCode {
            components.append(["type": "button", "sub_type": "url", "index": "0", "parameters": [text(code)]])
        }
        return ["name": template.name, "language": ["policy": "deterministic", "code": language], "components": components]
    }
}

/// SMS through Africa's Talking, which reaches the networks of the cities served.
public struct SMSChannel: NotificationChannel {
    public let baseURL: String
    public let username: String
    let apiKey: String
    public let senderId: String?
    let client: HTTPClient

    public init(baseURL: String = "https://api.africastalking.com", username: String, apiKey: String, senderId: String? = nil, client: HTTPClient = .shared) {
        self.baseURL = baseURL
        self.username = username
        self.apiKey = apiKey
        self.senderId = senderId
        self.client = client
    }

    public func deliver(_ message: OutboxMessage) async throws {
        guard let phone = message.recipient?.phone, !phone.isEmpty else { throw ChannelError(description: "no phone number") }
        var form = [("username", username), ("to", phone), ("message", NotificationText.render(message).body)]
        if let senderId { form.append(("from", senderId)) }
        let body = form.map { "\($0.0)=\(Self.formEncode($0.1))" }.joined(separator: "&")
        try await ProviderRequest(
            url: "\(baseURL)/version1/messaging",
            headers: [("apiKey", apiKey), ("Accept", "application/json"), ("Content-Type", "application/x-www-form-urlencoded")],
            body: Array(body.utf8)
        ).send(with: client)
    }

    static func formEncode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

/// Email through a SendGrid-style v3 mail API.
public struct EmailChannel: NotificationChannel {
    public let baseURL: String
    public let from: String
    let apiKey: String
    let client: HTTPClient

    public init(baseURL: String = "https://api.sendgrid.com", from: String, apiKey: String, client: HTTPClient = .shared) {
        self.baseURL = baseURL
        self.from = from
        self.apiKey = apiKey
        self.client = client
    }

    public func deliver(_ message: OutboxMessage) async throws {
        guard let email = message.recipient?.email, !email.isEmpty else { throw ChannelError(description: "no email address") }
        let text = NotificationText.render(message)
        let body = try JSONSerialization.data(withJSONObject: [
            "personalizations": [["to": [["email": email]]]], "from": ["email": from], "subject": text.subject,
            "content": [["type": "text/plain", "value": text.body]],
        ])
        try await ProviderRequest(
            url: "\(baseURL)/v3/mail/send", headers: [("Authorization", "Bearer \(apiKey)"), ("Content-Type", "application/json")],
            body: Array(body)
        ).send(with: client)
    }
}

/// Sends each message the way its member chose: WhatsApp or SMS when they chose it and gave a
/// phone number, else email; account emails always by email. WhatsApp falls back to SMS for a
/// message WhatsApp did not take (a number not on WhatsApp, say). A channel with no adapter
/// configured falls back to email, and without an email adapter to the log.
public struct ChannelRouter: NotificationChannel {
    public let email: (any NotificationChannel)?
    public let sms: (any NotificationChannel)?
    public let whatsapp: (any NotificationChannel)?
    public let fallback: any NotificationChannel

    public init(
        email: (any NotificationChannel)? = nil, sms: (any NotificationChannel)? = nil, whatsapp: (any NotificationChannel)? = nil,
        fallback: any NotificationChannel = LogChannel()
    ) {
        self.email = email
        self.sms = sms
        self.whatsapp = whatsapp
        self.fallback = fallback
    }

    public func deliver(_ message: OutboxMessage) async throws {
        try await channel(for: message).deliver(message)
    }

    func channel(for message: OutboxMessage) -> any NotificationChannel {
        let byEmail = email ?? fallback
        let byPhone = whatsapp.map { whatsapp in sms.map { Fallback(first: whatsapp, then: $0) } ?? whatsapp } ?? sms
        // A phone's sign-up code goes to the phone whatever the member prefers: it proves the number.
        if message.kind == OutboxMessage.phoneVerification { return byPhone ?? fallback }
        guard let recipient = message.recipient, !message.isAccountMessage,
            !recipient.phone.isEmpty
        else { return byEmail }
        switch recipient.channel {
        case .email: return byEmail
        case .sms: return sms ?? byEmail
        case .whatsapp: return byPhone ?? byEmail
        }
    }
}

/// One channel, and another when the first does not take a message.
struct Fallback: NotificationChannel {
    let first: any NotificationChannel
    let then: any NotificationChannel

    func deliver(_ message: OutboxMessage) async throws {
        do {
            try await first.deliver(message)
        } catch {
            do {
                try await then.deliver(message)
            } catch let second {
                throw ChannelError(description: "\(error); then \(second)")
            }
        }
    }
}
