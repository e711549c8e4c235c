import Datasets
import Domain
import Foundation

/// Datasets generated from the committed reference data, once per test process.
enum TestData {
    static let referenceDirectory = URL(filePath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appending(path: "Data", directoryHint: .isDirectory)

    static let reference: ReferenceData = try! ReferenceData(directory: referenceDirectory)

    /// 900 gyms shared over every city by population: Lagos, Cairo and Johannesburg dense,
    /// Kigali and Addis Ababa sparse.
    static let allCities: Dataset = generate("all", gyms: 900, seed: 11)

    static func generate(_ city: String, gyms: Int, seed: UInt64) -> Dataset {
        let generator = DatasetGenerator(reference: reference)
        return try! generator.generate(cities: generator.cities(named: city), gyms: gyms, seed: seed)
    }

    /// A fixed "now": Wednesday 25 November 2026, 08:00 UTC.
    static let now: Int64 = ISO8601.parse("2026-11-25T08:00:00Z")!
}
