import Foundation
import HTTPTypes
import Hummingbird
import Notifications

/// Meta's WhatsApp webhook: the subscription handshake, and signed notifications of members
/// writing to us, which open WhatsApp's 24-hour window for free text to them.
struct WhatsAppWebhookRoutes {
    let services: ServerServices

    func register(on api: RouterGroup<AppContext>) {
        api.get("webhooks/whatsapp") { request, _ -> Response in
            let webhook = try configured()
            let query = request.uri.queryParameters
            guard query["hub.mode"] == "subscribe", let token = webhook.verifyToken, query["hub.verify_token"].map(String.init) == token,
                let challenge = query["hub.challenge"], !challenge.isEmpty, challenge.count <= 200
            else { throw APIError.forbidden("the verify token does not match this server's STUDIOLOOP_WHATSAPP_VERIFY_TOKEN") }
            return Response(status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: String(challenge))))
        }
        api.post("webhooks/whatsapp") { request, context in
            let webhook = try configured()
            let body = Array(buffer: try await request.body.collect(upTo: context.maxUploadSize))
            guard webhook.isSigned(body, signature: request.headers[HTTPField.Name("X-Hub-Signature-256")!]) else {
                throw APIError.unauthenticated("X-Hub-Signature-256 does not sign this body with the app secret")
            }
            let inbound = WhatsAppWebhook.inbound(in: body)
            try await services.store.accounts.recordWhatsAppMessages(inbound.map { ($0.phone, $0.at) }, now: services.clock.now())
            return Reply(["received": inbound.count])
        }
    }

    private func configured() throws -> WhatsAppWebhook {
        guard let webhook = services.whatsappWebhook else { throw APIError.notFound("the WhatsApp webhook is not configured (STUDIOLOOP_WHATSAPP_APP_SECRET)") }
        return webhook
    }
}
