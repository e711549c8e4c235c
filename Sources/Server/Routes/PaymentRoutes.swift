import Booking
import Datasets
import Domain
import Foundation
import HTTPTypes
import Hummingbird
import Payments
import Storage

/// Buying credits and subscriptions through a provider's hosted checkout, seeing a purchase,
/// refunding what is left of it, and the providers' signed webhooks that settle them. Nothing
/// is credited until a verified webhook says the money arrived.
struct PaymentRoutes {
    let services: ServerServices

    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!

    struct Purchase: Decodable {
        /// A platform package ("credits-10") or a gym's own pack (its id).
        var packageId: String
        /// When given, the pack must be this gym's.
        var tenantId: String?
        /// The currency to buy universal credits in (a gym's pack is in the gym's); the
        /// platform's unless given.
        var currency: String?
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
        var tenantId: String?
        var packageId: String?
        /// The provider's page to pay on; open it (or POST its form, in the sandbox).
        var checkoutUrl: String?
        var createdAt: String
        var updatedAt: String
        var refunds: [RefundView]?
    }

    struct RefundView: Encodable, Sendable {
        var refundId: String
        var paymentId: String
        var status: RefundStatus
        var credits: Int
        var amountCents: Int64
        var currency: String
        var lastError: String?
        var createdAt: String
        var updatedAt: String
    }

    struct SubscriptionView: Encodable, Sendable {
        var subscriptionId: String
        var status: SubscriptionStatus
        var provider: String?
        var checkoutUrl: String?
        /// Set once it is cancelled: it runs to the end of the period it was paid for.
        var cancelAtPeriodEnd: Bool?
    }

