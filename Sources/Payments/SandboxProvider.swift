import Foundation

/// The offline provider for the embedded default and tests. Its checkout page is served by
/// the server itself (`/sandbox/checkout/{id}`, development mode only); paying there makes it
/// send the signed webhook a real provider would, through the same verification path.
public struct SandboxProvider: PaymentProvider {
    public let name = "sandbox"
    private let signer: StandardWebhookVerifier
    public var verifier: any WebhookVerifier { signer }
    /// Where the server that serves the sandbox's checkout pages is reached.
    public let baseURL: String

    public init?(webhookSecret: String, baseURL: String = "http://127.0.0.1:8080") {
        guard let signer = StandardWebhookVerifier(secret: webhookSecret) else { return nil }
        self.signer = signer
        self.baseURL = baseURL
    }

    public func event(from webhook: VerifiedWebhook) throws(ProviderError) -> ProviderEvent {
        try StandardEventBody.event(from: webhook.body)
    }

    public func createCheckout(_ request: CheckoutRequest) async throws(ProviderCallError) -> Checkout {
        Checkout(providerReference: "sbx_" + request.reference, url: "\(baseURL)/sandbox/checkout/\(request.reference)")
    }

    /// Sandbox refunds succeed at once; the webhook that says so is `webhook(for: .refundSucceeded…)`.
    public func refund(_ request: RefundRequest) async throws(ProviderCallError) -> String {
        "sbx_" + request.reference
    }

    /// The signed webhook announcing `event`, as the sandbox "provider" sends it.
    public func webhook(for event: ProviderEvent, eventId: String, at time: Int64) -> WebhookRequest {
        let (type, key, id, end): (String, String, String, Int64?) =
            switch event {
            case .paymentSucceeded(let payment, _): ("payment.succeeded", "payment_id", payment, nil)
            case .paymentFailed(let payment): ("payment.failed", "payment_id", payment, nil)
            case .subscriptionStarted(let sub, _): ("subscription.started", "subscription_id", sub, nil)
            case .subscriptionRenewed(let sub, let periodEnd): ("subscription.renewed", "subscription_id", sub, periodEnd)
            case .subscriptionPaymentFailed(let sub): ("subscription.payment_failed", "subscription_id", sub, nil)
            case .refundSucceeded(let refund): ("refund.succeeded", "refund_id", refund, nil)
            case .refundFailed(let refund): ("refund.failed", "refund_id", refund, nil)
            case .unhandled(let type): (type, "note", "", nil)
            }
        var payload: [String: Any] = ["metadata": [key: id]]
        if let end { payload["period_end"] = end }
        let body = try! JSONSerialization.data(withJSONObject: ["id": eventId, "type": type, "payload": payload], options: [.sortedKeys])
        return WebhookRequest(headers: signer.sign(id: eventId, timestamp: time, body: body), body: body)
    }
}
