import Datasets
import Domain

enum SessionExport {
    /// Writes every session in [`from`, `to`) as JSON Lines; returns how many.
    static func write(_ dataset: Dataset, from: Int64, to: Int64, to sink: OutputSink) throws -> Int {
        let encoder = JSONLines.encoder()
        var count = 0
        try ExportedSession.forEach(in: dataset, from: from, to: to) { session in
            var line = try encoder.encode(session)
            line.append(0x0A)
            try sink.write(line)
            count += 1
        }
        try sink.flush()
        return count
    }
}
