import Crypto
import Domain
public import Foundation
public import SQL
import Synchronization

/// The key that makes a transaction's access context a claim only the server can make. A
/// setting any session can change (`app.system`, `app.current_user_id`) would let SQL injected
/// into a member's transaction act for the store's bookkeeping or for another member; so the
/// server enters a context with `app_enter(tenant, user, system, signature)`, the signature an
/// HMAC-SHA256 under this key of the context bound to the backend and the transaction's start.
/// `app_enter` — `SECURITY DEFINER`, reading the key from a table only the schema's owner can
/// read — records the context only when the signature is right, in a row only it may write,
/// and row-level security reads the context from there. Injected SQL can call it, but not sign
/// what it asks for, and a signature made for one transaction is worthless in the next.
public struct ContextKey: Sendable, Equatable {
    /// The secret as configured: 32 to 64 bytes, so it is one SHA-256 block as HMAC uses it.
    public let secret: String

    public static let byteLimits = 32...64

    /// Nil when the secret is shorter than 32 bytes, longer than 64, or holds a NUL.
    public init?(_ secret: String) {
        guard Self.byteLimits.contains(secret.utf8.count), !secret.utf8.contains(0) else { return nil }
        self.secret = secret
    }

    /// A fresh random key: 32 random bytes in hex, as `openssl rand -hex 32` makes them.
    public static func generate() -> ContextKey {
        ContextKey(SymmetricKey(size: .bits256).withUnsafeBytes { Hex.string($0) })!
    }

    /// HMAC's normal form of the key: zero-padded to SHA-256's 64-byte block.
    private var block: [UInt8] { Array(secret.utf8) + [UInt8](repeating: 0, count: 64 - secret.utf8.count) }

    /// HMAC's inner and outer pads, as the database keeps them: with them, SQL computes the
    /// HMAC from the built-in `sha256` alone.
    var innerPad: [UInt8] { block.map { $0 ^ 0x36 } }
    var outerPad: [UInt8] { block.map { $0 ^ 0x5c } }

    /// The key again from its inner pad, as the schema's owner reads it back.
    init?(innerPad: [UInt8]) {
        let block = innerPad.map { $0 ^ 0x36 }
        guard let secret = String(validating: block.prefix { $0 != 0 }, as: UTF8.self) else { return nil }
        self.init(secret)
    }

    /// The signature of a context: what `app_enter` recomputes before it believes one.
    public func signature(backend: Int64, started: Int64, tenant: String, user: String, system: String) -> String {
        let message = "\(backend)\n\(started)\n\(tenant)\n\(user)\n\(system)"
        let mac = HMAC<SHA256>.authenticationCode(for: Data(message.utf8), using: SymmetricKey(data: Array(secret.utf8)))
        return Hex.string(Array(mac))
    }

    /// Which transaction a signature is bound to: its backend's process id and its start in
    /// microseconds, read in the same round trip as `BEGIN`.
    static let beginStatement =
        "BEGIN; SELECT pg_backend_pid() AS backend, (extract(epoch FROM transaction_timestamp()) * 1000000)::bigint AS started"
}

/// Where a database keeps its context key: set once the owner's migration has read it.
final class ContextKeySlot: Sendable {
    private let key: Mutex<ContextKey?>
    init(_ key: ContextKey?) { self.key = Mutex(key) }
    var value: ContextKey? {
        get { key.withLock { $0 } }
        set { key.withLock { $0 = newValue } }
    }
}

/// A PostgreSQL connection inside one transaction, able to sign that transaction's context.
/// Everything else goes to the connection as it is.
final class SigningConnection: SQLConnection {
    let base: any SQLConnection
    private let key: ContextKey?
    private let backend: Int64
    private let started: Int64

    init(base: any SQLConnection, key: ContextKey?, begun: [SQLRow]) {
        self.base = base
        self.key = key
        backend = begun.first?["backend"].integer ?? 0
        started = begun.first?["started"].integer ?? 0
    }

    /// The signature for this context, or "" when the server has no key (then row-level
    /// security shows nothing private).
    func signature(tenant: String, user: String, system: String) -> String {
        key?.signature(backend: backend, started: started, tenant: tenant, user: user, system: system) ?? ""
    }

    var dialect: SQLDialect { base.dialect }
    func query(_ sql: String, _ parameters: [SQLValue]) throws(SQLError) -> [SQLRow] { try base.query(sql, parameters) }
    var changes: Int { base.changes }
    var writeProgress: Int { base.writeProgress }
    var isBroken: Bool { base.isBroken }
    func execute(_ script: String) throws(SQLError) { try base.execute(script) }
}
