import Benchmark
import Datasets
import Domain
import Foundation
import Geo
import GeoAreas
import Marketplace
import TextSearch

/// The hot paths of search on the README's city dataset (Johannesburg, 2,000 gyms, seed 42,
/// "now" fixed): the R-tree, ICU folding, typo matching and whole queries. Each benchmark checks
/// its result before `blackHole`, so a broken path cannot look fast.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .mallocCountTotal], maxDuration: .seconds(3), maxIterations: 1_000_000
    )
    let city = CityFixture.shared

    Benchmark("R-tree: gyms within 5 km") { benchmark in
        for i in benchmark.scaledIterations {
            let hits = city.tree.within(radiusKm: 5, of: city.centers[i % city.centers.count])
            precondition(hits.allSatisfy { $0.distanceKm <= 5 })
            blackHole(hits)
        }
    }

    Benchmark("R-tree: 20 nearest gyms") { benchmark in
        for i in benchmark.scaledIterations {
            let hits = city.tree.nearest(20, to: city.centers[i % city.centers.count])
            precondition(hits.count == 20)
            blackHole(hits)
        }
    }

    Benchmark("ICU: fold names in many scripts") { benchmark in
        for _ in benchmark.scaledIterations {
            for name in CityFixture.names { blackHole(TextFolding.words(in: name)) }
        }
    }

    Benchmark("Vocabulary: 'pilatse' with one typo") { benchmark in
        for _ in benchmark.scaledIterations {
            let matches = city.vocabulary.matches(of: "pilatse", isLastWord: true)
            precondition(!matches.isEmpty)
            blackHole(matches)
        }
    }

    // Whole queries on the city, and the same queries around the same centres in the continent
    // dataset (every city, 100,000 gyms, built before its suites run): a query allocates the same
    // number of times whatever the catalog's size, as the malloc counts show side by side.
    let whole: [(String, String?, Marketplace.SortOrder)] = [
        ("5 km by relevance", nil, .relevance), ("5 km by distance", nil, .distance), ("5 km by start time", nil, .startTime),
        ("5 km by credits", nil, .credits), ("'yoga' within 5 km", "yoga", .relevance), ("'yoga' within 5 km by start time", "yoga", .startTime),
    ]
    let scales: [(String, @Sendable () -> SearchFixture)] = [
        ("Search", { @Sendable in city.searchFixture }), ("Search (continent)", { @Sendable in ContinentFixture.shared.searchFixture }),
    ]
    for (scale, fixture) in scales {
        for (name, text, sort) in whole {
            Benchmark(
                "\(scale): \(name)",
                closure: { benchmark in
                    let fixture = fixture()
                    for i in benchmark.scaledIterations {
                        var query = SearchQuery(now: fixture.now)
                        query.origin = fixture.centers[i % fixture.centers.count]
                        query.radiusKm = 5
                        query.text = text
                        query.sort = sort
                        let page = try fixture.index.search(query)
                        precondition(!page.results.isEmpty)
                        blackHole(page)
                    }
                },
                setup: { _ = fixture() }
            )
        }
    }

    // Areas and routes beside the plain 5 km radius above: the same explorers, a drawn polygon
    // of about the same size, a named area, and a 1 km corridor along a 12 km route.
    Benchmark("Search: within a drawn polygon (~5 km)") { benchmark in
        for i in benchmark.scaledIterations {
            var query = SearchQuery(now: city.now)
            query.area = city.polygons[i % city.polygons.count]
            let page = try city.index.search(query)
            precondition(!page.results.isEmpty)
            blackHole(page)
        }
    }

    Benchmark("Search: within a named area (Soweto)") { benchmark in
        for _ in benchmark.scaledIterations {
            var query = SearchQuery(now: city.now)
            query.area = city.soweto
            let page = try city.index.search(query)
            precondition(!page.results.isEmpty)
            blackHole(page)
        }
    }

    Benchmark("Search: along a 12 km route, 1 km corridor") { benchmark in
        for i in benchmark.scaledIterations {
            var query = SearchQuery(now: city.now)
            query.corridor = city.routes[i % city.routes.count]
            let page = try city.index.search(query)
            precondition(!page.results.isEmpty)
            blackHole(page)
        }
    }
}

