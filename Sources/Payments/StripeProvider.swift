public import AsyncHTTPClient
import Foundation
public import NIOCore

/// Stripe, for the currencies Yoco does not take, through Checkout Sessions
/// (`POST /v1/checkout/sessions`, form-encoded, `mode=payment` for packs and
/// `mode=subscription` for plans, our ids in `metadata`, `client_reference_id` and the
/// payment intent's or subscription's own metadata, under an `Idempotency-Key`), refunds
/// (`POST /v1/refunds` on the payment intent) and Connect transfers for payouts. Events are
/// read the way Stripe's own example objects look (`../shared/data/stripe/`): an invoice names
/// its subscription under `parent.subscription_details` (the older top-level `subscription`
/// too), and its period on its lines.
public struct StripeProvider: PaymentProvider, PayoutProvider {
    public let name = "stripe"
    public let verifier: any WebhookVerifier
    public let baseURL: String
    private let secretKey: String
    private let http: ProviderHTTP

    /// - Parameters:
    ///   - webhookSecret: the endpoint's `whsec_…` signing secret, from configuration.
    ///   - secretKey: the `sk_…` API key, from configuration; without it no checkout can be made.
    public init(
        webhookSecret: String, secretKey: String = "", baseURL: String = "https://api.stripe.com", client: HTTPClient = .shared,
        timeout: TimeAmount = .seconds(20)
    ) {
        verifier = StripeWebhookVerifier(secret: webhookSecret)
        self.secretKey = secretKey
        self.baseURL = baseURL
        http = ProviderHTTP(client: client, timeout: timeout)
    }

    public func createCheckout(_ request: CheckoutRequest) async throws(ProviderCallError) -> Checkout {
        struct Created: Decodable {
            var id: String
            var url: String
        }
        var form: [(String, String)] = [
            ("mode", request.kind == .monthly ? "subscription" : "payment"),
            ("success_url", request.successURL), ("cancel_url", request.cancelURL), ("client_reference_id", request.reference),
            ("line_items[0][quantity]", "1"),
            ("line_items[0][price_data][currency]", request.currency.lowercased()),
            ("line_items[0][price_data][unit_amount]", String(request.amountCents)),
            ("line_items[0][price_data][product_data][name]", request.description),
        ]
        if request.kind == .monthly { form.append(("line_items[0][price_data][recurring][interval]", "month")) }
        if let email = request.customerEmail { form.append(("customer_email", email)) }
        // Our ids on the session, and on what it makes, so every later event carries them.
        let carrier = request.kind == .monthly ? "subscription_data" : "payment_intent_data"
        for (key, value) in request.metadata.sorted(by: { $0.key < $1.key }) {
            form += [("metadata[\(key)]", value), ("\(carrier)[metadata][\(key)]", value)]
        }
        let reply = try await http.post("\(baseURL)/v1/checkout/sessions", headers: try headers(request.reference), body: .form(form))
        guard let created = try? JSONDecoder().decode(Created.self, from: reply) else {
            throw .unavailable("Stripe's checkout session has no id and url")
        }
        return Checkout(providerReference: created.id, url: created.url)
    }

    public func refund(_ request: RefundRequest) async throws(ProviderCallError) -> String {
        struct Created: Decodable { var id: String }
        let reply = try await http.post("\(baseURL)/v1/refunds", headers: try headers(request.reference), body: .form([
            ("payment_intent", request.paymentReference), ("amount", String(request.amountCents)),
            ("metadata[refund_id]", request.reference),
        ]))
        guard let created = try? JSONDecoder().decode(Created.self, from: reply) else { throw .unavailable("Stripe's refund has no id") }
        return created.id
    }

    /// A Connect transfer to the gym's account: `POST /v1/transfers` with the amount, currency,
    /// `destination`, our payout id in `metadata` and as `transfer_group`, under its key.
    public func transfer(_ request: TransferRequest) async throws(ProviderCallError) -> String {
        struct Created: Decodable { var id: String }
        let reply = try await http.post("\(baseURL)/v1/transfers", headers: try headers(request.reference), body: .form([
            ("amount", String(request.amountCents)), ("currency", request.currency.lowercased()), ("destination", request.destination),
            ("transfer_group", request.reference), ("description", request.description), ("metadata[payout_id]", request.reference),
        ]))
        guard let created = try? JSONDecoder().decode(Created.self, from: reply) else { throw .unavailable("Stripe's transfer has no id") }
        return created.id
    }

