public import Foundation

/// The project's `Data/` folder: `STUDIOLOOP_DATA` if set, else `Data` in the working
/// directory, else the one beside the sources this binary was built from.
public enum DataDirectory {
    public static func url() -> URL {
        if let path = ProcessInfo.processInfo.environment["STUDIOLOOP_DATA"], !path.isEmpty {
            return URL(filePath: path, directoryHint: .isDirectory)
        }
        let local = URL(filePath: "Data", directoryHint: .isDirectory)
        if FileManager.default.fileExists(atPath: local.appending(path: "cities.json").path) { return local }
        return URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: "Data", directoryHint: .isDirectory)
    }
}
