import CQRencode

/// A QR code drawn as SVG, encoded by libqrencode: dark modules as one path of horizontal runs,
/// with the four-module quiet zone scanners need, crisp at any size.
enum QRCodeSVG {
    /// The symbol for `text` (byte mode, error correction level M), or nil when libqrencode
    /// refuses it (longer than a QR code holds).
    static func svg(for text: String, label: String) -> String? {
        guard let code = text.withCString({ QRcode_encodeString8bit($0, 0, QR_ECLEVEL_M) }) else { return nil }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width), quiet = 4
        var path = ""
        for y in 0..<width {
            var x = 0
            while x < width {
                // Bit 0 of each byte is the module's colour (1 dark).
                guard code.pointee.data[y * width + x] & 1 == 1 else { x += 1; continue }
                var run = 1
                while x + run < width, code.pointee.data[y * width + x + run] & 1 == 1 { run += 1 }
                path += "M\(x + quiet) \(y + quiet)h\(run)v1h-\(run)z"
                x += run
            }
        }
        let size = width + 2 * quiet
        return """
            <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 \(size) \(size)" shape-rendering="crispEdges" role="img" \
            aria-label="\(HTML.escape(label))"><rect width="\(size)" height="\(size)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
            """
    }
}
