import Foundation
import Yams

/// `/docs`: the OpenAPI description as one readable page, rendered on the server from the
/// same `openapi.yaml` the API serves (so the two cannot differ), with no script and no CDN:
/// every operation with its summary, parameters, body and answers, then the schemas.
enum APIDocsPage {
    static let methods = ["get", "post", "put", "patch", "delete"]

    /// The page for `spec` (YAML text); nil when the text is not an OpenAPI document.
    static func render(_ spec: String) -> String? {
        guard let document = (try? Yams.load(yaml: spec)) as? [String: Any], let paths = document["paths"] as? [String: Any] else { return nil }
        let info = document["info"] as? [String: Any] ?? [:]
        var html = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(escape(info["title"] as? String ?? "API")) reference</title>
            <style>
            body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
            h2{margin-top:2.5rem;border-bottom:1px solid #ddd} code{font:13px ui-monospace,monospace;background:#f4f4f4;padding:0 .2rem}
            .op{margin:1.2rem 0;padding:.6rem .9rem;border-left:4px solid #0a7f5a;background:#fafafa}
            .method{font:bold 13px ui-monospace,monospace;text-transform:uppercase;margin-right:.5rem}
            table{border-collapse:collapse;margin:.3rem 0} td,th{border:1px solid #ddd;padding:.15rem .5rem;text-align:left;vertical-align:top}
            </style></head><body>
            <h1>\(escape(info["title"] as? String ?? "API")) <small>\(escape(info["version"] as? String ?? ""))</small></h1>
            <p>\(escape(info["description"] as? String ?? ""))</p>
            <p>The machine-readable description: <a href="/openapi.yaml"><code>/openapi.yaml</code></a>.</p>
            <h2>Operations</h2>

            """
        for path in paths.keys.sorted() {
            guard let item = paths[path] as? [String: Any] else { continue }
            for method in methods {
                guard let operation = item[method] as? [String: Any] else { continue }
                html += self.operation(method: method, path: path, operation, shared: item["parameters"] as? [Any] ?? [], document: document)
            }
        }
        if let schemas = (document["components"] as? [String: Any])?["schemas"] as? [String: Any] {
            html += "<h2>Schemas</h2>\n"
            for name in schemas.keys.sorted() {
                html += "<h3 id=\"schema-\(escape(name))\">\(escape(name))</h3>\n" + describe(schemas[name] as? [String: Any] ?? [:])
            }
        }
        return html + "</body></html>\n"
    }

    private static func operation(method: String, path: String, _ operation: [String: Any], shared: [Any], document: [String: Any]) -> String {
        let id = operation["operationId"] as? String ?? "\(method)\(path)"
        var html = "<div class=\"op\" id=\"\(escape(id))\"><span class=\"method\">\(method)</span><code>\(escape(path))</code>"
        if let summary = operation["summary"] as? String { html += " — \(escape(summary))" }
        // `security: [{}]` opens an operation to anyone; otherwise the document's bearer token applies.
        let isPublic = (operation["security"] as? [Any])?.contains { ($0 as? [String: Any])?.isEmpty == true } ?? false
        html += "<br><small>operationId <code>\(escape(id))</code> · \(isPublic ? "no sign-in needed" : "bearer token")</small>\n"
        let parameters = (shared + (operation["parameters"] as? [Any] ?? [])).compactMap { resolve($0, in: document) }
        if !parameters.isEmpty {
            html += "<table><tr><th>parameter</th><th>in</th><th>required</th><th>about</th></tr>\n"
            for parameter in parameters {
                let schema = parameter["schema"] as? [String: Any] ?? [:]
                html += "<tr><td><code>\(escape(parameter["name"] as? String ?? ""))</code></td><td>\(escape(parameter["in"] as? String ?? ""))</td>"
                html += "<td>\(parameter["required"] as? Bool == true ? "yes" : "")</td><td>\((parameter["description"] as? String).map(escape) ?? typeName(schema))</td></tr>\n"
            }
            html += "</table>\n"
        }
        if let body = ((operation["requestBody"] as? [String: Any])?["content"] as? [String: Any])?["application/json"] as? [String: Any],
            let schema = body["schema"] as? [String: Any]
        {
            html += "<p>Body (JSON): \(typeName(schema))</p>\(schema["$ref"] == nil ? describe(schema) : "")\n"
        }
        if let responses = operation["responses"] as? [String: Any] {
            html += "<table><tr><th>answer</th><th>what it means</th></tr>\n"
            for status in responses.keys.sorted() {
                let response = resolve(responses[status] as Any, in: document) ?? [:]
                html += "<tr><td><code>\(escape(status))</code></td><td>\(escape(response["description"] as? String ?? ""))</td></tr>\n"
            }
            html += "</table>\n"
        }
        return html + "</div>\n"
    }

    /// An object schema's properties as a table; any other schema by its type.
    private static func describe(_ schema: [String: Any]) -> String {
        if let about = schema["description"] as? String, schema["properties"] == nil { return "<p>\(escape(about))</p>\n" }
        guard let properties = schema["properties"] as? [String: Any] else { return "<p>\(typeName(schema))</p>\n" }
        let required = Set(schema["required"] as? [String] ?? [])
        var html = (schema["description"] as? String).map { "<p>\(escape($0))</p>" } ?? ""
        html += "<table><tr><th>field</th><th>type</th><th>required</th><th>about</th></tr>\n"
        for name in properties.keys.sorted() {
            let property = properties[name] as? [String: Any] ?? [:]
            html += "<tr><td><code>\(escape(name))</code></td><td>\(typeName(property))</td><td>\(required.contains(name) ? "yes" : "")</td>"
            html += "<td>\(escape(property["description"] as? String ?? ""))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    /// A schema's type in a few words, linking a named schema.
    private static func typeName(_ schema: [String: Any]) -> String {
        if let ref = schema["$ref"] as? String {
            let name = String(ref.split(separator: "/").last ?? "")
            return "<a href=\"#schema-\(escape(name))\">\(escape(name))</a>"
        }
        if let values = schema["enum"] as? [Any] { return "one of " + values.map { "<code>\(escape("\($0)"))</code>" }.joined(separator: ", ") }
        if let options = (schema["oneOf"] ?? schema["anyOf"]) as? [Any] {
            return options.compactMap { $0 as? [String: Any] }.map(typeName).joined(separator: " or ")
        }
        let type = schema["type"] as? String ?? "any"
        if type == "array", let items = schema["items"] as? [String: Any] { return "array of " + typeName(items) }
        return escape(type)
    }

    /// An object, or what its `$ref` names in the document.
    private static func resolve(_ value: Any, in document: [String: Any]) -> [String: Any]? {
        guard let object = value as? [String: Any] else { return nil }
        guard let ref = object["$ref"] as? String, ref.hasPrefix("#/") else { return object }
        var node: Any = document
        for key in ref.dropFirst(2).split(separator: "/") { node = (node as? [String: Any])?[String(key)] as Any }
        return node as? [String: Any]
    }

    static func escape(_ text: String) -> String { HTML.escape(text) }
}
