import AsyncHTTPClient
import ArgumentParser
import Datasets
import Foundation
import Marketplace
import NIOCore

/// `studioloop search --server URL`: the same flags asked of a running server's
/// `POST /api/v1/marketplace/search`, so classes and gyms created over the API are found too.
/// The body carries each flag by its API name; a polygon (`--within`) or a route file
/// (`--along`) goes as GeoJSON. The server's refusals come back in the flags' words.
struct RemoteSearch {
    let server: URL

    /// What the server answered: the page, and how long the round trip took.
    struct Answer {
        var page: SearchPage
        var roundTripMs: Double
    }

    /// `--server` as typed: an http(s) address, with or without a trailing slash.
    static func address(_ text: String) throws -> URL {
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host?.isEmpty == false else {
            throw ValidationError("--server must be the server's address, such as http://127.0.0.1:8080 (got '\(text)')")
        }
        return url
    }

    func search(_ body: [String: Any]) async throws -> Answer {
        let endpoint = server.absoluteString.trimmingSuffix("/") + "/api/v1/marketplace/search"
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "content-type", value: "application/json")
        request.headers.add(name: "accept", value: "application/json")
        request.headers.add(name: "user-agent", value: "studioloop-cli")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys])))
        let started = ContinuousClock.now
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            bytes = try await response.body.collect(upTo: 32 << 20)
        } catch {
            throw RemoteSearchError("cannot reach \(server.absoluteString) (\(error)); is `studioloop serve` running there?")
        }
        let elapsed = ContinuousClock.now - started
        let data = Data(buffer: bytes)
        guard response.status == .ok else { throw Self.refusal(status: response.status.code, data) }
        do {
            let page = try JSONLines.decoder().decode(SearchPage.self, from: data)
            return Answer(page: page, roundTripMs: Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1_000)
        } catch {
            throw RemoteSearchError("\(server.absoluteString) answered something that is not a search page: \(error)")
        }
    }

    /// The server's error in the command line's words: a refusal that names a search
    /// parameter ("radius_km: must be …") names its flag instead, as a local search would.
    static func refusal(status: UInt, _ data: Data) -> any Error {
        let error = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["error"] as? [String: Any]
        let message = (error?["message"] as? String) ?? String(decoding: data.prefix(300), as: UTF8.self)
        if (400..<500).contains(status), let colon = message.range(of: ": "), let parameter = SearchParameter(rawValue: String(message[..<colon.lowerBound])) {
            return ValidationError("\(parameter.flag): \(message[colon.upperBound...])")
        }
        let code = (error?["code"] as? String).map { " \($0)" } ?? ""
        return RemoteSearchError("the server answered \(status)\(code): \(message)")
    }
}

/// The server could not be asked, or answered with something other than a page or a refusal.
struct RemoteSearchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = "--server: " + description }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}
