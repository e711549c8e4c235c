public import Foundation

/// What a provider's webhook means to the store, whatever the provider's own words. A payment
/// or subscription is named by our id or by the provider's own reference for it (a Yoco
/// checkout id, a Stripe subscription id): the store knows both.
public enum ProviderEvent: Equatable, Sendable {
    /// `charge` is the provider's id of the settled money when it differs from the checkout's
    /// (Stripe's payment intent), which a refund names.
    case paymentSucceeded(paymentId: String, charge: String? = nil)
    case paymentFailed(paymentId: String)
    /// A subscription's checkout completed; `providerReference` is what the provider's later
    /// invoices name it by.
    case subscriptionStarted(subscriptionId: String, providerReference: String)
    /// A subscription was charged for a period ending at `periodEnd` (UTC seconds).
    case subscriptionRenewed(subscriptionId: String, periodEnd: Int64)
    case subscriptionPaymentFailed(subscriptionId: String)
    /// The provider finished a refund we asked for (`refundId` is ours or the provider's).
    case refundSucceeded(refundId: String)
    case refundFailed(refundId: String)
    /// An event the store does not act on (acknowledged, not an error).
    case unhandled(type: String)
}

public enum ProviderError: Error, Equatable, Sendable {
    /// The body is not an event of this provider's, or lacks our metadata.
    case unreadable(String)
}

/// What to collect at a provider's hosted checkout page.
public struct CheckoutRequest: Equatable, Sendable {
    public enum Kind: String, Equatable, Sendable {
        /// A one-off payment (a credit pack).
        case oneOff
        /// A monthly subscription (a credit plan, a gym's tier).
        case monthly
    }

    /// Our payment's (or subscription's) id: the provider's idempotency key too, so a retried
    /// creation makes one checkout.
    public var reference: String
    public var kind: Kind
    /// Integer minor units of `currency`.
    public var amountCents: Int64
    /// ISO 4217, upper case.
    public var currency: String
    /// What the member sees on the provider's page ("10 credits at Zen Yoga").
    public var description: String
    public var customerEmail: String?
    /// Where the provider sends the member back to.
    public var successURL: String
    public var cancelURL: String
    /// Our ids, carried by the provider's events back to us (`payment_id` or `subscription_id`).
    public var metadata: [String: String]

    public init(
        reference: String, kind: Kind, amountCents: Int64, currency: String, description: String, customerEmail: String? = nil,
        successURL: String, cancelURL: String, metadata: [String: String]
    ) {
        self.reference = reference
        self.kind = kind
        self.amountCents = amountCents
        self.currency = currency
        self.description = description
        self.customerEmail = customerEmail
        self.successURL = successURL
        self.cancelURL = cancelURL
        self.metadata = metadata
    }
}

/// A checkout the provider made: its id and the page the member pays on.
public struct Checkout: Equatable, Sendable {
    /// The provider's id ("ch_…", "cs_…"), which its events and refunds name.
    public var providerReference: String
    public var url: String

    public init(providerReference: String, url: String) {
        self.providerReference = providerReference
        self.url = url
    }
}

/// A refund to ask a provider for: all or part of a settled payment.
public struct RefundRequest: Equatable, Sendable {
    /// Our refund's id: the idempotency key, so a retried refund is made once.
    public var reference: String
    /// The provider's reference of the payment's checkout.
    public var paymentReference: String
    public var amountCents: Int64
    public var currency: String

    public init(reference: String, paymentReference: String, amountCents: Int64, currency: String) {
        self.reference = reference
        self.paymentReference = paymentReference
        self.amountCents = amountCents
        self.currency = currency
    }
}

/// Why a call to a provider did not do what was asked. Nothing of ours changes on either:
/// the same call, with the same idempotency key, can be made again.
public enum ProviderCallError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The provider answered with a refusal (a 4xx): retrying as it is will not help.
    case refused(status: Int, message: String)
    /// The provider could not be reached, timed out or failed (a 5xx): worth retrying.
    case unavailable(String)

    public var description: String {
        switch self {
        case .refused(let status, let message): "refused (\(status)): \(message)"
        case .unavailable(let why): "unavailable: \(why)"
        }
    }
}

/// A payment provider: how its checkouts and refunds are made, how its webhooks are signed and
/// what they say. Our ids ride in the provider's metadata (`payment_id`, `subscription_id`) so
/// an event names its row.
public protocol PaymentProvider: Sendable {
    /// "yoco", "stripe", "sandbox": recorded with payments and webhook events.
    var name: String { get }
    var verifier: any WebhookVerifier { get }
    /// The currencies it takes (upper case), or nil for any.
    var currencies: Set<String>? { get }
    /// Whether its checkout can start a monthly subscription.
    var takesSubscriptions: Bool { get }
    func event(from webhook: VerifiedWebhook) throws(ProviderError) -> ProviderEvent
    func createCheckout(_ request: CheckoutRequest) async throws(ProviderCallError) -> Checkout
    /// Asks for a refund; the provider confirms it later by webhook or at once. Returns the
    /// provider's id of the refund.
    func refund(_ request: RefundRequest) async throws(ProviderCallError) -> String
}

/// Money sent to a gym's account at the provider (a Stripe Connect transfer).
public struct TransferRequest: Equatable, Sendable {
    /// Our payout's id: the idempotency key, so a retried transfer is made once.
    public var reference: String
    /// The gym's connected account ("acct_…").
    public var destination: String
    public var amountCents: Int64
    public var currency: String
    /// On the gym's statement ("SL-1A2B3C4D").
    public var description: String

    public init(reference: String, destination: String, amountCents: Int64, currency: String, description: String) {
        self.reference = reference
        self.destination = destination
        self.amountCents = amountCents
        self.currency = currency
        self.description = description
    }
}

/// A provider that can pay gyms out: returns the provider's id of the transfer.
public protocol PayoutProvider: Sendable {
    func transfer(_ request: TransferRequest) async throws(ProviderCallError) -> String
}

/// A provider's event whose signature and age were checked: all the store is ever given.
public struct VerifiedEvent: Equatable, Sendable {
    public var provider: String
    /// The provider's id of the event, so each is acted on once.
    public var eventId: String
    public var event: ProviderEvent

    public init(provider: String, eventId: String, event: ProviderEvent) {
        self.provider = provider
        self.eventId = eventId
        self.event = event
    }
}

extension PaymentProvider {
    public var currencies: Set<String>? { nil }
    public var takesSubscriptions: Bool { true }

    /// Checks a webhook's signature and age, then reads its event. Throws `WebhookRejection`
    /// (forged, stale, unsigned) or `ProviderError` (not an event of ours).
    public func verifiedEvent(_ request: WebhookRequest, now: Int64) throws -> VerifiedEvent {
        let verified = try verifier.verify(request, now: now)
        return VerifiedEvent(provider: name, eventId: verified.eventId, event: try event(from: verified))
    }
}
