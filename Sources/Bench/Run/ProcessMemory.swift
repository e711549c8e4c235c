import CMalloc
import Foundation

/// This process's resident memory, from /proc (Linux); nil elsewhere.
enum ProcessMemory {
    /// Resident now, bytes.
    static var resident: Int? { field("VmRSS") }
    /// The most ever resident, bytes.
    static var peak: Int? { field("VmHWM") }

    /// Resident now, once glibc has given back the pages it keeps free: what the live data
    /// takes, not what building it left behind (as `serve` does once its index is made).
    static var residentTrimmed: Int? {
        malloc_trim(0)
        return resident
    }

    private static func field(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            return kilobytes.map { $0 * 1024 }
        }
        return nil
    }
}
