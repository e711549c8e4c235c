/// Little-endian binary writing for snapshots: fixed-width integers, length-prefixed strings
/// and arrays.
struct BinaryWriter {
    private(set) var bytes: [UInt8] = []

    mutating func write<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func write(_ value: Double) { write(value.bitPattern) }

    mutating func write(_ value: Bool) { write(UInt8(value ? 1 : 0)) }

    mutating func write(_ value: String) {
        let utf8 = Array(value.utf8)
        write(UInt32(utf8.count))
        bytes.append(contentsOf: utf8)
    }

    mutating func write<T: FixedWidthInteger>(array: [T]) {
        write(UInt32(array.count))
        #if _endian(little)
            array.withUnsafeBytes { bytes.append(contentsOf: $0) }
        #else
            for value in array { write(value) }
        #endif
    }

    mutating func append(raw: [UInt8]) { bytes.append(contentsOf: raw) }
}

/// Reads what `BinaryWriter` wrote. Every read checks the bounds: a truncated or damaged file
/// is an error, never a crash.
struct BinaryReader {
    let bytes: [UInt8]
    private(set) var offset: Int

    init(bytes: [UInt8], offset: Int = 0) {
        self.bytes = bytes
        self.offset = offset
    }

    struct Truncated: Error {}

    var remaining: Int { bytes.count - offset }

    mutating func read<T: FixedWidthInteger>(_: T.Type = T.self) throws(Truncated) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw Truncated() }
        var value: T = 0
        for i in (0..<size).reversed() { value = value << 8 | T(truncatingIfNeeded: bytes[offset + i]) }
        offset += size
        return value
    }

    mutating func readDouble() throws(Truncated) -> Double { Double(bitPattern: try read(UInt64.self)) }

    mutating func readBool() throws(Truncated) -> Bool { try read(UInt8.self) != 0 }

    mutating func readString() throws(Truncated) -> String {
        let count = Int(try read(UInt32.self))
        guard remaining >= count else { throw Truncated() }
        defer { offset += count }
        return String(decoding: bytes[offset..<(offset + count)], as: UTF8.self)
    }

    mutating func readArray<T: FixedWidthInteger>(of _: T.Type) throws(Truncated) -> [T] {
        let count = Int(try read(UInt32.self))
        let size = count * MemoryLayout<T>.size
        guard remaining >= size else { throw Truncated() }
        #if _endian(little)
            // The file's order is the machine's: one copy, not a loop (sessions run to millions).
            defer { offset += size }
            return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
                bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset..<(offset + size)])) }
                initialized = count
            }
        #else
            var values: [T] = []
            values.reserveCapacity(count)
            for _ in 0..<count { values.append(try read(T.self)) }
            return values
        #endif
    }
}
