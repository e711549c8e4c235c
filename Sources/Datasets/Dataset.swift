public import Foundation
public import Domain

/// A generated dataset: gyms, their classes with weekly timetables, instructors, and the real
/// places they stand in. Sessions are not stored: they are materialized from the timetables
/// for whatever "now" a reader chooses (see `SessionSchedule`).
public struct Dataset: Sendable {
    public var manifest: DatasetManifest
    public var places: [Place]
    public var tenants: [Tenant]
    public var classes: [FitnessClass]
    public var users: [User]

    public init(manifest: DatasetManifest, places: [Place], tenants: [Tenant], classes: [FitnessClass], users: [User]) {
        self.manifest = manifest
        self.places = places
        self.tenants = tenants
        self.classes = classes
        self.users = users
    }

    static let files = ["dataset.json", "places.jsonl", "tenants.jsonl", "classes.jsonl", "users.jsonl"]

    /// Reads a dataset folder written by `write(to:)`.
    public static func read(from directory: URL, progress: ProgressReport? = nil) throws(DatasetError) -> Dataset {
        guard FileManager.default.fileExists(atPath: directory.appending(path: "dataset.json").path) else {
            throw .invalid("no dataset at \(directory.path) (make one with `studioloop data generate --city NAME --out DIR`)")
        }
        let manifest = try JSONLines.decode(DatasetManifest.self, from: directory.appending(path: "dataset.json"))
        guard manifest.format == DatasetGenerator.format else {
            throw .invalid("\(directory.path) is dataset format \(manifest.format); this build reads format \(DatasetGenerator.format)")
        }
        return Dataset(
            manifest: manifest,
            places: try JSONLines.read(Place.self, from: directory.appending(path: "places.jsonl"), progress: progress),
            tenants: try JSONLines.read(Tenant.self, from: directory.appending(path: "tenants.jsonl"), progress: progress),
            classes: try JSONLines.read(FitnessClass.self, from: directory.appending(path: "classes.jsonl"), progress: progress),
            users: try JSONLines.read(User.self, from: directory.appending(path: "users.jsonl"), progress: progress)
        )
    }

    /// Writes the dataset as JSON Lines files in `directory`, creating it if needed.
    public func write(to directory: URL, progress: ProgressReport? = nil) throws(DatasetError) {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            var manifestData = try JSONLines.encoder().encode(manifest)
            manifestData.append(0x0A)
            try manifestData.write(to: directory.appending(path: "dataset.json"), options: .atomic)
        } catch let error as DatasetError {
            throw error
        } catch {
            throw .unwritable(directory.path, "\(error.localizedDescription)")
        }
        try JSONLines.write(places, to: directory.appending(path: "places.jsonl"), progress: progress)
        try JSONLines.write(tenants, to: directory.appending(path: "tenants.jsonl"), progress: progress)
        try JSONLines.write(classes, to: directory.appending(path: "classes.jsonl"), progress: progress)
        try JSONLines.write(users, to: directory.appending(path: "users.jsonl"), progress: progress)
    }

    /// A 64-bit fingerprint of the dataset's files, to tell whether an index snapshot was
    /// built from exactly these bytes.
    public static func fingerprint(of directory: URL) throws(DatasetError) -> UInt64 {
        var hash = FNV1a()
        for name in files {
            let url = directory.appending(path: name)
            do { hash.combine(bytes: try Data(contentsOf: url)) } catch { throw .unreadable(url.path, "\(error.localizedDescription)") }
            hash.combine(byte: 0)
        }
        return hash.value
    }
}
