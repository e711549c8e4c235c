import Crypto
import Foundation

/// The short code printed under a booking's QR code, for a member whose phone cannot show the QR
/// code to a camera: six characters a person reads out and staff type at the front desk.
///
/// It is a name, not a key: staff who may check a member in by code may check them in by name
/// too, so it grants nothing the roster does not. It is derived from the booking's id alone and
/// looked up among the bookings of the gym's day, where 2³⁰ values make a clash vanishingly rare.
public enum DeskCode {
    /// No 0/O or 1/I to confuse: 32 symbols, five bits each.
    static let alphabet = Array("23456789ABCDEFGHJKLMNPQRSTUVWXYZ")
    public static let length = 6

    public static func of(bookingId: String) -> String {
        let digest = Array(SHA256.hash(data: Data("studioloop desk code v1:\(bookingId)".utf8)))
        let bits = digest.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        return String((0..<length).map { alphabet[Int(bits >> (27 - 5 * UInt32($0)) & 31)] })
    }

    /// What someone typed, as a code: case, spaces and dashes ignored; nil unless it can be one.
    public static func normalized(_ typed: String) -> String? {
        let code = typed.uppercased().filter { $0 != " " && $0 != "-" }
        guard code.count == length, code.allSatisfy(alphabet.contains) else { return nil }
        return code
    }

    /// "K7P 2QX": easier to read out in two halves.
    public static func display(_ code: String) -> String { "\(code.prefix(3)) \(code.dropFirst(3))" }
}
