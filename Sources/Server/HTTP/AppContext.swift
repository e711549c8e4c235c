public import Hummingbird
public import Logging
import Foundation

/// What a request carries through the middleware to its route: its id, and who is asking once
/// the bearer token has been checked.
public struct AppContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Echoed in `X-Request-ID`, in every error envelope and in the server's error log lines.
    public var requestId = ""

    /// The request's id as log metadata, for the log lines of a failed request.
    public var requestMetadata: Logger.Metadata { ["request_id": .string(requestId)] }
    /// The signed-in user, from a valid access token; nil for anonymous requests.
    public var userId: String?
    /// The gym an `X-Tenant-ID` header named, once checked.
    public var tenantId: String?

    /// The peer's IP address ("unknown" when the transport has none).
    public let remoteAddress: String
    /// The client's address for per-client limits: the peer, or the address a trusted proxy
    /// forwarded.
    public var clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
        clientAddress = remoteAddress
    }

    /// Request bodies are small JSON documents; polygons are the largest (10,000 vertices).
    public var maxUploadSize: Int { 1 << 20 }
    public var requestDecoder: APIDecoder { APIDecoder() }
    public var responseEncoder: APIEncoder { APIEncoder() }

    /// The signed-in user, or a 401.
    public func requireUser() throws -> String {
        guard let userId else { throw APIError.unauthenticated("sign in first: send Authorization: Bearer <access token>") }
        return userId
    }
}
