@testable import Datasets
import Domain
import Foundation
import Geo
import Testing

@Suite struct GeneratorTests {
    static let reference = try! ReferenceData(
        directory: URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: "Data", directoryHint: .isDirectory)
    )

    func generate(_ city: String, gyms: Int, seed: UInt64) throws -> Dataset {
        let generator = DatasetGenerator(reference: Self.reference)
        return try generator.generate(cities: generator.cities(named: city), gyms: gyms, seed: seed)
    }

    @Test func sameArgumentsSameBytes() throws {
        let a = FileManager.default.temporaryDirectory.appending(path: "sl-gen-a-\(UUID().uuidString)")
        let b = FileManager.default.temporaryDirectory.appending(path: "sl-gen-b-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: a); try? FileManager.default.removeItem(at: b) }
        try generate("all", gyms: 120, seed: 42).write(to: a)
        try generate("all", gyms: 120, seed: 42).write(to: b)
        for name in ["dataset.json", "places.jsonl", "tenants.jsonl", "classes.jsonl", "users.jsonl"] {
            #expect(try Data(contentsOf: a.appending(path: name)) == Data(contentsOf: b.appending(path: name)), "\(name)")
        }
        #expect(try Dataset.fingerprint(of: a) == Dataset.fingerprint(of: b))
        try generate("all", gyms: 120, seed: 43).write(to: b)
        #expect(try Dataset.fingerprint(of: a) != Dataset.fingerprint(of: b))
        // And it reads back as written.
        let back = try Dataset.read(from: a)
        #expect(back.tenants == (try generate("all", gyms: 120, seed: 42)).tenants)
    }

    @Test(arguments: ["johannesburg", "cape-town", "durban", "lagos", "nairobi", "accra", "cairo", "casablanca", "addis-ababa", "kigali"])
    func gymsStandInTheirCity(_ slug: String) throws {
        let dataset = try generate(slug, gyms: 60, seed: 3)
        let city = Self.reference.city(named: slug)!
        #expect(dataset.tenants.count == 60)
        let places = Dictionary(uniqueKeysWithValues: dataset.places.map { ($0.id, $0) })
        for tenant in dataset.tenants {
            let point = Coordinate(latitude: tenant.location.lat, longitude: tenant.location.lng)
            #expect(GreatCircle.distanceKm(point, city.centerCoordinate) <= city.radiusKm + 0.01)
            let place = try #require(places[tenant.placeId])
            #expect(tenant.timezone == place.timezone)
            #expect(tenant.address.suburb == place.name)
            #expect(tenant.address.country == city.countryName)
        }
        #expect(Set(dataset.tenants.map(\.slug)).count == 60, "slugs are unique")
        #expect(dataset.classes.allSatisfy { !$0.weeklySlots.isEmpty && $0.weeklySlots.allSatisfy { $0.minuteOfDay != nil } })
    }

    @Test func vocabulariesCarryTheirScripts() throws {
        let dataset = try generate("all", gyms: 800, seed: 9)
        let text = (dataset.tenants.map(\.name) + dataset.classes.map(\.name) + dataset.classes.map(\.description)).joined(separator: " ")
        let scalars = text.unicodeScalars
        #expect(scalars.contains { (0x0600...0x06FF).contains($0.value) }, "Arabic")
        #expect(scalars.contains { (0x1200...0x137F).contains($0.value) }, "Ge'ez")
        #expect(scalars.contains { "éèçãõâ".unicodeScalars.contains($0) }, "Latin accents")
        let types = Set(dataset.classes.map(\.classType))
        #expect(types == Set(ClassType.allCases))
        // Sessions start partly and fully booked.
        let sessions = SessionSchedule.sessions(of: dataset, from: ISO8601.parse("2026-11-25T00:00:00Z")!, to: ISO8601.parse("2026-12-09T00:00:00Z")!)
        #expect(sessions.contains { $0.availableSpots == 0 })
        #expect(sessions.contains { $0.availableSpots > 0 && $0.availableSpots < $0.capacity })
        #expect(sessions.contains { $0.availableSpots == $0.capacity })
    }

    @Test func unknownCityIsNamed() throws {
        let generator = DatasetGenerator(reference: Self.reference)
        #expect(throws: DatasetError.self) { try generator.cities(named: "atlantis") }
        #expect(try generator.cities(named: "Joburg").map(\.slug) == ["johannesburg"])
        #expect(try generator.cities(named: "all").count == Self.reference.cities.count)
    }

    @Test func sharesAddUp() {
        #expect(DatasetGenerator.allocate(10, over: [1, 1, 1]) .reduce(0, +) == 10)
        #expect(DatasetGenerator.allocate(7, over: [100, 0, 50]) == [5, 0, 2])
    }
}

/// Data/demo is what the generator makes from its manifest: a change to the generator or the
/// reference data must come with a regenerated demo (the command is in Data/README.md).
@Suite struct DemoDatasetTests {
    @Test func demoIsUpToDate() throws {
        let data = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appending(path: "Data", directoryHint: .isDirectory)
        let demo = data.appending(path: "demo", directoryHint: .isDirectory)
        let committed = try Dataset.read(from: demo)
        let generator = DatasetGenerator(reference: try ReferenceData(directory: data))
        let cities = try committed.manifest.cities.map { try #require(generator.reference.city(named: $0)) }
        let fresh = try generator.generate(cities: cities, gyms: committed.manifest.gyms, seed: committed.manifest.seed)
        let out = FileManager.default.temporaryDirectory.appending(path: "sl-demo-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: out) }
        try fresh.write(to: out)
        #expect(try Dataset.fingerprint(of: out) == Dataset.fingerprint(of: demo), "regenerate Data/demo (see Data/README.md)")
    }
}
