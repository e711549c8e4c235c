import Mustache

/// A page's model as dictionaries, arrays and plain values, read by reflection once per render.
/// Mustache otherwise reflects a struct again for every tag it looks up, and again on each
/// enclosing object of a section when the name belongs further out: on the discovery page with
/// 20 results that was four fifths of its 25 ms. A dictionary answers by hashing.
/// An absent optional leaves its key out, so Mustache looks further out for it, as it does
/// when reflecting. Only this module's structs (the page models) are taken apart: a value of
/// another kind (a `Locale` a visit carries, a class) stays whole, for Mustache to reflect on
/// if a template ever reads into it.
enum MustacheTree {
    static func of(_ value: Any) -> Any? {
        switch value {
        case is String, is Bool, is Int, is Double, is any MustacheParent, is MustacheLambda: return value
        default: break
        }
        let mirror = Mirror(reflecting: value)
        switch mirror.displayStyle {
        case .optional:
            return mirror.children.first.flatMap { of($0.value) }
        case .struct where String(reflecting: type(of: value)).hasPrefix("Server."):
            var fields: [String: Any] = [:]
            fields.reserveCapacity(Int(mirror.children.count))
            for child in mirror.children {
                if let label = child.label, let field = of(child.value) { fields[label] = field }
            }
            return fields
        case .collection, .set:
            return mirror.children.compactMap { of($0.value) }
        default:
            return value
        }
    }
}
