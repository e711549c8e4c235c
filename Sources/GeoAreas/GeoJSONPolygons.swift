import Foundation
import Geo

/// Reads the polygons of a GeoJSON `Polygon`, `MultiPolygon`, or `Feature` holding one.
enum GeoJSONPolygons {
    static func parse(_ data: Data) throws(AreaError) -> [[[Coordinate]]] {
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { throw .malformed("not a JSON object") }
        return try polygons(of: object)
    }

    static func polygons(of object: [String: Any]) throws(AreaError) -> [[[Coordinate]]] {
        switch object["type"] as? String {
        case "Feature":
            guard let geometry = object["geometry"] as? [String: Any] else { throw .malformed("a Feature without a geometry") }
            return try polygons(of: geometry)
        case "Polygon":
            return [try rings(object["coordinates"])]
        case "MultiPolygon":
            guard let list = object["coordinates"] as? [Any] else { throw .malformed("MultiPolygon coordinates must be an array") }
            var result: [[[Coordinate]]] = []
            for polygon in list { result.append(try rings(polygon)) }
            return result
        case let other:
            throw .malformed("type must be Polygon, MultiPolygon or Feature, not \(other ?? "missing")")
        }
    }

    private static func rings(_ value: Any?) throws(AreaError) -> [[Coordinate]] {
        guard let rings = value as? [Any], !rings.isEmpty else { throw .malformed("a polygon needs at least one ring") }
        var result: [[Coordinate]] = []
        for ring in rings {
            guard let positions = ring as? [Any] else { throw .malformed("a ring must be an array of positions") }
            var coordinates: [Coordinate] = []
            for position in positions {
                guard let pair = position as? [Any], pair.count >= 2,
                    let lng = (pair[0] as? NSNumber)?.doubleValue, let lat = (pair[1] as? NSNumber)?.doubleValue
                else { throw .malformed("a position must be [longitude, latitude]") }
                coordinates.append(Coordinate(latitude: lat, longitude: lng))
            }
            result.append(coordinates)
        }
        return result
    }
}
