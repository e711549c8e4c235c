import Datasets
import Domain
import Foundation
import Geo
import Marketplace
import Testing

/// Questions as people ask them — neighbourhoods in their own scripts, the Arabic spellings of
/// each region, class words in French, Portuguese, Swahili, isiZulu, Afrikaans, Hausa, Yoruba,
/// Arabic and Amharic, "tonight in Cairo" — each with what its first answer must be, on a
/// generated dataset of every city, through the API's own parameters.
@Suite struct RealQueriesTests {
    static let dataset = TestData.generate("all", gyms: 6_000, seed: 42)
    static let index = MarketplaceIndex(dataset: dataset, now: TestData.now)
    static let areas = try! NamedAreas(cities: TestData.reference.cities, places: TestData.reference.places)

    enum Expect: CustomStringConvertible {
        /// The first result's class type.
        case type(ClassType)
        /// The first result's gym stands in this named area.
        case area(String)
        /// The first result starts on this local day ("2026-11-25"), at or after this hour and
        /// before that one (24 for midnight), in a gym of this city.
        case window(city: String, day: [String], fromHour: Int, toHour: Int)

        var description: String {
            switch self {
            case .type(let t): "type \(t.rawValue)"
            case .area(let a): "in \(a)"
            case .window(let city, let days, let from, let to): "\(city) \(days) \(from)-\(to)h"
            }
        }
    }

    static func near(_ city: String) -> String {
        let c = TestData.reference.city(named: city)!
        return "\(c.center.lat),\(c.center.lng)"
    }

    /// 72 questions. Now is Wednesday 25 November 2026, 08:00 UTC.
    static let table: [([String: String], Expect)] = [
        // Neighbourhoods, in the names and scripts people use.
        (["area": "Sandton"], .area("Sandton")), (["area": "sandton", "q": "yoga"], .type(.yoga)),
        (["area": "Rosebank", "near": near("johannesburg")], .area("johannesburg-rosebank")),
        (["area": "Braamfontein"], .area("Braamfontein")), (["area": "Orlando West"], .area("Orlando West")),
        (["area": "Diepkloof"], .area("Diepkloof")), (["area": "Hatfield"], .area("Hatfield")),
        (["area": "Sea Point"], .area("Sea Point")), (["area": "Guguletu"], .area("Gugulethu")),
        (["area": "Morningside", "near": near("durban")], .area("durban-morningside")), (["area": "Westlands"], .area("Westlands")),
        (["area": "Kilimani"], .area("Kilimani")), (["area": "Eastleigh", "near": near("nairobi")], .area("nairobi-eastleigh")),
        (["area": "Yaba"], .area("Yaba")), (["area": "Victoria Island"], .area("Victoria Island")), (["area": "VI", "near": near("lagos")], .area("Victoria Island")),
        (["area": "Ikeja"], .area("Ikeja")), (["area": "Lekki"], .area("Lekki")), (["area": "Ikoyi"], .area("Ikoyi")),
        (["area": "Cantonments"], .area("Cantonments")), (["area": "Osu"], .area("accra-osu")), (["area": "Labadi"], .area("Labadi")),
        (["area": "Maadi"], .area("Maadi")), (["area": "المعادي"], .area("Maadi")), (["area": "Zamalek"], .area("Zamalek")),
        (["area": "الزمالك"], .area("Zamalek")), (["area": "مصر الجديدة"], .area("Heliopolis")), (["area": "Heliopolis"], .area("Heliopolis")),
        (["area": "الدقي"], .area("Dokki")), (["area": "Maarif"], .area("Maârif")), (["area": "المعاريف"], .area("Maârif")),
        (["area": "Aïn Diab"], .area("Aïn Diab")), (["area": "Ville Nouvelle", "near": near("fes")], .area("Ville Nouvelle")),
        (["area": "Bole"], .area("Bole")), (["area": "ቦሌ"], .area("Bole")), (["area": "ካዛንቺስ"], .area("Kazanchis")),
        (["area": "Nyamirambo"], .area("Nyamirambo")), (["area": "Kimihurura"], .area("Kimihurura")),
        (["area": "Polana Cimento"], .area("Polana Cimento")), (["area": "Sommerschield"], .area("Sommerschield")),
        // Arabic as each region spells it.
        (["q": "يوجا", "near": near("cairo")], .type(.yoga)), (["q": "يوغا", "near": near("cairo")], .type(.yoga)),
        (["q": "يوقا", "near": near("cairo")], .type(.yoga)), (["q": "يوڨا", "near": near("casablanca")], .type(.yoga)),
        (["q": "بيلاتس", "near": near("cairo")], .type(.pilates)), (["q": "بيلاتيس", "near": near("cairo")], .type(.pilates)),
        (["q": "زومبا", "near": near("cairo")], .type(.dance)), (["q": "رقص", "near": near("casablanca")], .type(.dance)),
        (["q": "سباحه", "near": near("cairo")], .type(.swimming)), (["q": "ملاكمه", "near": near("cairo")], .type(.martialArts)),
        (["q": "كارديو", "near": near("cairo")], .type(.cardio)), (["q": "يوجا", "area": "المعادي"], .type(.yoga)),
        // Amharic.
        (["q": "ዮጋ", "near": near("addis-ababa")], .type(.yoga)), (["q": "ዳንስ", "near": near("addis-ababa")], .type(.dance)),
        // French, Portuguese, Swahili, isiZulu, Afrikaans, Hausa, Yoruba class words.
        (["q": "natation", "near": near("casablanca")], .type(.swimming)), (["q": "danse", "near": near("casablanca")], .type(.dance)),
        (["q": "musculation", "near": near("casablanca")], .type(.strength)), (["q": "vélo", "near": near("kigali")], .type(.cycling)),
        (["q": "natação", "near": near("maputo")], .type(.swimming)), (["q": "ioga", "near": near("maputo")], .type(.yoga)),
        (["q": "dança", "near": near("maputo")], .type(.dance)), (["q": "kuogelea", "near": near("nairobi")], .type(.swimming)),
        (["q": "densi", "near": near("nairobi")], .type(.dance)), (["q": "baiskeli", "near": near("nairobi")], .type(.cycling)),
        (["q": "ndondi", "near": near("nairobi")], .type(.martialArts)), (["q": "ukubhukuda", "near": near("durban")], .type(.swimming)),
        (["q": "umdanso", "near": near("durban")], .type(.dance)), (["q": "iyoga", "near": near("durban")], .type(.yoga)),
        (["q": "joga", "near": near("cape-town")], .type(.yoga)), (["q": "swem", "near": near("cape-town")], .type(.swimming)),
        (["q": "rawa", "near": near("lagos")], .type(.dance)), (["q": "ijó", "near": near("lagos")], .type(.dance)),
        (["q": "agbára", "near": near("lagos")], .type(.strength)),
        // The class itself before a gym whose name holds the word, in every order.
        (["q": "yoga", "near": near("johannesburg"), "radius_km": "60", "sort": "credits"], .type(.yoga)),
        (["q": "yoga", "near": near("johannesburg"), "radius_km": "60", "sort": "start_time"], .type(.yoga)),
        (["q": "boxing", "near": near("lagos"), "radius_km": "50", "sort": "distance"], .type(.martialArts)),
        // Time words on the place's own clock.
        (["near": near("cairo"), "when": "tonight"], .window(city: "cairo", day: ["2026-11-25"], fromHour: 17, toHour: 24)),
        (["near": near("casablanca"), "when": "this weekend"], .window(city: "casablanca", day: ["2026-11-28", "2026-11-29"], fromHour: 0, toHour: 24)),
        (["near": near("nairobi"), "when": "tomorrow morning"], .window(city: "nairobi", day: ["2026-11-26"], fromHour: 5, toHour: 12)),
        (["area": "Zamalek", "when": "tonight", "q": "yoga"], .window(city: "cairo", day: ["2026-11-25"], fromHour: 17, toHour: 24)),
        (["near": near("lagos"), "when": "friday", "type": "dance"], .window(city: "lagos", day: ["2026-11-27"], fromHour: 0, toHour: 24)),
    ]

