public import AsyncHTTPClient
import Foundation
public import NIOCore

/// Yoco, the default for ZAR, through its Checkout API (`payments.yoco.com/api`):
/// - a checkout is `POST /checkouts` with the amount in cents, the currency, the three return
///   URLs and our ids as `metadata`, under an `Idempotency-Key`; its `redirectUrl` is the page
///   the member pays on, its `id` ("ch_…") what the events name;
/// - webhooks are Standard Webhooks; `payment.succeeded` carries the checkout id as
///   `payload.metadata.checkoutId`, and refund events carry it too;
/// - a refund is `POST /checkouts/{id}/refund` (answered 202, confirmed by `refund.succeeded`).
public struct YocoProvider: PaymentProvider {
    public let name = "yoco"
    public let verifier: any WebhookVerifier
    public let currencies: Set<String>? = ["ZAR"]
    public let takesSubscriptions = false
    public let baseURL: String
    private let secretKey: String
    private let http: ProviderHTTP

    /// - Parameters:
    ///   - webhookSecret: the `whsec_…` secret from Yoco's dashboard, from configuration.
    ///   - secretKey: the `sk_…` API key, from configuration; without it no checkout can be made.
    public init?(
        webhookSecret: String, secretKey: String = "", baseURL: String = "https://payments.yoco.com/api", client: HTTPClient = .shared,
        timeout: TimeAmount = .seconds(20)
    ) {
        guard let verifier = StandardWebhookVerifier(secret: webhookSecret) else { return nil }
        self.verifier = verifier
        self.secretKey = secretKey
        self.baseURL = baseURL
        http = ProviderHTTP(client: client, timeout: timeout)
    }

    public func event(from webhook: VerifiedWebhook) throws(ProviderError) -> ProviderEvent {
        try StandardEventBody.event(from: webhook.body)
    }

    public func createCheckout(_ request: CheckoutRequest) async throws(ProviderCallError) -> Checkout {
        guard request.kind == .oneOff else {
            throw .refused(status: 0, message: "Yoco's Checkout API takes one-off payments only; subscriptions go through Stripe")
        }
        struct Created: Decodable {
            var id: String
            var redirectUrl: String
        }
        let reply = try await http.post("\(baseURL)/checkouts", headers: headers(idempotencyKey: request.reference), body: .json([
            "amount": request.amountCents, "currency": request.currency, "successUrl": request.successURL,
            "cancelUrl": request.cancelURL, "failureUrl": request.cancelURL, "metadata": request.metadata,
        ]))
        guard let created = try? JSONDecoder().decode(Created.self, from: reply) else {
            throw .unavailable("Yoco's checkout answer has no id and redirectUrl")
        }
        return Checkout(providerReference: created.id, url: created.redirectUrl)
    }

    public func refund(_ request: RefundRequest) async throws(ProviderCallError) -> String {
        struct Accepted: Decodable {
            var refundId: String?
        }
        let reply = try await http.post(
            "\(baseURL)/checkouts/\(request.paymentReference)/refund", headers: headers(idempotencyKey: request.reference),
            body: .json(["amount": request.amountCents, "metadata": ["refund_id": request.reference]])
        )
        return (try? JSONDecoder().decode(Accepted.self, from: reply))?.refundId ?? request.reference
    }

    private func headers(idempotencyKey: String) throws(ProviderCallError) -> [(String, String)] {
        guard !secretKey.isEmpty else { throw .refused(status: 0, message: "no Yoco secret key configured (STUDIOLOOP_YOCO_SECRET_KEY)") }
        return [("Authorization", "Bearer \(secretKey)"), ("Idempotency-Key", idempotencyKey)]
    }
}

/// Reads the Standard Webhooks bodies Yoco sends (and the sandbox imitates):
/// `{"id": "evt_…", "type": "payment.succeeded", "payload": {"id": "p_…", "metadata": {"checkoutId": "ch_…"}}}`.
/// Our own `payment_id` is read first when the metadata has it (the sandbox's do), then the
/// checkout id; a refund event names the provider's refund (`payload.id`); renewals name `subscription_id` with a `period_end`.
struct StandardEventBody: Decodable {
    struct Payload: Decodable {
        /// The provider's id of the payment or refund the event is about.
        var id: String?
        var metadata: [String: String]?
        var period_end: Int64?
    }
    var type: String
    var payload: Payload

    static func event(from body: Data) throws(ProviderError) -> ProviderEvent {
        guard let event = try? JSONDecoder().decode(Self.self, from: body) else { throw .unreadable("not a Standard Webhooks event") }
        let metadata = event.payload.metadata ?? [:]
        func first(_ keys: String...) throws(ProviderError) -> String {
            for key in keys { if let value = metadata[key], !value.isEmpty { return value } }
            throw .unreadable("\(event.type) without \(keys.joined(separator: " or "))")
        }
        switch event.type {
        case "payment.succeeded": return .paymentSucceeded(paymentId: try first("payment_id", "checkoutId"))
        case "payment.failed": return .paymentFailed(paymentId: try first("payment_id", "checkoutId"))
        case "refund.succeeded", "refund.failed":
            guard let refund = metadata["refund_id"] ?? event.payload.id, !refund.isEmpty else { throw .unreadable("\(event.type) without an id") }
            return event.type == "refund.succeeded" ? .refundSucceeded(refundId: refund) : .refundFailed(refundId: refund)
        case "subscription.renewed":
            guard let end = event.payload.period_end else { throw .unreadable("subscription.renewed without period_end") }
            return .subscriptionRenewed(subscriptionId: try first("subscription_id"), periodEnd: end)
        case "subscription.payment_failed": return .subscriptionPaymentFailed(subscriptionId: try first("subscription_id"))
        default: return .unhandled(type: event.type)
        }
    }
}
