import Booking
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Payments
import Storage

/// Buying credits and subscriptions, and the providers' signed webhooks that confirm them.
/// Nothing is credited until a verified webhook says the money arrived.
struct PaymentRoutes {
    let services: ServerServices

    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!

    struct Purchase: Decodable {
        var packageId: String
        var provider: String?
    }

    struct NewSubscription: Decodable {
        /// A recurring package id ("plan-8"), or "gym_tier" with `tenant_id` and `tier`.
        var plan: String
        var tenantId: String?
        var tier: String?
        var provider: String?
    }

    struct PaymentView: Encodable, Sendable {
        var paymentId: String
        var status: PaymentStatus
        var credits: Int
        var amountCents: Int64
        var currency: String
        var provider: String
    }

    struct SubscriptionView: Encodable, Sendable {
        var subscriptionId: String
        var status: SubscriptionStatus
        var provider: String?
        /// Set once it is cancelled: it runs to the end of the period it was paid for.
        var cancelAtPeriodEnd: Bool?
    }

    func register(on api: RouterGroup<AppContext>) {
        api.get("credit-packages") { _, _ in
            Reply(["packages": services.prices.all])
        }
        api.post("payments/credits/purchase") { request, context in
            let user = try context.requireUser()
            try await services.requireVerified(user)
            guard let key = request.headers[Self.idempotencyKey], !key.isEmpty else {
                throw APIError.validation("an Idempotency-Key header is required, so a retried purchase is not charged twice")
            }
            let body = try await request.json(Purchase.self, context: context)
            guard let package = services.prices.package(id: body.packageId), !package.recurring else {
                throw APIError.validation("package_id must be one of \(services.prices.all.filter { !$0.recurring }.map(\.id).joined(separator: ", "))")
            }
            let provider = try providerName(body.provider)
            let pending = try await services.store.payments.startCreditPurchase(
                member: user, tenant: nil, credits: package.credits, price: Money(cents: package.priceCents, currency: package.currency),
                provider: provider, idempotencyKey: key, now: services.clock.now()
            )
            return Reply(PaymentView(
                paymentId: pending.paymentId, status: pending.status, credits: pending.credits, amountCents: pending.amount.cents,
                currency: pending.amount.currency, provider: provider
            ), status: .created)
        }
        api.post("payments/subscriptions") { request, context in
            let user = try context.requireUser()
            try await services.requireVerified(user)
            let body = try await request.json(NewSubscription.self, context: context)
            let provider = try providerName(body.provider)
            let plan: SubscriptionPlan
            let price: Money
            if body.plan == "gym_tier" {
                guard let tenant = body.tenantId, let tier = body.tier.flatMap(SubscriptionTier.init) else {
                    throw APIError.validation("a gym_tier plan needs tenant_id and tier (\(SubscriptionTier.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                plan = .gymTier(tenant: tenant, tier: tier)
                price = services.prices.tierPrice(tier)
            } else {
                guard let package = services.prices.package(id: body.plan), package.recurring else {
                    throw APIError.validation("plan must be gym_tier or one of \(services.prices.all.filter(\.recurring).map(\.id).joined(separator: ", "))")
                }
                plan = .memberCredits(credits: package.credits, tenant: nil)
                price = Money(cents: package.priceCents, currency: package.currency)
            }
            let id = try await services.store.payments.subscribe(member: user, plan: plan, price: price, provider: provider, now: services.clock.now())
            return Reply(SubscriptionView(subscriptionId: id, status: .pending, provider: provider), status: .created)
        }
        api.delete("payments/subscriptions/{id}") { _, context in
            let user = try context.requireUser()
            let id = try context.parameters.require("id")
            let status = try await services.store.payments.cancelSubscription(id: id, member: user, now: services.clock.now())
            return Reply(SubscriptionView(subscriptionId: id, status: status, provider: nil, cancelAtPeriodEnd: true))
        }
        api.post("payments/webhooks/{provider}") { request, context in
            let name = try context.parameters.require("provider")
            guard let provider = services.providers[name] else { throw APIError.notFound("no payment provider called '\(name)'") }
            let body = try await request.body.collect(upTo: context.maxUploadSize)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let now = services.clock.now()
            // The signature is checked here, at the edge: the store is only ever given a verified event.
            let verified: VerifiedEvent
            do {
                verified = try provider.verifiedEvent(WebhookRequest(headers: headers, body: Data(buffer: body)), now: now)
            } catch {
                throw APIError.validation("webhook refused: \(error)")
            }
            let outcome = try await services.store.payments.apply(verified, now: now)
            return Reply(["result": Self.describe(outcome)])
        }
    }

    /// The provider asked for, or the default one; it must be configured.
    private func providerName(_ asked: String?) throws -> String {
        guard !services.providers.isEmpty else {
            throw APIError(.paymentsUnavailable, "payments are not configured on this server")
        }
        let name = asked ?? services.defaultProvider
        guard services.providers[name] != nil else {
            throw APIError.validation("provider must be one of \(services.providers.keys.sorted().joined(separator: ", ")) (got '\(name)')")
        }
        return name
    }

    static func describe(_ outcome: WebhookOutcome) -> String {
        switch outcome {
        case .credited(_, let credits): "credited \(credits) credits"
        case .failed: "payment failed"
        case .renewed(_, let credits, _): "renewed (\(credits) credits)"
        case .renewalFailed(_, let lapsed): lapsed ? "renewal failed; subscription lapsed" : "renewal failed"
        case .ignored: "already handled"
        case .unknownReference: "acknowledged: no payment or subscription here has that id"
        case .notActedOn(let type): "acknowledged: \(type) events are not acted on"
        }
    }
}