    @Test func thereAreSixtyOrMore() {
        #expect(Self.table.count >= 60)
    }

    /// Every neighbourhood of the gazetteer is an area of its own, holding its place, found by
    /// each of its names.
    @Test func everyNeighbourhoodIsANamedArea() throws {
        for n in TestData.reference.neighbourhoods {
            let slugged = try #require(Self.areas.all.first { $0.placeId == n.id }, "\(n.name) has no area")
            #expect(slugged.area.contains(n.coordinate))
            for name in [n.name] + n.alternateNames {
                #expect(Self.areas.area(named: name, near: n.coordinate)?.placeId == n.id, "'\(name)' calls another area")
            }
        }
    }

    @Test(arguments: Self.table.indices)
    func firstAnswerIsTheRightOne(_ row: Int) throws {
        var (parameters, expected) = Self.table[row]
        parameters["min_spots"] = parameters["min_spots"] ?? "0"
        let query = try SearchQuery(parameters: parameters, areas: Self.areas, now: TestData.now)
        let first = try #require(try Self.index.search(query).results.first, "\(parameters) finds nothing")
        let gym = Coordinate(latitude: first.gym.lat, longitude: first.gym.lng)
        switch expected {
        case .type(let type):
            #expect(first.class.type == type, "\(parameters): \(first.class.name) at \(first.gym.name) (\(first.class.type.rawValue))")
        case .area(let name):
            let area = try #require(Self.areas.area(named: name, near: gym))
            #expect(area.area.contains(gym), "\(parameters): \(first.gym.name) in \(first.gym.suburb) is outside \(area.name)")
        case .window(let city, let days, let fromHour, let toHour):
            let c = try #require(TestData.reference.city(named: city))
            #expect(GreatCircle.distanceKm(gym, c.centerCoordinate) <= c.radiusKm)
            let day = String(first.startTime.prefix(10)), hour = Int(first.startTime.dropFirst(11).prefix(2))!
            #expect(days.contains(day) && (fromHour..<toHour).contains(hour), "\(parameters): starts \(first.startTime)")
        }
    }
}