/// Built once per benchmark process.
/// What a whole-query suite needs: an index, where explorers stand, and the fixed "now".
struct SearchFixture: Sendable {
    let index: MarketplaceIndex
    let centers: [Coordinate]
    let now: Int64
}

/// The bench's continent scale (every city in `Data/`, 100,000 gyms, seed 42), made on first use.
struct ContinentFixture: Sendable {
    let searchFixture: SearchFixture

    static let shared = ContinentFixture()

    init() {
        let generator = DatasetGenerator(reference: try! ReferenceData(directory: ReferenceData.defaultDirectory()))
        let dataset = try! generator.generate(cities: generator.cities(named: "all"), gyms: 100_000, seed: 42)
        let now = CityFixture.shared.now
        searchFixture = SearchFixture(index: MarketplaceIndex(dataset: dataset, now: now), centers: CityFixture.shared.centers, now: now)
    }
}

struct CityFixture: Sendable {
    let index: MarketplaceIndex
    let tree: RTree
    let vocabulary: Vocabulary
    /// Explorers' positions: within 3 km of the centre, where the gyms are.
    let centers: [Coordinate]
    /// Star-shaped polygons of radius 3-7 km around the first centres.
    let polygons: [Area]
    let soweto: Area
    /// Three-leg routes of 12 km from the first centres.
    let routes: [Corridor]
    let now: Int64

    static let shared = CityFixture()

    var searchFixture: SearchFixture { SearchFixture(index: index, centers: centers, now: now) }

    static let names = [
        "Sunrise Yoga", "Pilátes Renforcement", "ｐｉｌａｔｅｓ", "يُوغَا الاسترخاء", "የጠዋት ዮጋ", "Йога класс", "Natação Hidroginástica",
        "Vinyasa Flow at Baobab Yoga Shala, Soweto",
    ]

    init() {
        let generator = DatasetGenerator(reference: try! ReferenceData(directory: ReferenceData.defaultDirectory()))
        let dataset = try! generator.generate(cities: generator.cities(named: "johannesburg"), gyms: 2_000, seed: 42)
        now = ISO8601.parse("2026-11-25T10:00:00Z")!
        index = MarketplaceIndex(dataset: dataset, now: now)
        tree = RTree(points: dataset.tenants.map { Coordinate(latitude: $0.location.lat, longitude: $0.location.lng) })
        var words = Set<String>()
        for c in dataset.classes { words.formUnion(TextFolding.words(in: c.name + " " + c.description)) }
        for t in dataset.tenants { words.formUnion(TextFolding.words(in: t.name + " " + t.address.suburb)) }
        vocabulary = Vocabulary(terms: Array(words))
        let centre = Coordinate(latitude: -26.2041, longitude: 28.0473)
        var rng = SeededRandom(seed: 7)
        centers = (0..<256).map { _ in
            GreatCircle.destination(from: centre, km: rng.double(in: 0..<3), bearingDegrees: rng.double(in: 0..<360))
        }
        polygons = centers.prefix(32).map { centre in
            let corners = rng.int(in: 5...16)
            var ring = (0..<corners).map { k in
                GreatCircle.destination(from: centre, km: rng.double(in: 3..<7), bearingDegrees: Double(k) * 360 / Double(corners))
            }
            ring.append(ring[0])
            return try! Area(polygons: [[ring]])
        }
        let reference = try! ReferenceData(directory: ReferenceData.defaultDirectory())
        soweto = try! NamedAreas(cities: [reference.city(named: "johannesburg")!], places: reference.places).area(named: "Soweto")!.area
        routes = centers.prefix(32).map { start in
            var path = [start]
            var bearing = rng.double(in: 0..<360)
            for _ in 0..<3 {
                bearing += rng.double(in: -45..<45)
                path.append(GreatCircle.destination(from: path.last!, km: 4, bearingDegrees: bearing))
            }
            return try! Corridor(path: path, widthKm: 1)
        }
    }
}
