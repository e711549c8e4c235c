import Foundation
import Geo
import TextSearch
import Domain

/// Generates gyms, classes and instructors around the real places of African cities.
///
/// Deterministic: the same reference data, cities, gym count and seed give byte-identical
/// files. Every random choice comes from one `SeededRandom`, drawn in a fixed order.
public struct DatasetGenerator: Sendable {
    /// The dataset format this build writes and reads.
    public static let format = 1

    public let reference: ReferenceData

    public init(reference: ReferenceData) {
        self.reference = reference
    }

    /// The cities `name` selects: one city, or all of them for "all".
    public func cities(named name: String) throws(DatasetError) -> [City] {
        if name.lowercased() == "all" { return reference.cities }
        guard let city = reference.city(named: name) else {
            throw .unknownCity(name, known: reference.cities.map(\.slug))
        }
        return [city]
    }

    public func generate(cities: [City], gyms: Int, seed: UInt64, progress: ProgressReport? = nil) throws(DatasetError) -> Dataset {
        guard gyms > 0 else { throw .invalid("--gyms must be at least 1") }
        guard !cities.isEmpty else { throw .invalid("no city to generate") }
        var rng = SeededRandom(seed: seed)
        var state = GenerationState()
        let shares = Self.allocate(gyms, over: cities.map { city in reference.places(in: city).reduce(0) { $0 + $1.population } })
        for (city, count) in zip(cities, shares) where count > 0 {
            let places = reference.places(in: city)
            guard places.contains(where: { !$0.isNeighbourhood }) else { throw .invalid("no GeoNames place lies within \(city.name)'s radius") }
            let cityGenerator = CityGenerator(
                city: city, places: places, neighbourhoods: reference.neighbourhoods.filter { $0.city == city.slug }, vocabulary: reference.vocabulary
            )
            for _ in 0..<count {
                cityGenerator.addGym(to: &state, using: &rng)
                if state.tenants.count % 1_000 == 0 { progress?("generating gyms", state.tenants.count, gyms) }
            }
        }
        progress?("generating gyms", gyms, gyms)
        let usedPlaces = Set(state.tenants.map(\.placeId))
        return Dataset(
            manifest: DatasetManifest(
                format: Self.format, cities: cities.map(\.slug), gyms: gyms, seed: seed, generator: "studioloop data generate"
            ),
            places: reference.places.filter { usedPlaces.contains($0.id) }.sorted { $0.id < $1.id },
            tenants: state.tenants, classes: state.classes, users: state.users
        )
    }

    /// Splits `total` in proportion to `weights` by largest remainder, so shares add up exactly.
    static func allocate(_ total: Int, over weights: [Int]) -> [Int] {
        let sum = max(1, weights.reduce(0, +))
        var shares = weights.map { total * $0 / sum }
        let order = weights.indices.sorted {
            let a = total * weights[$0] % sum, b = total * weights[$1] % sum
            return a != b ? a > b : $0 < $1
        }
        var left = total - shares.reduce(0, +)
        for index in order where left > 0 {
            shares[index] += 1
            left -= 1
        }
        return shares
    }
}

struct GenerationState {
    var tenants: [Tenant] = []
    var classes: [FitnessClass] = []
    var users: [User] = []
    var slugs: Set<String> = []

    mutating func uniqueSlug(_ base: String) -> String {
        var slug = base.isEmpty ? "gym" : base
        var n = 2
        while slugs.contains(slug) {
            slug = "\(base)-\(n)"
            n += 1
        }
        slugs.insert(slug)
        return slug
    }
}

/// Draws the gyms of one city.
struct CityGenerator {
    let city: City
    /// GeoNames' towns, drawn in proportion to their people.
    let towns: [Place]
    let vocabulary: NameVocabulary
    /// Running population totals, for drawing places in proportion to their people.
    let cumulativePopulation: [Int]
    /// What an address can name as its suburb, with the city the address then names.
    let suburbs: [(place: Place, city: String)]

    init(city: City, places: [Place], neighbourhoods: [Neighbourhood], vocabulary: NameVocabulary) {
        self.city = city
        self.towns = places.filter { !$0.isNeighbourhood }
        self.vocabulary = vocabulary
        var running = 0
        cumulativePopulation = towns.map { running += max(1, $0.population); return running }
        suburbs = Self.suburbs(of: city, places: places, neighbourhoods: neighbourhoods)
    }

