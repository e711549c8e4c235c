import Foundation
import HTTPTypes
import Payments
import Storage

/// The server's calls to payment providers and its intake of their webhooks, in one place so
/// that a provider's refusal or silence always reads the same way to a client (502 or 503,
/// never a 500) and every webhook, the sandbox's too, passes the same verification.
extension ServerServices {
    /// Makes a checkout at `provider`.
    func checkout(_ request: CheckoutRequest, with provider: any PaymentProvider) async throws -> Checkout {
        do {
            return try await provider.createCheckout(request)
        } catch {
            throw Self.apiError(error, provider: provider.name)
        }
    }

    /// Where the provider sends the member back to after paying or giving up.
    func returnURL(_ reference: String, _ result: String) -> String {
        "\(publicURL)/checkout/return?reference=\(reference)&result=\(result)"
    }

    /// Checks a webhook's signature and age at the edge, then gives the store the verified
    /// event: the store is never given anything else.
    func receiveWebhook(_ request: WebhookRequest, from provider: any PaymentProvider) async throws -> WebhookOutcome {
        let now = clock.now()
        let verified: VerifiedEvent
        do {
            verified = try provider.verifiedEvent(request, now: now)
        } catch {
            throw APIError.validation("webhook refused: \(error)")
        }
        return try await store.payments.apply(verified, now: now)
    }

    /// Asks the provider for a refund the store has taken the credits for, and records what it
    /// said. The sandbox confirms at once, by its own signed webhook.
    func submitRefund(_ due: DueRefund, with provider: any PaymentProvider, now: Int64) async throws -> RefundRecord {
        let reference: String
        do {
            reference = try await provider.refund(due.request)
        } catch {
            return try await store.payments.refundAttemptFailed(due.request.reference, error: error, now: now)
        }
        let submitted = try await store.payments.refundSubmitted(due.request.reference, providerReference: reference, now: now)
        if let sandbox = provider as? SandboxProvider {
            let webhook = sandbox.webhook(for: .refundSucceeded(refundId: due.request.reference), eventId: "evt_sbx_refund_\(due.request.reference)", at: now)
            _ = try await receiveWebhook(webhook, from: sandbox)
            return try await store.payments.refund(id: submitted.refundId)
        }
        return submitted
    }

    /// Retries the refunds whose provider was unreachable; returns how many were retried.
    public func retryDueRefunds(now: Int64) async throws -> Int {
        var retried = 0
        for due in try await store.payments.dueRefunds(now: now) {
            guard let provider = providers[due.provider] else { continue }
            _ = try await submitRefund(due, with: provider, now: now)
            retried += 1
        }
        return retried
    }

    /// Makes the Stripe Connect transfers payouts wait for; one that fails waits, with why, for
    /// the next run (the same payout id is the same idempotency key, so it is made once).
    func sendDueTransfers(now: Int64) async throws {
        let due = try await store.payouts.dueTransfers()
        guard !due.isEmpty else { return }
        guard let stripe = providers["stripe"] as? any PayoutProvider else {
            for transfer in due { try await store.payouts.transferFailed(transfer.payoutId, error: "Stripe is not configured on this server", now: now) }
            return
        }
        for transfer in due {
            let made: Result<String, ProviderCallError>
            do {
                made = .success(try await stripe.transfer(TransferRequest(
                    reference: transfer.payoutId, destination: transfer.destination, amountCents: transfer.amount.cents,
                    currency: transfer.amount.currency, description: "StudioLoop payout \(transfer.reference)"
                )))
            } catch {
                made = .failure(error)
            }
            switch made {
            case .success(let id): try await store.payouts.transferSucceeded(transfer.payoutId, providerReference: id, now: now)
            case .failure(let error): try await store.payouts.transferFailed(transfer.payoutId, error: error.description, now: now)
            }
        }
    }

    static func apiError(_ error: ProviderCallError, provider: String) -> APIError {
        switch error {
        case .refused(let status, let message):
            APIError(.providerRefused, "\(provider) refused the request (\(status)): \(message)")
        case .unavailable:
            // The detail (a URL, a provider's message) goes to the log, not to the client.
            APIError(.providerUnavailable, "\(provider) did not answer in time; retry with the same Idempotency-Key", headers: [.retryAfter: "5"])
        }
    }
}
