public import Foundation
import Domain

/// 64-bit FNV-1a: a fast, stable, non-cryptographic hash, for deterministic identifiers
/// and fingerprints. Not for anything an attacker chooses.
public struct FNV1a: Sendable {
    public private(set) var value: UInt64 = 0xCBF2_9CE4_8422_2325

    public init() {}

    /// Continues a hash whose state so far is `state`.
    public init(state: UInt64) {
        value = state
    }

    public mutating func combine(byte: UInt8) {
        value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    public mutating func combine(bytes data: Data) {
        data.withUnsafeBytes { raw in
            var value = self.value
            for byte in raw { value = (value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
            self.value = value
        }
    }

    public mutating func combine(_ string: String) {
        for byte in string.utf8 { combine(byte: byte) }
        combine(byte: 0xFF)  // a separator no UTF-8 text contains
    }

    public mutating func combine(_ integer: Int64) {
        withUnsafeBytes(of: integer.littleEndian) { for byte in $0 { combine(byte: byte) } }
    }

    public static func hash(_ string: String) -> UInt64 {
        var h = FNV1a()
        h.combine(string)
        return h.value
    }
}
