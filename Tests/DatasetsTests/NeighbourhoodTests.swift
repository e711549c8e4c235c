@testable import Datasets
import Domain
import Foundation
import Geo
import Testing
import TextSearch

/// The gazetteer of `Data/neighbourhoods.tsv`, and the addresses the generator writes from it.
@Suite struct NeighbourhoodTests {
    static let reference = GeneratorTests.reference

    @Test func everyNeighbourhoodLiesInItsCityAndNoOther() throws {
        let neighbourhoods = Self.reference.neighbourhoods
        #expect(neighbourhoods.count >= 150)
        #expect(Set(neighbourhoods.map(\.id)).count == neighbourhoods.count, "ids are unique")
        for n in neighbourhoods {
            let city = try #require(Self.reference.city(named: n.city))
            #expect(GreatCircle.distanceKm(n.coordinate, city.centerCoordinate) <= city.radiusKm, "\(n.name) lies outside \(city.name)")
            for other in Self.reference.cities where other.slug != city.slug {
                #expect(GreatCircle.distanceKm(n.coordinate, other.centerCoordinate) > other.radiusKm, "\(n.name) lies in \(other.name) too")
            }
            #expect(!n.source.isEmpty && !n.municipality.isEmpty)
            // Its own name is not one of its city's: it names a part of the city, not the city.
            #expect(!city.isNamed(n.name), "\(n.name)")
        }
        // Each stands apart from every other place, so it has an area of its own to be named by.
        for n in neighbourhoods {
            let crowded = Self.reference.places.filter { $0.id != n.id && GreatCircle.distanceKm($0.coordinate, n.coordinate) < 0.3 }
            #expect(crowded.isEmpty, "\(n.name) stands on \(crowded.map(\.name))")
        }
        // Every city has neighbourhoods, and its share of them as places, on its own clock.
        for city in Self.reference.cities {
            let own = Self.reference.places(in: city).filter(\.isNeighbourhood)
            #expect(own.count >= 8, "\(city.name) has \(own.count) neighbourhoods")
            let zones = Set(Self.reference.places(in: city).filter { !$0.isNeighbourhood }.map(\.timezone))
            #expect(own.allSatisfy { zones.contains($0.timezone) })
        }
    }

    /// The names the issue asked for, each where it belongs.
    @Test(arguments: [
        ("Sandton", "johannesburg"), ("Rosebank", "johannesburg"), ("Orlando West", "johannesburg"), ("Diepkloof", "johannesburg"),
        ("Hatfield", "johannesburg"), ("Westlands", "nairobi"), ("Kilimani", "nairobi"), ("Karen", "nairobi"), ("Maadi", "cairo"),
        ("Zamalek", "cairo"), ("Heliopolis", "cairo"), ("Bole", "addis-ababa"), ("Kazanchis", "addis-ababa"), ("Yaba", "lagos"),
        ("Victoria Island", "lagos"), ("East Legon", "accra"), ("Nyamirambo", "kigali"), ("Kimihurura", "kigali"),
        ("Maarif", "casablanca"), ("Agdal", "fes"), ("Polana Cimento", "maputo"), ("Umhlanga", "durban"), ("Sea Point", "cape-town"),
    ])
    func askedForNeighbourhoodsAreThere(name: String, city: String) throws {
        let key = TextFolding.words(in: name)
        let found = Self.reference.neighbourhoods.filter { n in ([n.name] + n.alternateNames).contains { TextFolding.words(in: $0) == key } }
        #expect(found.map(\.city) == [city])
    }

    /// Where people write Arabic or Ge'ez, every neighbourhood carries its name in that script.
    @Test func localScriptNames() {
        let scripts: [String: ClosedRange<UInt32>] = [
            "cairo": 0x0600...0x06FF, "casablanca": 0x0600...0x06FF, "fes": 0x0600...0x06FF, "addis-ababa": 0x1200...0x137F,
        ]
        for n in Self.reference.neighbourhoods {
            guard let script = scripts[n.city] else { continue }
            #expect(n.alternateNames.contains { $0.unicodeScalars.contains { script.contains($0.value) } }, "\(n.name) has no name in its city's script")
        }
    }

    @Test func aMalformedRowIsRefusedWithItsLine() throws {
        let url = FileManager.default.temporaryDirectory.appending(path: "neighbourhoods-\(UUID().uuidString).tsv")
        defer { try? FileManager.default.removeItem(at: url) }
        try "id\tcity\tname\talternate_names\tlatitude\tlongitude\tmunicipality\tsource\n1000000001\tatlantis\tX\t\t1\t2\tY\tZ\n"
            .write(to: url, atomically: true, encoding: .utf8)
        #expect(throws: DatasetError.self) { try NeighbourhoodTable.read(url, cities: Self.reference.cities) }
        do { _ = try NeighbourhoodTable.read(url, cities: Self.reference.cities) } catch { #expect("\(error)".contains(":2: no city 'atlantis'")) }
    }

    /// A gym's suburb is the nearest neighbourhood or town, never the city's own name; its city
    /// is the suburb's real one.
    @Test func addressesNameTheNearestNeighbourhood() throws {
        let generator = DatasetGenerator(reference: Self.reference)
        let dataset = try generator.generate(cities: generator.cities(named: "all"), gyms: 1_500, seed: 5)
        let places = Dictionary(uniqueKeysWithValues: dataset.places.map { ($0.id, $0) })
        for tenant in dataset.tenants {
            let city = try #require(Self.reference.cities.first { $0.countryName == tenant.address.country && GreatCircle.distanceKm($0.centerCoordinate, Coordinate(latitude: tenant.location.lat, longitude: tenant.location.lng)) <= $0.radiusKm })
            #expect(!city.isNamed(tenant.address.suburb), "\(tenant.slug) has its city's name as its suburb")
            let place = try #require(places[tenant.placeId])
            #expect(GreatCircle.distanceKm(place.coordinate, city.centerCoordinate) <= city.radiusKm, "\(tenant.slug)'s place is outside its city")
            #expect(tenant.address.suburb == place.name)
        }
        let suburbs = Dictionary(grouping: dataset.tenants, by: \.address.suburb)
        #expect(suburbs["Lagos"] == nil && suburbs["Johannesburg"] == nil && suburbs["Cairo"] == nil)
        #expect(dataset.tenants.contains { $0.placeId >= Place.firstNeighbourhoodId }, "neighbourhoods are used")
        // Krugersdorp is a town of its own, not a part of Soweto; Sandton is in Johannesburg.
        #expect(dataset.tenants.filter { $0.address.suburb == "Krugersdorp" }.allSatisfy { $0.address.city == "Krugersdorp" })
        #expect(dataset.tenants.filter { $0.address.suburb == "Sandton" }.allSatisfy { $0.address.city == "Johannesburg" })
        #expect(dataset.tenants.contains { $0.address.suburb == "Sandton" })
    }
}