    func register(on api: RouterGroup<AppContext>) {
        api.get("credit-packages") { request, _ in
            let currency = request.uri.queryParameters.get("currency").map { String($0).uppercased() } ?? services.prices.currencies.base.currency
            guard let packages = services.prices.all(in: currency) else { throw Self.unknownCurrency(currency, services) }
            return Reply(["packages": packages])
        }
        api.post("payments/credits/purchase") { request, context in
            let user = try context.requireUser()
            try await services.requireVerified(user)
            guard let key = request.headers[Self.idempotencyKey], !key.isEmpty else {
                throw APIError.validation("an Idempotency-Key header is required, so a retried purchase is not charged twice")
            }
            let body = try await request.json(Purchase.self, context: context)
            return Reply(Self.view(try await purchase(body, member: user, idempotencyKey: key)), status: .created)
        }
        api.get("payments/{id}") { _, context in
            let user = try context.requireUser()
            let id = try context.parameters.require("id")
            let payment = try await services.store.payments.payment(id: id, member: user)
            var view = Self.view(payment)
            view.refunds = try await services.store.payments.refunds(payment: id, member: user).map(Self.view)
            return Reply(view)
        }
        api.post("payments/{id}/refund") { _, context in
            let user = try context.requireUser()
            let id = try context.parameters.require("id")
            let now = services.clock.now()
            let (refund, due): (RefundRecord, DueRefund)
            do {
                (refund, due) = try await services.store.payments.requestRefund(
                    payment: id, member: user, windowDays: services.refundWindowDays, now: now
                )
            } catch StoreError.unprocessable(let why) {
                throw APIError(.notRefundable, why)
            } catch StoreError.conflict(let why) {
                throw APIError(.notRefundable, why)
            }
            guard let provider = services.providers[due.provider] else {
                // The provider was configured when the member paid and is not now: the refund
                // waits, and is made when it is configured again.
                return Reply(Self.view(refund), status: .accepted)
            }
            let settled = try await services.submitRefund(due, with: provider, now: now)
            // Settled (succeeded, or refused and the credits given back): 200; on its way: 202.
            return Reply(Self.view(settled), status: [.succeeded, .failed].contains(settled.status) ? .ok : .accepted)
        }
        api.post("payments/subscriptions") { request, context in
            let user = try context.requireUser()
            try await services.requireVerified(user)
            let body = try await request.json(NewSubscription.self, context: context)
            let plan: SubscriptionPlan
            let price: Money
            let description: String
            if body.plan == "gym_tier" {
                guard let tenant = body.tenantId, let tier = body.tier.flatMap(SubscriptionTier.init) else {
                    throw APIError.validation("a gym_tier plan needs tenant_id and tier (\(SubscriptionTier.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                plan = .gymTier(tenant: tenant, tier: tier)
                price = services.prices.tierPrice(tier)
                description = "StudioLoop \(tier.rawValue) tier, monthly"
            } else if let package = services.prices.package(id: body.plan), package.recurring {
                plan = .memberCredits(credits: package.credits, tenant: nil)
                price = Money(cents: package.priceCents, currency: package.currency)
                description = "\(package.credits) StudioLoop credits a month"
            } else if let pack = try await services.store.packages.package(id: body.plan), pack.recurring, pack.isActive {
                // A gym's own monthly plan: its credits, at that gym, in its currency.
                if let tenant = body.tenantId, tenant != pack.tenantId { throw APIError.validation("that plan is not sold by tenant \(tenant)") }
                plan = .memberCredits(credits: pack.credits, tenant: pack.tenantId)
                price = pack.price
                description = "\(pack.name): \(pack.credits) credits a month"
            } else {
                throw APIError.validation(
                    "plan must be gym_tier, a gym's monthly plan (GET /tenants/{slug}/credit-packages) or one of \(services.prices.all.filter(\.recurring).map(\.id).joined(separator: ", "))"
                )
            }
            let provider = try services.provider(body.provider, currency: price.currency, recurring: true)
            let now = services.clock.now()
            let id = try await services.store.payments.subscribe(
                member: user, plan: plan, price: price, provider: provider.name, packageId: body.plan == "gym_tier" ? nil : body.plan, now: now
            )
            let checkout: Checkout
            do {
                checkout = try await services.checkout(CheckoutRequest(
                    reference: id, kind: .monthly, amountCents: price.cents, currency: price.currency, description: description,
                    successURL: services.returnURL(id, "success"), cancelURL: services.returnURL(id, "cancel"), metadata: ["subscription_id": id]
                ), with: provider)
            } catch {
                // Nobody can pay a checkout that was never made: the subscription does not wait for one.
                try await services.store.payments.abandonSubscription(id, member: user, now: now)
                throw error
            }
            try await services.store.payments.attachCheckout(checkout, toSubscription: id, member: user, now: now)
            return Reply(SubscriptionView(subscriptionId: id, status: .pending, provider: provider.name, checkoutUrl: checkout.url), status: .created)
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
            let outcome = try await services.receiveWebhook(WebhookRequest(headers: headers, body: Data(buffer: body)), from: provider)
            return Reply(["result": Self.describe(outcome)])
        }
    }

    /// What the purchase buys, priced by the platform's list or the gym's own pack.
    /// Starts buying credits (once per idempotency key) and opens the provider's checkout for it.
    func purchase(_ body: Purchase, member: String, idempotencyKey key: String) async throws -> PaymentRecord {
        let order = try await order(for: body)
        let provider = try services.provider(body.provider, currency: order.price.currency, recurring: false)
        var payment = try await services.store.payments.startCreditPurchase(
            member: member, order: order, provider: provider.name, idempotencyKey: key, now: services.clock.now()
        )
        if payment.checkoutURL == nil, payment.status == .pending {
            payment = try await openCheckout(for: payment, order: order, member: member, provider: provider)
        }
        return payment
    }

    private func order(for body: Purchase) async throws -> CreditOrder {
        if services.prices.package(id: body.packageId) != nil {
            let currency = body.currency?.uppercased() ?? services.prices.currencies.base.currency
            guard let package = services.prices.package(id: body.packageId, in: currency) else { throw Self.unknownCurrency(currency, services) }
            guard !package.recurring else { throw APIError.validation("\(package.id) is a monthly plan: subscribe with POST /payments/subscriptions") }
            guard body.tenantId == nil else {
                throw APIError.validation("\(package.id) buys universal credits; a gym's own packs are listed at GET /tenants/{slug}/credit-packages")
            }
            return CreditOrder(
                tenant: nil, packageId: package.id, credits: package.credits, price: Money(cents: package.priceCents, currency: package.currency),
                description: "\(package.credits) StudioLoop credits"
            )
        }
        guard let pack = try await services.store.packages.package(id: body.packageId), pack.isActive else {
            throw APIError.validation(
                "package_id must be a gym's active pack (GET /tenants/{slug}/credit-packages) or one of \(services.prices.all.filter { !$0.recurring }.map(\.id).joined(separator: ", "))"
            )
        }
        if let tenant = body.tenantId, tenant != pack.tenantId { throw APIError.validation("that pack is not sold by tenant \(tenant)") }
        guard !pack.recurring else { throw APIError.validation("that is a monthly plan: subscribe with POST /payments/subscriptions {\"plan\": \"\(pack.id)\"}") }
        if let currency = body.currency, currency.uppercased() != pack.price.currency {
            throw APIError.validation("a gym's pack is sold in its currency, \(pack.price.currency)")
        }
        let gym = try await services.store.catalog.gymCommerce(pack.tenantId)
        return CreditOrder(
            tenant: pack.tenantId, packageId: pack.id, credits: pack.credits, price: pack.price, validityDays: pack.validityDays,
            description: "\(pack.name): \(pack.credits) credits at \(gym?.name ?? "the gym")"
        )
    }

    /// Makes the provider's checkout for a pending payment and records it. A provider that is
    /// down leaves the payment pending without a checkout: the same request again (same
    /// Idempotency-Key) asks the provider again with the same key, so one checkout is ever made.
    private func openCheckout(for payment: PaymentRecord, order: CreditOrder, member: String, provider: any PaymentProvider) async throws -> PaymentRecord {
        let now = services.clock.now()
        let checkout: Checkout
        do {
            checkout = try await services.checkout(CheckoutRequest(
                reference: payment.paymentId, kind: .oneOff, amountCents: payment.amount.cents, currency: payment.amount.currency,
                description: order.description, successURL: services.returnURL(payment.paymentId, "success"),
                cancelURL: services.returnURL(payment.paymentId, "cancel"), metadata: ["payment_id": payment.paymentId]
            ), with: provider)
        } catch let error as APIError where error.code == .providerRefused {
            try await services.store.payments.abandonPayment(payment.paymentId, member: member, now: now)
            throw error
        }
        return try await services.store.payments.attachCheckout(checkout, toPayment: payment.paymentId, member: member, now: now)
    }

    static func unknownCurrency(_ currency: String, _ services: ServerServices) -> APIError {
        APIError.validation("currency must be one of \(services.prices.currencies.all.joined(separator: ", ")) (got '\(currency)')")
    }

    static func view(_ payment: PaymentRecord) -> PaymentView {
        PaymentView(
            paymentId: payment.paymentId, status: payment.status, credits: payment.credits, amountCents: payment.amount.cents,
            currency: payment.amount.currency, provider: payment.provider, tenantId: payment.tenantId, packageId: payment.packageId,
            checkoutUrl: payment.checkoutURL, createdAt: ISO8601.format(payment.createdAt),
            updatedAt: ISO8601.format(payment.updatedAt)
        )
    }

    static func view(_ refund: RefundRecord) -> RefundView {
        RefundView(
            refundId: refund.refundId, paymentId: refund.paymentId, status: refund.status, credits: refund.credits,
            amountCents: refund.amount.cents, currency: refund.amount.currency, lastError: refund.lastError,
            createdAt: ISO8601.format(refund.createdAt), updatedAt: ISO8601.format(refund.updatedAt)
        )
    }

    static func describe(_ outcome: WebhookOutcome) -> String {
        switch outcome {
        case .credited(_, let credits): "credited \(credits) credits"
        case .failed: "payment failed"
        case .linked: "subscription linked to the provider's"
        case .renewed(_, let credits, _): "renewed (\(credits) credits)"
        case .renewalFailed(_, let lapsed): lapsed ? "renewal failed; subscription lapsed" : "renewal failed"
        case .refunded: "refunded"
        case .refundFailed: "refund failed; credits given back"
        case .ignored: "already handled"
        case .unknownReference: "acknowledged: no payment or subscription here has that id"
        case .notActedOn(let type): "acknowledged: \(type) events are not acted on"
        }
    }
}
