import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A raw TCP exchange with a server on loopback: what a misbehaving client sends, byte for
/// byte, and the status line it gets back (nil when the server closed without answering).
///
/// The sockets block, so every call runs on a thread of its own, off Swift's cooperative pool:
/// a test waiting on a silent server must not starve the server (and the other tests) of it.
enum RawSocket {
    static func exchange(port: Int, _ request: String, timeoutSeconds: Int = 5) async throws -> String? {
        try await offPool {
            let fd = try blockingConnect(port: port, timeoutSeconds: timeoutSeconds)
            defer { close(fd) }
            return blockingExchange(fd, request)
        }
    }

    /// Sends `request` on an open socket and reads the status line back (nil when closed).
    static func exchange(_ fd: Int32, _ request: String) async -> String? {
        (try? await offPool { blockingExchange(fd, request) }) ?? nil
    }

    /// A socket connected to the server, left open for the caller to close.
    static func connected(port: Int, timeoutSeconds: Int = 5) async throws -> Int32 {
        try await offPool { try blockingConnect(port: port, timeoutSeconds: timeoutSeconds) }
    }

    /// Sends `request` a byte at a time, one every `every`, never idle long enough for an idle
    /// timeout; returns the status line the server answers with, nil when it closes the
    /// connection, and "still open" when it has done neither after `giveUpAfter`.
    static func trickle(port: Int, _ request: String, every interval: Duration, giveUpAfter limit: Duration) async throws -> String? {
        try await offPool {
            let fd = try blockingConnect(port: port, timeoutSeconds: 1)
            defer { close(fd) }
            let end = ContinuousClock.now + limit
            var buffer = [UInt8](repeating: 0, count: 4096)
            func answer() -> String?? {
                let count = recv(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
                if count == 0 { return .some(nil) }
                if count > 0 { return .some(String(decoding: buffer[0..<count], as: UTF8.self).split(separator: "\r\n").first.map(String.init)) }
                return errno == EAGAIN || errno == EWOULDBLOCK ? nil : .some(nil)
            }
            for byte in Array(request.utf8) {
                guard ContinuousClock.now < end else { return "still open" }
                var one = byte
                guard send(fd, &one, 1, Int32(MSG_NOSIGNAL)) == 1 else { return nil }
                Thread.sleep(forTimeInterval: Double(interval.components.attoseconds) / 1e18 + Double(interval.components.seconds))
                if let answered = answer() { return answered }
            }
            while ContinuousClock.now < end {
                if let answered = answer() { return answered }
                Thread.sleep(forTimeInterval: 0.05)
            }
            return "still open"
        }
    }

    private static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }

    private static func blockingExchange(_ fd: Int32, _ request: String) -> String? {
        let bytes = Array(request.utf8)
        _ = bytes.withUnsafeBufferPointer { send(fd, $0.baseAddress, $0.count, 0) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = recv(fd, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        return String(decoding: buffer[0..<count], as: UTF8.self).split(separator: "\r\n").first.map(String.init)
    }

    private static func blockingConnect(port: Int, timeoutSeconds: Int) throws -> Int32 {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { close(fd); throw POSIXError(.ECONNREFUSED) }
        return fd
    }
}
