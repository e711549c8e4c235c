/// Why a polygon or route cannot be used; every case is the client's to fix (a 400).
public enum AreaError: Error, Equatable, Sendable, CustomStringConvertible {
    case malformed(String)
    case coordinateOutOfRange(latitude: Double, longitude: Double)
    case tooManyVertices(Int, limit: Int)
    case invalid(String)
    case invalidRoute(String)
    case geos(String)

    public var description: String {
        switch self {
        case .malformed(let why): "not a GeoJSON Polygon or MultiPolygon: \(why)"
        case .coordinateOutOfRange(let lat, let lng): "coordinate out of range: latitude \(lat), longitude \(lng)"
        case .tooManyVertices(let n, let limit): "\(n) vertices; at most \(limit) are accepted"
        case .invalid(let reason): "invalid polygon: \(reason)"
        case .invalidRoute(let reason): "invalid route: \(reason)"
        case .geos(let message): message
        }
    }
}
