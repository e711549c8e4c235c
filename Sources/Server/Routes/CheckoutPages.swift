import Booking
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Payments
import Storage

/// The pages a checkout passes through on this server: the sandbox provider's own checkout
/// (development mode only), where "Pay" and "Decline" make the sandbox send its signed webhook
/// through the same verification as a real provider's; and the page providers send members
/// back to.
struct CheckoutPages {
    let services: ServerServices

    func register(on router: Router<AppContext>) {
        router.get("checkout/return") { request, _ in
            let result = request.uri.queryParameters.get("result") ?? "success"
            return result == "cancel"
                ? Self.page("Payment cancelled", "<p>Nothing was charged. You can close this page and try again from the app.</p>")
                : Self.page("Thank you", "<p>Your payment is being confirmed; the app shows your credits as soon as it is. You can close this page.</p>")
        }
        guard let sandbox = services.providers["sandbox"] as? SandboxProvider else { return }
        router.get("sandbox/checkout/{id}") { _, context in
            let id = try context.parameters.require("id")
            let summary = try await summary(id)
            guard summary.isOpen else { return Self.page("Already settled", "<p>This checkout was already paid or declined.</p>") }
            let action = "/sandbox/checkout/\(Self.escape(id))"
            return Self.page("Sandbox checkout", """
                <p class="what">\(Self.escape(summary.description))</p>
                <p class="amount">\(Self.escape(summary.amount.description))\(summary.isSubscription ? " a month" : "")</p>
                <p class="note">This is the sandbox: no money moves. Paying sends the signed webhook a real provider would.</p>
                <form method="post" action="\(action)"><input type="hidden" name="outcome" value="pay"><button id="pay">Pay</button></form>
                <form method="post" action="\(action)"><input type="hidden" name="outcome" value="decline"><button id="decline">Decline</button></form>
                """)
        }
        router.post("sandbox/checkout/{id}") { request, context in
            let id = try context.parameters.require("id")
            let summary = try await summary(id)
            let form = String(buffer: try await request.body.collect(upTo: 4_096))
            let outcome = URLComponents(string: "?" + form.replacingOccurrences(of: "+", with: " "))?.queryItems?.first { $0.name == "outcome" }?.value
            guard let pays = ["pay": true, "decline": false][outcome ?? ""] else {
                throw APIError.validation("outcome must be pay or decline")
            }
            let now = services.clock.now()
            let event: ProviderEvent =
                switch (summary.isSubscription, pays) {
                case (false, true): .paymentSucceeded(paymentId: id)
                case (false, false): .paymentFailed(paymentId: id)
                case (true, true): .subscriptionRenewed(subscriptionId: id, periodEnd: now + 30 * 86_400)
                case (true, false): .subscriptionPaymentFailed(subscriptionId: id)
                }
            // One event per checkout: paying twice, or paying after declining, changes nothing.
            let outcomeOfWebhook = try await services.receiveWebhook(sandbox.webhook(for: event, eventId: "evt_sbx_\(id)", at: now), from: sandbox)
            let result = PaymentRoutes.describe(outcomeOfWebhook)
            if request.headers[.accept]?.contains("application/json") == true { return try Reply(["result": result]).response(from: request, context: context) }
            return Self.page(pays ? "Paid" : "Declined", """
                <p id="result">\(Self.escape(result))</p>
                <p><a href="\(Self.escape(services.returnURL(id, pays ? "success" : "cancel")))">Back to StudioLoop</a></p>
                """)
        }
    }

    /// The checkout's payment or subscription, if the sandbox made it.
    private func summary(_ id: String) async throws -> CheckoutSummary {
        guard let summary = try await services.store.payments.checkoutSummary(reference: id), summary.provider == "sandbox" else {
            throw APIError.notFound("no sandbox checkout with id '\(id)'")
        }
        return summary
    }

    /// A small page of our own: no scripts, no outside resources, forms only to this server.
    static func page(_ title: String, _ body: String) -> Response {
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(title)) · StudioLoop</title>
            <style>body{font-family:system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}.amount{font-size:2rem;font-weight:600}
            button{font-size:1.1rem;padding:.6rem 1.4rem;margin:.3rem 0}.note{color:#555}</style></head>
            <body><h1>\(escape(title))</h1>
            \(body)
            </body></html>
            """
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8",
                .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
                .cacheControl: "no-store",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html))
        )
    }

    static func escape(_ text: String) -> String { APIDocsPage.escape(text) }
}
