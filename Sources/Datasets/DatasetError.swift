import Domain
/// What can go wrong reading or writing a dataset, said so a person can fix it.
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    case unreadable(String, String)
    case malformed(String, line: Int, String)
    case unwritable(String, String)
    case unknownCity(String, known: [String])
    case invalid(String)

    public var description: String {
        switch self {
        case .unreadable(let path, let why): "cannot read \(path): \(why)"
        case .malformed(let path, let line, let why): "\(path):\(line): \(why)"
        case .unwritable(let path, let why): "cannot write \(path): \(why)"
        case .unknownCity(let name, let known): "unknown city '\(name)' (known: \(known.joined(separator: ", ")), all)"
        case .invalid(let why): why
        }
    }
}