    /// Every neighbourhood of the gazetteer, with its municipality, and every town that is not
    /// itself a municipality's seat ("Johannesburg", "Giza"): a suburb is never a city's own
    /// name. A town within 10 km of a bigger seat is in that city (Ikeja in Lagos), unless it is
    /// a city of a million itself (Shubra El Kheima); any other is a town of its own
    /// (Krugersdorp, not Soweto).
    static func suburbs(of city: City, places: [Place], neighbourhoods: [Neighbourhood]) -> [(place: Place, city: String)] {
        let municipalities = Set(([city.name] + city.aliases + neighbourhoods.map(\.municipality)).map { TextFolding.nameWords(in: $0) })
        let municipality = Dictionary(uniqueKeysWithValues: neighbourhoods.map { ($0.id, $0.municipality) })
        let seats = places.filter { !$0.isNeighbourhood && municipalities.contains(TextFolding.nameWords(in: $0.name)) }
        return places.compactMap { place in
            if place.isNeighbourhood { return (place, municipality[place.id] ?? city.name) }
            guard !seats.contains(place) else { return nil }
            guard place.population < 1_000_000 else { return (place, place.name) }
            let seat = seats.filter { $0.population > place.population && GreatCircle.distanceKm($0.coordinate, place.coordinate) <= 10 }
                .min { GreatCircle.distanceKm($0.coordinate, place.coordinate) < GreatCircle.distanceKm($1.coordinate, place.coordinate) }
            return (place, seat?.name ?? place.name)
        }
    }

    /// The suburb nearest `point`, and its city.
    func suburb(nearest point: Coordinate, around town: Place) -> (place: Place, city: String) {
        suburbs.min { GreatCircle.distanceKm($0.place.coordinate, point) < GreatCircle.distanceKm($1.place.coordinate, point) }
            ?? (town, town.name)
    }

    static let typeWeights: [(ClassType, Int)] = [
        (.yoga, 20), (.hiit, 14), (.strength, 14), (.pilates, 10), (.cardio, 10), (.dance, 10),
        (.martialArts, 9), (.cycling, 8), (.swimming, 5),
    ]
    static let startTimes = ["05:30", "06:00", "06:30", "07:00", "08:00", "09:00", "09:30", "10:00", "12:00", "12:30",
                             "16:30", "17:00", "17:30", "18:00", "18:30", "19:00", "19:30", "20:00"]
    /// After iftar in Ramadan and on summer nights, classes in Cairo and Casablanca run late.
    static let lateStartTimes = ["21:30", "22:00", "23:00", "00:30", "02:30"]

    func addGym(to state: inout GenerationState, using rng: inout SeededRandom) {
        let town = drawPlace(&rng)
        let location = scatter(around: town, &rng)
        let (place, cityName) = suburb(nearest: location, around: town)
        let language = drawLanguage(&rng)
        let name = gymName(place: place, language: language, &rng)
        let slug = state.uniqueSlug(TextFolding.nameWords(in: name).joined(separator: "-"))
        let tenantId = UUIDText.random(using: &rng)

        let tenant = Tenant(
            id: tenantId, name: name, slug: slug, email: "hello@\(slug).studioloop.example",
            phone: phoneNumber(&rng),
            address: Address(
                street: street(language: language, &rng), suburb: place.name, city: cityName,
                province: city.province, postalCode: String(rng.int(in: 1000...9999)), country: city.countryName
            ),
            location: Location(lat: Self.round6(location.latitude), lng: Self.round6(location.longitude)),
            timezone: place.timezone,
            subscriptionTier: rng.chance(0.5) ? .starter : (rng.chance(0.7) ? .growth : .pro),
            marketplaceEnabled: rng.chance(0.85),
            status: rng.chance(0.97) ? .active : .suspended,
            placeId: place.id
        )
        state.tenants.append(tenant)

        let instructors = (0..<rng.int(in: 1...4)).map { _ in instructor(tenant: tenant, language: language, &rng) }
        state.users += instructors
        for _ in 0..<rng.int(in: 3...9) {
            state.classes.append(fitnessClass(tenant: tenant, instructors: instructors, language: language, &rng))
        }
    }

