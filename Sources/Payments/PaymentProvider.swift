import Foundation

/// What a provider's webhook means to the store, whatever the provider's own words.
public enum ProviderEvent: Equatable, Sendable {
    case paymentSucceeded(paymentId: String)
    case paymentFailed(paymentId: String)
    /// A subscription was charged for a period ending at `periodEnd` (UTC seconds).
    case subscriptionRenewed(subscriptionId: String, periodEnd: Int64)
    case subscriptionPaymentFailed(subscriptionId: String)
    /// An event the store does not act on (acknowledged, not an error).
    case unhandled(type: String)
}

public enum ProviderError: Error, Equatable, Sendable {
    /// The body is not an event of this provider's, or lacks our metadata.
    case unreadable(String)
}

/// A payment provider: how its webhooks are signed and what they say. The store keeps our ids
/// in the provider's metadata (`payment_id`, `subscription_id`) so an event names its row.
public protocol PaymentProvider: Sendable {
    /// "yoco", "stripe", "sandbox": recorded with payments and webhook events.
    var name: String { get }
    var verifier: any WebhookVerifier { get }
    func event(from webhook: VerifiedWebhook) throws(ProviderError) -> ProviderEvent
}

/// A provider's event whose signature and age were checked: all the store is ever given.
public struct VerifiedEvent: Equatable, Sendable {
    public var provider: String
    /// The provider's id of the event, so each is acted on once.
    public var eventId: String
    public var event: ProviderEvent
}

extension PaymentProvider {
    /// Checks a webhook's signature and age, then reads its event. Throws `WebhookRejection`
    /// (forged, stale, unsigned) or `ProviderError` (not an event of ours).
    public func verifiedEvent(_ request: WebhookRequest, now: Int64) throws -> VerifiedEvent {
        let verified = try verifier.verify(request, now: now)
        return VerifiedEvent(provider: name, eventId: verified.eventId, event: try event(from: verified))
    }
}

/// Reads the Standard Webhooks body Yoco sends (and the sandbox imitates):
/// `{"type": "payment.succeeded", "payload": {"metadata": {"payment_id": "…"}, "period_end": 123}}`.
struct StandardEventBody: Decodable {
    struct Payload: Decodable {
        var metadata: [String: String]
        var period_end: Int64?
    }
    var type: String
    var payload: Payload

    static func event(from body: Data) throws(ProviderError) -> ProviderEvent {
        guard let event = try? JSONDecoder().decode(Self.self, from: body) else { throw .unreadable("not a Standard Webhooks event") }
        let metadata = event.payload.metadata
        func require(_ key: String) throws(ProviderError) -> String {
            guard let value = metadata[key], !value.isEmpty else { throw .unreadable("\(event.type) without \(key)") }
            return value
        }
        switch event.type {
        case "payment.succeeded": return .paymentSucceeded(paymentId: try require("payment_id"))
        case "payment.failed": return .paymentFailed(paymentId: try require("payment_id"))
        case "subscription.renewed":
            guard let end = event.payload.period_end else { throw .unreadable("subscription.renewed without period_end") }
            return .subscriptionRenewed(subscriptionId: try require("subscription_id"), periodEnd: end)
        case "subscription.payment_failed": return .subscriptionPaymentFailed(subscriptionId: try require("subscription_id"))
        default: return .unhandled(type: event.type)
        }
    }
}

/// Yoco, the default for ZAR: Standard Webhooks signatures and bodies.
public struct YocoProvider: PaymentProvider {
    public let name = "yoco"
    public let verifier: any WebhookVerifier

    /// - Parameter webhookSecret: the `whsec_…` secret from Yoco's dashboard, from configuration.
    public init?(webhookSecret: String) {
        guard let verifier = StandardWebhookVerifier(secret: webhookSecret) else { return nil }
        self.verifier = verifier
    }

    public func event(from webhook: VerifiedWebhook) throws(ProviderError) -> ProviderEvent {
        try StandardEventBody.event(from: webhook.body)
    }
}

/// The offline provider for the embedded default and tests: signs like Yoco, and can produce
/// the webhook a real provider would send, so a purchase completes with no network.
public struct SandboxProvider: PaymentProvider {
    public let name = "sandbox"
    private let signer: StandardWebhookVerifier
    public var verifier: any WebhookVerifier { signer }

    public init?(webhookSecret: String) {
        guard let signer = StandardWebhookVerifier(secret: webhookSecret) else { return nil }
        self.signer = signer
    }

    public func event(from webhook: VerifiedWebhook) throws(ProviderError) -> ProviderEvent {
        try StandardEventBody.event(from: webhook.body)
    }

    /// The signed webhook announcing `event`, as the sandbox "provider" sends it.
    public func webhook(for event: ProviderEvent, eventId: String, at time: Int64) -> WebhookRequest {
        let (type, key, id, end): (String, String, String, Int64?) =
            switch event {
            case .paymentSucceeded(let payment): ("payment.succeeded", "payment_id", payment, nil)
            case .paymentFailed(let payment): ("payment.failed", "payment_id", payment, nil)
            case .subscriptionRenewed(let sub, let periodEnd): ("subscription.renewed", "subscription_id", sub, periodEnd)
            case .subscriptionPaymentFailed(let sub): ("subscription.payment_failed", "subscription_id", sub, nil)
            case .unhandled(let type): (type, "note", "", nil)
            }
        let periodEnd = end.map { #","period_end":\#($0)"# } ?? ""
        let body = Data(#"{"type":"\#(type)","payload":{"metadata":{"\#(key)":"\#(id)"}\#(periodEnd)}}"#.utf8)
        return WebhookRequest(headers: signer.sign(id: eventId, timestamp: time, body: body), body: body)
    }
}

/// Stripe: its own signature scheme and event bodies,
/// `{"id": "evt_…", "type": "checkout.session.completed", "data": {"object": {"metadata": {…}}}}`.
public struct StripeProvider: PaymentProvider {
    public let name = "stripe"
    public let verifier: any WebhookVerifier

    public init(webhookSecret: String) {
        verifier = StripeWebhookVerifier(secret: webhookSecret)
    }

    struct Body: Decodable {
        struct DataObject: Decodable {
            struct Object: Decodable {
                var metadata: [String: String]?
                var period_end: Int64?
                var status: String?
            }
            var object: Object
        }
        var type: String
        var data: DataObject
    }

    public func event(from webhook: VerifiedWebhook) throws(ProviderError) -> ProviderEvent {
        guard let body = try? JSONDecoder().decode(Body.self, from: webhook.body) else { throw .unreadable("not a Stripe event") }
        let metadata = body.data.object.metadata ?? [:]
        switch (body.type, metadata["payment_id"], metadata["subscription_id"]) {
        case ("checkout.session.completed", let payment?, _), ("payment_intent.succeeded", let payment?, _):
            return .paymentSucceeded(paymentId: payment)
        case ("checkout.session.expired", let payment?, _), ("payment_intent.payment_failed", let payment?, _):
            return .paymentFailed(paymentId: payment)
        case ("invoice.paid", _, let subscription?):
            guard let end = body.data.object.period_end else { throw .unreadable("invoice.paid without period_end") }
            return .subscriptionRenewed(subscriptionId: subscription, periodEnd: end)
        case ("invoice.payment_failed", _, let subscription?):
            return .subscriptionPaymentFailed(subscriptionId: subscription)
        default:
            return .unhandled(type: body.type)
        }
    }
}
