import Foundation

/// This process's resident memory, from /proc (Linux); nil elsewhere.
enum ProcessMemory {
    /// Resident now, bytes.
    static var resident: Int? { field("VmRSS") }
    /// The most ever resident, bytes.
    static var peak: Int? { field("VmHWM") }

    private static func field(_ name: String) -> Int? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix(name + ":") {
            let kilobytes = line.split(separator: " ").dropFirst().first.flatMap { Int($0) }
            return kilobytes.map { $0 * 1024 }
        }
        return nil
    }
}
