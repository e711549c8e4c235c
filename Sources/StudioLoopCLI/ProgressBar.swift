import Datasets
import Foundation

/// A one-line progress bar on standard error with the time left, redrawn when its step or
/// percentage changes, for steps long enough to make someone wonder: generating, reading,
/// indexing, benchmarking. When standard error is not a terminal it draws nothing, or (for the
/// bench, whose log is read afterwards) one line per step.
final class ProgressBar: @unchecked Sendable {
    // @unchecked: every member is touched under `lock`.
    private let lock = NSLock()
    private var step = ""
    private var percent = -1
    private var stepStarted = Date()
    private var drawn = false
    private let interactive: Bool
    private let linesWhenPiped: Bool
    private let started = Date()

    init(linesWhenPiped: Bool = false, interactive: Bool = isatty(STDERR_FILENO) == 1) {
        self.linesWhenPiped = linesWhenPiped
        self.interactive = interactive
    }

    /// The bar as a `ProgressReport`.
    var report: ProgressReport { { [self] step, done, total in update(step, done, total) } }

    func update(_ step: String, _ done: Int, _ total: Int) {
        lock.lock()
        defer { lock.unlock() }
        let percent = total > 0 ? min(100, done * 100 / total) : 0
        guard step != self.step || percent != self.percent else { return }
        let newStep = step != self.step
        if newStep { stepStarted = Date() }
        self.step = step
        self.percent = percent
        if interactive {
            FileHandle.standardError.write(Data(("\r\u{1B}[K" + Self.line(step: step, done: done, total: total, inStep: Date().timeIntervalSince(stepStarted))).utf8))
            drawn = true
        } else if newStep && linesWhenPiped {
            FileHandle.standardError.write(Data(String(format: "%6.1f s  %@\n", Date().timeIntervalSince(started), step).utf8))
        }
    }

    /// "indexing gyms [############..................] 41%  12.3 s, about 17 s left".
    static func line(step: String, done: Int, total: Int, inStep: TimeInterval) -> String {
        let percent = total > 0 ? min(100, done * 100 / total) : 0
        let filled = percent * 30 / 100
        var line = "\(step) [" + String(repeating: "#", count: filled) + String(repeating: ".", count: 30 - filled) + "] \(percent)%"
        line += String(format: "  %.1f s", inStep)
        // The rest at the pace so far, once there is a pace to go by.
        if done > 0, done < total, inStep >= 0.5 {
            line += String(format: ", about %.0f s left", inStep * Double(total - done) / Double(done))
        }
        return line
    }

    /// Ends the bar's line, so what follows starts on its own.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if drawn { FileHandle.standardError.write(Data("\n".utf8)) }
        drawn = false
        step = ""
        percent = -1
    }
}