    private func headers(_ idempotencyKey: String) throws(ProviderCallError) -> [(String, String)] {
        guard !secretKey.isEmpty else { throw .refused(status: 0, message: "no Stripe secret key configured (STUDIOLOOP_STRIPE_SECRET_KEY)") }
        return [("Authorization", "Bearer \(secretKey)"), ("Idempotency-Key", idempotencyKey)]
    }

    /// The parts of an event's `data.object` that matter, whichever object it is.
    struct Body: Decodable {
        struct DataObject: Decodable {
            var object: Object
        }
        struct Object: Decodable {
            struct Parent: Decodable {
                struct SubscriptionDetails: Decodable {
                    var metadata: [String: String]?
                    var subscription: String?
                }
                var subscription_details: SubscriptionDetails?
            }
            struct Lines: Decodable {
                struct Line: Decodable {
                    struct Period: Decodable { var end: Int64? }
                    var period: Period?
                }
                var data: [Line]
            }
            var id: String?
            var metadata: [String: String]?
            var client_reference_id: String?
            var mode: String?
            var payment_status: String?
            var payment_intent: String?
            var subscription: String?
            var parent: Parent?
            var lines: Lines?
            var period_end: Int64?
            var status: String?
        }
        var type: String
        var data: DataObject
    }

    public func event(from webhook: VerifiedWebhook) throws(ProviderError) -> ProviderEvent {
        guard let body = try? JSONDecoder().decode(Body.self, from: webhook.body) else { throw .unreadable("not a Stripe event") }
        let object = body.data.object, metadata = object.metadata ?? [:]
        let ours = metadata["payment_id"] ?? object.client_reference_id
        switch body.type {
        case "checkout.session.completed", "checkout.session.async_payment_succeeded":
            if object.mode == "subscription" {
                guard let id = metadata["subscription_id"] ?? object.client_reference_id, let reference = object.subscription else {
                    throw .unreadable("\(body.type) without our subscription_id or Stripe's subscription")
                }
                return .subscriptionStarted(subscriptionId: id, providerReference: reference)
            }
            // A delayed method (a bank debit) completes the session unpaid; its money comes later.
            guard object.payment_status == "paid" || object.payment_status == "no_payment_required" else {
                return .unhandled(type: "\(body.type) (\(object.payment_status ?? "unpaid"))")
            }
            guard let payment = ours else { throw .unreadable("\(body.type) without our payment_id") }
            return .paymentSucceeded(paymentId: payment, charge: object.payment_intent)
        case "checkout.session.expired", "checkout.session.async_payment_failed":
            guard object.mode != "subscription" else { return .unhandled(type: "\(body.type) (subscription)") }
            guard let payment = ours else { throw .unreadable("\(body.type) without our payment_id") }
            return .paymentFailed(paymentId: payment)
        case "payment_intent.succeeded", "payment_intent.payment_failed":
            guard let payment = metadata["payment_id"] else { throw .unreadable("\(body.type) without our payment_id") }
            return body.type == "payment_intent.succeeded" ? .paymentSucceeded(paymentId: payment, charge: object.id) : .paymentFailed(paymentId: payment)
        case "invoice.paid", "invoice.payment_failed":
            let details = object.parent?.subscription_details
            guard let subscription = details?.metadata?["subscription_id"] ?? metadata["subscription_id"] ?? details?.subscription ?? object.subscription
            else { throw .unreadable("\(body.type) names no subscription") }
            guard body.type == "invoice.paid" else { return .subscriptionPaymentFailed(subscriptionId: subscription) }
            // The period paid for is on the invoice's lines; the top-level period_end is the
            // invoice's own (kept as the fallback for older payloads).
            guard let end = object.lines?.data.compactMap(\.period?.end).max() ?? object.period_end else {
                throw .unreadable("invoice.paid without a period")
            }
            return .subscriptionRenewed(subscriptionId: subscription, periodEnd: end)
        case "refund.created", "refund.updated", "refund.failed", "charge.refund.updated":
            guard let refund = metadata["refund_id"] ?? object.id else { throw .unreadable("\(body.type) without a refund id") }
            switch object.status {
            case "succeeded": return .refundSucceeded(refundId: refund)
            case "failed", "canceled": return .refundFailed(refundId: refund)
            default: return .unhandled(type: "\(body.type) (\(object.status ?? "no status"))")
            }
        default:
            return .unhandled(type: body.type)
        }
    }
}