    func drawPlace(_ rng: inout SeededRandom) -> Place {
        let ticket = rng.int(in: 0..<cumulativePopulation.last!)
        var lo = 0, hi = cumulativePopulation.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cumulativePopulation[mid] > ticket { hi = mid } else { lo = mid + 1 }
        }
        return towns[lo]
    }

    /// A point near `place`: farther out for bigger places, never outside the city.
    func scatter(around place: Place, _ rng: inout SeededRandom) -> Coordinate {
        let spreadKm = 0.8 + 2.0 * (Double(place.population) / 1_000_000).squareRoot()
        for _ in 0..<20 {
            // Box-Muller: one normal draw for the distance.
            let u1 = max(rng.unit(), .leastNonzeroMagnitude), u2 = rng.unit()
            let normal = (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
            let point = GreatCircle.destination(
                from: place.coordinate, km: abs(normal) * spreadKm, bearingDegrees: rng.double(in: 0..<360)
            )
            if GreatCircle.distanceKm(point, city.centerCoordinate) <= city.radiusKm { return point }
        }
        return place.coordinate
    }

    func drawLanguage(_ rng: inout SeededRandom) -> String {
        rng.chance(0.55) || city.languages.count == 1 ? city.languages[0] : rng.element(of: Array(city.languages.dropFirst()))
    }

    func gymName(place: Place, language: String, _ rng: inout SeededRandom) -> String {
        let nounLanguage = rng.chance(0.7) ? language : "en"
        let noun = rng.element(of: vocabulary.words(vocabulary.gymNouns, nounLanguage))
        let first: String =
            rng.chance(0.35) ? place.name : rng.element(of: vocabulary.words(vocabulary.gymAdjectives, nounLanguage))
        // Arabic puts the noun first: "نادي الأطلس".
        return nounLanguage == "ar" ? "\(noun) \(first)" : "\(first) \(noun)"
    }

    func street(language: String, _ rng: inout SeededRandom) -> String {
        let pattern = vocabulary.streetPatterns[language] ?? vocabulary.streetPatterns["en"] ?? "{n} {name}"
        let name = rng.element(of: vocabulary.words(vocabulary.lastNames, language))
        return pattern.replacingOccurrences(of: "{n}", with: String(rng.int(in: 1...399)))
            .replacingOccurrences(of: "{name}", with: name)
    }

    func phoneNumber(_ rng: inout SeededRandom) -> String {
        "\(city.callingCode) \(rng.int(in: 10...99)) \(rng.int(in: 100...999)) \(rng.int(in: 1000...9999))"
    }

    func instructor(tenant: Tenant, language: String, _ rng: inout SeededRandom) -> User {
        let nameLanguage = rng.chance(0.7) ? language : "en"
        let first = rng.element(of: vocabulary.words(vocabulary.firstNames, nameLanguage))
        let last = rng.element(of: vocabulary.words(vocabulary.lastNames, nameLanguage))
        let id = UUIDText.random(using: &rng)
        return User(
            id: id, tenantId: tenant.id, email: "coach-\(id.prefix(8))@\(tenant.slug).studioloop.example",
            firstName: first, lastName: last, phone: phoneNumber(&rng), role: .instructor
        )
    }

    func fitnessClass(tenant: Tenant, instructors: [User], language: String, _ rng: inout SeededRandom) -> FitnessClass {
        let type = drawType(&rng)
        let nameLanguage = rng.chance(0.65) ? language : "en"
        let names = vocabulary.classNames[type.rawValue].map { vocabulary.words($0, nameLanguage) } ?? [type.displayName]
        let duration = rng.element(of: [30, 45, 45, 60, 60, 60, 75, 90])
        let difficulty = rng.element(of: Difficulty.allCases)
        let sentences = vocabulary.words(vocabulary.descriptions, nameLanguage)
        let description = (0..<2).map { _ in rng.element(of: sentences) }
            .map {
                $0.replacingOccurrences(of: "{minutes}", with: String(duration))
                    .replacingOccurrences(of: "{type}", with: type.displayName)
                    .replacingOccurrences(of: "{level}", with: difficulty.rawValue.replacingOccurrences(of: "_", with: " "))
            }
            .joined(separator: " ")
        let capacity =
            switch type {
            case .swimming: rng.int(in: 6...12)
            case .cycling: rng.int(in: 15...30)
            default: rng.int(in: 8...25)
            }
        let equipment = vocabulary.equipment[type.rawValue] ?? []
        let lateNights = city.languages.first == "ar"
        var slots: [WeeklySlot] = []
        for _ in 0..<rng.int(in: 1...5) {
            let time = lateNights && rng.chance(0.25) ? rng.element(of: Self.lateStartTimes) : rng.element(of: Self.startTimes)
            let slot = WeeklySlot(weekday: rng.int(in: 1...7), start: time)
            if !slots.contains(slot) { slots.append(slot) }
        }
        return FitnessClass(
            id: UUIDText.random(using: &rng), tenantId: tenant.id, name: rng.element(of: names), description: description,
            classType: type, instructorId: rng.element(of: instructors).id, durationMinutes: duration,
            maxCapacity: capacity, difficultyLevel: difficulty,
            creditsRequired: min(5, rng.int(in: 1...3) + (tenant.subscriptionTier == .pro ? 1 : 0)),
            equipmentNeeded: Self.distinct(equipment.isEmpty ? [] : (0..<rng.int(in: 0...2)).map { _ in rng.element(of: equipment) }),
            isActive: rng.chance(0.95), weeklySlots: slots.sorted()
        )
    }

    func drawType(_ rng: inout SeededRandom) -> ClassType {
        var ticket = rng.int(in: 0..<Self.typeWeights.reduce(0) { $0 + $1.1 })
        for (type, weight) in Self.typeWeights {
            if ticket < weight { return type }
            ticket -= weight
        }
        return .yoga
    }

    static func distinct(_ items: [String]) -> [String] {
        items.enumerated().filter { !items[..<$0.offset].contains($0.element) }.map(\.element)
    }

    static func round6(_ value: Double) -> Double { (value * 1_000_000).rounded() / 1_000_000 }
}
