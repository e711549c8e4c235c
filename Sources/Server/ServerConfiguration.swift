public import Booking
import Crypto
public import Foundation
public import Notifications
public import Payments
import Storage
import Domain

/// How a server runs: where it listens, its secrets and money settings. Secrets have no
/// defaults outside development mode; in development mode a missing secret is made up for the
/// run (tokens then die with the process), and the start-up line says so.
public struct ServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    public var port = 8080
    public var development: Bool
    /// Signs access tokens (HS256); at least 32 bytes.
    public var jwtSecret: [UInt8]
    /// The id new tokens carry for `jwtSecret` (`STUDIOLOOP_JWT_KEY_ID`, default v1), and earlier
    /// keys still accepted while their tokens expire (`STUDIOLOOP_JWT_PREVIOUS_KEYS`,
    /// "v1:<old secret>,…"): how the secret is rotated without signing anyone out.
    public var jwtKeyId = Authenticator.defaultKeyId
    public var jwtPreviousKeys: [String: [UInt8]] = [:]
    /// Signs QR check-in tokens; at least 32 bytes.
    public var checkInSecret: [UInt8]
    /// Payment providers configured from the environment (Yoco, Stripe), with their keys.
    public var configuredProviders: [any PaymentProvider] = []
    /// The offline sandbox's webhook secret, in development mode only (it is no real secret:
    /// the start-up line shows it, so a developer can sign webhooks of their own).
    public var sandboxWebhookSecret: String?
    /// Where members and providers reach this server (`STUDIOLOOP_PUBLIC_URL`): checkout return
    /// pages and the sandbox's checkout are under it. Defaults to the listening address.
    public var publicURL: String?
    /// Days after buying within which a purchase may be refunded (`STUDIOLOOP_REFUND_WINDOW_DAYS`).
    public var refundWindowDays = 7
    /// Notification adapters configured from the environment; missing ones fall back to email,
    /// then to the log.
    public var notifications = ChannelRouter()
    /// Meta's app secret, which signs the WhatsApp webhook's calls (`STUDIOLOOP_WHATSAPP_APP_SECRET`),
    /// and the token Meta echoes when the webhook is subscribed (`STUDIOLOOP_WHATSAPP_VERIFY_TOKEN`).
    public var whatsappAppSecret: String?
    public var whatsappVerifyToken: String?
    /// Which secrets were generated for this run because none was configured.
    public var generatedSecrets: [String] = []
    /// What one universal credit is worth, in cents of `currency`.
    public var creditValueCents: Int64 = 5_000
    public var currency = "ZAR"
    /// What one credit is worth in each other currency gyms are paid in and members buy in
    /// (`STUDIOLOOP_CREDIT_VALUES`, "NGN=400000,KES=35000"), in its minor units.
    public var creditValues = Currencies.defaultCreditValues
    /// The platform's commission on marketplace bookings, by the gym's tier.
    public var commission = CommissionRates.standard
    public var bcryptCost: UInt8 = 12
    /// Days of sessions the index holds ahead of now.
    public var horizonDays = 14
    /// How often each client may call: the seed's 1,000 an hour signed in, 100 anonymous.
    public var rateLimits = RateLimits()
    /// Browser origins allowed to call the API (`STUDIOLOOP_CORS_ORIGINS`, comma-separated; `*`
    /// for any); none by default.
    public var corsOrigins: Set<String> = []
    /// How long a connection may send nothing before it is closed (`STUDIOLOOP_IDLE_TIMEOUT`).
    public var idleTimeout: Duration = .seconds(30)
    /// How long a request's head may take from its first byte, and its body from its head
    /// (`STUDIOLOOP_HEADER_TIMEOUT`, `STUDIOLOOP_BODY_TIMEOUT`): 20 and 60 seconds by default.
    public var requestDeadlines = RequestDeadlines.standard
    /// Open connections allowed at once from one address (`STUDIOLOOP_MAX_CONNECTIONS_PER_ADDRESS`);
    /// 0 for no cap. Trusted proxies are not capped.
    public var maxConnectionsPerAddress = 256
    /// How long the index may miss other servers' changes (its listener cut off) before search
    /// answers and `/ready` say it is stale (`STUDIOLOOP_STALE_AFTER`).
    public var staleAfter: Duration = .seconds(5)
    /// How long a stopping server says not-ready while still serving, so a load balancer takes
    /// it out of its pool first (`STUDIOLOOP_DRAIN`): 0 in development, 2 s in production.
    public var drainPeriod: Duration = .zero
    /// How often the outbox, settlement and expiry jobs run.
    public var maintenanceInterval: Duration = .seconds(30)
    /// Where the live index is kept on disk for fast restarts (`STUDIOLOOP_INDEX_SNAPSHOT`); nil
    /// for none. The command line defaults it beside an embedded store's file.
    public var indexSnapshot: URL?
    /// How often the index snapshot is written when the index changed (`STUDIOLOOP_SNAPSHOT_EVERY`).
    public var snapshotInterval: Duration = .seconds(300)
    /// A snapshot older than this is not loaded: reading back a day's changes costs more than
    /// reading the catalog.
    public var snapshotMaxAge: Int64 = 86_400

    public static let minimumSecretBytes = 32

    /// Where this server is reached: `publicURL`, else its listening address.
    public var baseURL: String { publicURL ?? "http://\(host == "0.0.0.0" ? "127.0.0.1" : host):\(port)" }

    /// Every provider this server takes payments through: those configured, then the sandbox
    /// (development mode), whose checkout pages are under `baseURL`.
    public var providers: [any PaymentProvider] {
        configuredProviders + [sandboxWebhookSecret.flatMap { SandboxProvider(webhookSecret: $0, baseURL: baseURL) }].compactMap { $0 }
    }

    /// Reads the secrets from the environment (`STUDIOLOOP_JWT_SECRET`,
    /// `STUDIOLOOP_CHECKIN_SECRET`). Throws, naming the variable, when one is missing or short
    /// outside development mode.
    public init(development: Bool, environment: [String: String]) throws(ConfigurationError) {
        self.development = development
        drainPeriod = development ? .zero : .seconds(2)  // a Ctrl-C in development need not wait
        var generated: [String] = []
        func secret(_ name: String) throws(ConfigurationError) -> [UInt8] {
            if let value = environment[name], !value.isEmpty {
                guard value.utf8.count >= Self.minimumSecretBytes else {
                    throw ConfigurationError("\(name) must be at least \(Self.minimumSecretBytes) bytes (e.g. `openssl rand -hex 32`)")
                }
                return Array(value.utf8)
            }
            guard development else {
                throw ConfigurationError("\(name) is required outside development mode (e.g. `export \(name)=$(openssl rand -hex 32)`)")
            }
            generated.append(name)
            return SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        }
        jwtSecret = try secret("STUDIOLOOP_JWT_SECRET")
        if let id = environment["STUDIOLOOP_JWT_KEY_ID"], !id.isEmpty { jwtKeyId = id }
        for entry in (environment["STUDIOLOOP_JWT_PREVIOUS_KEYS"] ?? "").split(separator: ",") {
            let pair = entry.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, !pair[0].isEmpty, pair[1].utf8.count >= Self.minimumSecretBytes, pair[0] != jwtKeyId else {
                throw ConfigurationError("STUDIOLOOP_JWT_PREVIOUS_KEYS must be id:secret pairs (secrets of 32+ bytes, ids other than the current one)")
            }
            jwtPreviousKeys[pair[0]] = Array(pair[1].utf8)
        }
        checkInSecret = try secret("STUDIOLOOP_CHECKIN_SECRET")
        func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        if let yoco = value("STUDIOLOOP_YOCO_WEBHOOK_SECRET") {
            guard let provider = YocoProvider(
                webhookSecret: yoco, secretKey: value("STUDIOLOOP_YOCO_SECRET_KEY") ?? "",
                baseURL: value("STUDIOLOOP_YOCO_URL") ?? "https://payments.yoco.com/api"
            ) else {
                throw ConfigurationError("STUDIOLOOP_YOCO_WEBHOOK_SECRET must be the whsec_… secret from Yoco's dashboard")
            }
            configuredProviders.append(provider)
        }
        if let stripe = value("STUDIOLOOP_STRIPE_WEBHOOK_SECRET") {
            configuredProviders.append(StripeProvider(
                webhookSecret: stripe, secretKey: value("STUDIOLOOP_STRIPE_SECRET_KEY") ?? "",
                baseURL: value("STUDIOLOOP_STRIPE_URL") ?? "https://api.stripe.com"
            ))
        }
        whatsappAppSecret = value("STUDIOLOOP_WHATSAPP_APP_SECRET")
        whatsappVerifyToken = value("STUDIOLOOP_WHATSAPP_VERIFY_TOKEN")
        publicURL = value("STUDIOLOOP_PUBLIC_URL").map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        if let days = value("STUDIOLOOP_REFUND_WINDOW_DAYS") {
            guard let n = Int(days), (0...365).contains(n) else { throw ConfigurationError("STUDIOLOOP_REFUND_WINDOW_DAYS must be 0 to 365") }
            refundWindowDays = n
        }
        if let cap = value("STUDIOLOOP_MAX_CONNECTIONS_PER_ADDRESS") {
            guard let n = Int(cap), n >= 0 else { throw ConfigurationError("STUDIOLOOP_MAX_CONNECTIONS_PER_ADDRESS must be 0 (no cap) or more") }
            maxConnectionsPerAddress = n
        }
        if let values = value("STUDIOLOOP_CREDIT_VALUES") { creditValues = try Self.creditValues(parsing: values) }
        if development {
            let sandbox: String
            if let configured = environment["STUDIOLOOP_SANDBOX_WEBHOOK_SECRET"], !configured.isEmpty {
                sandbox = configured
            } else {
                generated.append("STUDIOLOOP_SANDBOX_WEBHOOK_SECRET")
                sandbox = "whsec_" + Data(SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }).base64EncodedString()
            }
            guard SandboxProvider(webhookSecret: sandbox) != nil else {
                throw ConfigurationError("STUDIOLOOP_SANDBOX_WEBHOOK_SECRET must be whsec_ followed by base64")
            }
            sandboxWebhookSecret = sandbox
        }
        generatedSecrets = generated
        notifications = Self.channels(environment, development: development)
        corsOrigins = Set((environment["STUDIOLOOP_CORS_ORIGINS"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
    }

    /// Reads "NGN=400000,KES=35000": a currency (ISO 4217) and the minor units one credit is
    /// worth in it, each currency once.
    public static func creditValues(parsing text: String) throws(ConfigurationError) -> [String: Int64] {
        var values: [String: Int64] = [:]
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, pair[0].count == 3, pair[0].allSatisfy({ $0.isUppercase && $0.isASCII }), let minor = Int64(pair[1]),
                minor > 0, values[pair[0]] == nil
            else {
                throw ConfigurationError("credit values: '\(part)' is not CURRENCY=minor-units (a positive whole number), each currency once")
            }
            values[pair[0]] = minor
        }
        return values
    }

    /// WhatsApp (`STUDIOLOOP_WHATSAPP_TOKEN`, `STUDIOLOOP_WHATSAPP_PHONE_NUMBER_ID`, and the
    /// language its templates were approved in, `STUDIOLOOP_WHATSAPP_TEMPLATE_LANGUAGE`, "en"), SMS through
    /// Africa's Talking (`STUDIOLOOP_SMS_USERNAME`, `STUDIOLOOP_SMS_API_KEY`, optional
    /// `STUDIOLOOP_SMS_SENDER`) and email (`STUDIOLOOP_EMAIL_API_KEY`, `STUDIOLOOP_EMAIL_FROM`);
    /// each provider's base URL may be overridden (`…_URL`).
    static func channels(_ env: [String: String], development: Bool) -> ChannelRouter {
        func value(_ name: String) -> String? { env[name].flatMap { $0.isEmpty ? nil : $0 } }
        var whatsapp: WhatsAppChannel?
        if let token = value("STUDIOLOOP_WHATSAPP_TOKEN"), let phone = value("STUDIOLOOP_WHATSAPP_PHONE_NUMBER_ID") {
            whatsapp = WhatsAppChannel(
                baseURL: value("STUDIOLOOP_WHATSAPP_URL") ?? "https://graph.facebook.com/v20.0", phoneNumberId: phone, accessToken: token,
                language: value("STUDIOLOOP_WHATSAPP_TEMPLATE_LANGUAGE") ?? "en"
            )
        }
        var sms: SMSChannel?
        if let username = value("STUDIOLOOP_SMS_USERNAME"), let key = value("STUDIOLOOP_SMS_API_KEY") {
            sms = SMSChannel(
                baseURL: value("STUDIOLOOP_SMS_URL") ?? "https://api.africastalking.com", username: username, apiKey: key,
                senderId: value("STUDIOLOOP_SMS_SENDER")
            )
        }
        var email: EmailChannel?
        if let key = value("STUDIOLOOP_EMAIL_API_KEY"), let from = value("STUDIOLOOP_EMAIL_FROM") {
            email = EmailChannel(baseURL: value("STUDIOLOOP_EMAIL_URL") ?? "https://api.sendgrid.com", from: from, apiKey: key)
        }
        return ChannelRouter(email: email, sms: sms, whatsapp: whatsapp, fallback: LogChannel(showsPayloads: development))
    }
}

public struct ConfigurationError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}

extension CommissionRates {
    /// Reads "starter=2000,growth=1500,pro=1200,enterprise=1000" (basis points; every tier once).
    public init(parsing text: String) throws(ConfigurationError) {
        var rates: [SubscriptionTier: Int64] = [:]
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2, let tier = SubscriptionTier(rawValue: pair[0]), let bps = Int64(pair[1]), (0...10_000).contains(bps),
                rates[tier] == nil
            else {
                throw ConfigurationError("--commission: '\(part)' is not tier=basis-points (0 to 10000) for a tier given once")
            }
            rates[tier] = bps
        }
        let missing = SubscriptionTier.allCases.filter { rates[$0] == nil }
        guard missing.isEmpty else {
            throw ConfigurationError("--commission: give every tier; missing \(missing.map(\.rawValue).joined(separator: ", "))")
        }
        self.init(basisPoints: rates)
    }
}
