import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A Redis reply, as RESP2 sends it.
indirect enum RedisReply {
    case status(String)
    case error(String)
    case integer(Int)
    case bulk(String?)
    case array([RedisReply])

    var string: String? {
        switch self {
        case .bulk(let s): s
        case .status(let s): s
        default: nil
        }
    }
}

/// A blocking Redis connection over TCP speaking RESP2: enough for the benchmark's commands,
/// with pipelining (send many, then read as many replies).
final class RedisConnection {
    private let socket: Int32
    private var buffer: [UInt8] = []
    private var position = 0

    init(address: String) throws {
        let parts = address.split(separator: ":")
        let host = parts.first.map(String.init) ?? "127.0.0.1"
        let port = parts.count > 1 ? String(parts[1]) : "6379"
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var info: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, port, &hints, &info) == 0, let info else { throw BenchError("redis: cannot resolve \(address)") }
        defer { freeaddrinfo(info) }
        socket = Glibc.socket(info.pointee.ai_family, info.pointee.ai_socktype, info.pointee.ai_protocol)
        guard socket >= 0, connect(socket, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0 else {
            if socket >= 0 { close(socket) }
            throw BenchError("redis: cannot connect to \(address) (Benchmarks/peers-setup starts a server)")
        }
        var on: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(socket) }

    /// One command and its reply; an error reply throws.
    @discardableResult
    func command(_ arguments: [String]) throws -> RedisReply {
        try send([arguments])
        return try checked(readReply())
    }

    /// Many commands at once, then their replies in order.
    func pipeline(_ commands: [[String]]) throws -> [RedisReply] {
        try send(commands)
        return try commands.map { _ in try checked(readReply()) }
    }

    private func checked(_ reply: RedisReply) throws -> RedisReply {
        if case .error(let message) = reply { throw BenchError("redis: \(message)") }
        return reply
    }

    private func send(_ commands: [[String]]) throws {
        var out: [UInt8] = []
        for arguments in commands {
            out += Array("*\(arguments.count)\r\n".utf8)
            for argument in arguments {
                out += Array("$\(argument.utf8.count)\r\n".utf8)
                out += Array(argument.utf8)
                out += [13, 10]
            }
        }
        var sent = 0
        while sent < out.count {
            let n = out[sent...].withUnsafeBytes { Glibc.send(socket, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw BenchError("redis: connection lost while sending") }
            sent += n
        }
    }

    private func readByte() throws -> UInt8 {
        if position == buffer.count {
            buffer = [UInt8](repeating: 0, count: 1 << 16)
            let n = buffer.withUnsafeMutableBytes { recv(socket, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw BenchError("redis: connection lost while reading") }
            buffer.removeSubrange(n...)
            position = 0
        }
        defer { position += 1 }
        return buffer[position]
    }

    private func readLine() throws -> String {
        var bytes: [UInt8] = []
        while true {
            let byte = try readByte()
            if byte == 13 {
                _ = try readByte()  // \n
                return String(decoding: bytes, as: UTF8.self)
            }
            bytes.append(byte)
        }
    }

    private func readReply() throws -> RedisReply {
        let kind = try readByte()
        let line = try readLine()
        switch kind {
        case UInt8(ascii: "+"): return .status(line)
        case UInt8(ascii: "-"): return .error(line)
        case UInt8(ascii: ":"): return .integer(Int(line) ?? 0)
        case UInt8(ascii: "$"):
            guard let length = Int(line), length >= 0 else { return .bulk(nil) }
            var bytes: [UInt8] = []
            bytes.reserveCapacity(length)
            for _ in 0..<length { bytes.append(try readByte()) }
            _ = try readByte()
            _ = try readByte()
            return .bulk(String(decoding: bytes, as: UTF8.self))
        case UInt8(ascii: "*"):
            guard let count = Int(line), count >= 0 else { return .array([]) }
            return .array(try (0..<count).map { _ in try readReply() })
        default:
            throw BenchError("redis: unreadable reply")
        }
    }
}
