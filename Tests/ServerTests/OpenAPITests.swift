import Foundation
import Hummingbird
import HummingbirdTesting
import Server
import Testing
import TestSupport
import Yams

/// The served OpenAPI description names exactly the routes the server has, so schemathesis
/// (scripts/api-fuzz, run by CI) fuzzes all of them and clients can trust it.
@Suite("OpenAPI")
struct OpenAPITests {
    /// "GET /api/v1/bookings/{id}" for each operation of the YAML: paths at two spaces, methods at four.
    static func operations(in yaml: String) -> Set<String> {
        var result = Set<String>()
        var path: String?
        var inPaths = false
        for line in yaml.split(separator: "\n", omittingEmptySubsequences: false) {
            if line == "paths:" { inPaths = true; continue }
            guard inPaths else { continue }
            if line.hasPrefix("  /"), line.hasSuffix(":") { path = String(line.dropFirst(2).dropLast()); continue }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("    "), !line.hasPrefix("     "), let path,
                ["get:", "post:", "put:", "patch:", "delete:"].contains(trimmed)
            {
                result.insert("\(trimmed.dropLast().uppercased()) \(path)")
            }
        }
        return result
    }

    @Test("every route is described, and nothing else")
    func describesEveryRoute() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        let router = StudioLoopApplication.router(fixture.services)
        let routes = Set(router.routes.map { "\($0.method) \($0.path)" }.map { $0.replacingOccurrences(of: "/:", with: "/") })
            .subtracting(["GET /openapi.yaml", "GET /metrics"])
        try await fixture.test { client in
            let served = try await client.execute(uri: "/openapi.yaml", method: .get)
            #expect(served.status == .ok)
            #expect(served.headers[.contentType]?.hasPrefix("application/yaml") == true)
            let described = Self.operations(in: String(buffer: served.body))
            #expect(routes.count >= 39, "\(routes.count) routes")
            #expect(described == routes, "only served: \(routes.subtracting(described).sorted()); only described: \(described.subtracting(routes).sorted())")
        }
    }
}

extension OpenAPITests {
    /// `Error.code`'s enum in the YAML, in order.
    static func errorCodes(in yaml: String) -> [String] {
        let lines = yaml.split(separator: "\n").map(String.init)
        guard let code = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "code:" }),
            let line = lines[code...].first(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("enum: [") })
        else { return [] }
        return line.split(separator: "[")[1].dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test("the error codes described are the ones the server answers with, each with its status")
    func describesEveryErrorCode() async throws {
        let fixture = try await ServerFixture.make(.sqlite)
        try await fixture.test { client in
            let yaml = String(buffer: try await client.execute(uri: "/openapi.yaml", method: .get).body)
            #expect(Self.errorCodes(in: yaml) == ErrorCode.allCases.map(\.rawValue))
        }
        #expect(Set(ErrorCode.allCases.map(\.rawValue)).count == ErrorCode.allCases.count)
        #expect(ErrorCode.refused(.classFull).status.code == 409)
        #expect(ErrorCode.allCases.allSatisfy { $0.status.code >= 400 })
    }

    /// A description in a one-line `{…}` mapping that holds ", " unquoted becomes two keys in
    /// YAML, silently: every schema may hold only schema keywords.
    @Test("every schema and every answer holds only its own keywords (no description split by a stray comma)")
    func schemasHoldOnlyKeywords() throws {
        let url = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "Sources/Server/Resources/openapi.yaml")
        let document = try Yams.load(yaml: String(contentsOf: url, encoding: .utf8))
        let keywords: Set<String> = [
            "type", "description", "properties", "required", "items", "enum", "const", "example", "examples", "format", "minimum", "maximum",
            "maxLength", "minLength", "pattern", "oneOf", "anyOf", "allOf", "$ref", "additionalProperties", "default", "minItems", "maxItems", "title",
            "deprecated", "readOnly", "writeOnly",
        ]
        var strays: [String] = []
        func walk(_ node: Any?, _ path: String) {
            if let map = node as? [String: Any] {
                // A security scheme has a `type` too, but is no schema.
                let isSchema = map["type"] != nil && !(map["type"] is [String: Any]) && !path.hasSuffix("/properties") && !path.contains("/securitySchemes/")
                if isSchema { strays += map.keys.filter { !keywords.contains($0) }.map { "\(path)/\($0)" } }
                // An answer holds only an answer's fields ("description: The challenge, echoed" made one up).
                let answerFields: Set<String> = ["description", "content", "headers", "links", "$ref"]
                if path.hasSuffix("/responses") {
                    for (code, answer) in map { strays += ((answer as? [String: Any])?.keys ?? [:].keys).filter { !answerFields.contains($0) }.map { "\(path)/\(code)/\($0)" } }
                }
                for (key, value) in map where key != "example" && key != "examples" { walk(value, "\(path)/\(key)") }
            } else if let list = node as? [Any] {
                for (index, value) in list.enumerated() { walk(value, "\(path)/\(index)") }
            }
        }
        walk(document, "")
        #expect(strays.isEmpty, "\(strays.sorted())")
    }

    @Test("every request body and every shared schema carries an example")
    func examples() throws {
        let url = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "Sources/Server/Resources/openapi.yaml")
        let document = try #require(try Yams.load(yaml: String(contentsOf: url, encoding: .utf8)) as? [String: Any])
        var missing: [String] = []
        for (path, item) in document["paths"] as? [String: [String: Any]] ?? [:] {
            for (method, operation) in item {
                guard let body = (operation as? [String: Any])?["requestBody"] as? [String: Any] else { continue }
                for (media, content) in body["content"] as? [String: [String: Any]] ?? [:] where content["example"] == nil && content["examples"] == nil {
                    let schema = content["schema"] as? [String: Any]
                    if schema?["example"] == nil { missing.append("\(method.uppercased()) \(path) \(media)") }
                }
            }
        }
        let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: [String: Any]] ?? [:]
        for (name, schema) in schemas where schema["example"] == nil && !["Error", "Feature"].contains(name) { missing.append("schema \(name)") }
        #expect(missing.isEmpty, "\(missing.sorted())")
    }
}
