public import Datasets
import Domain
import Geo
import TextSearch

extension CatalogSegment {
    /// Builds a segment from gyms' records. Cancelled sessions are left out: nobody can book them.
    convenience init(building input: [GymRecords], progress: ProgressReport? = nil) {
        var gyms: [GymEntry] = [], classes: [ClassEntry] = [], places: [PlaceEntry] = []
        var placeIndex: [Int: Int32] = [:]
        var placeGymEntries: [(row: UInt32, id: UInt32, fields: UInt8)] = []
        var starts: [Int64] = [], spots: [Int32] = []
        var text = TextIndexBuilder(collections: TextCollection.allCases.count)

        for (done, records) in input.enumerated() {
            if done % 1_000 == 0 { progress?("indexing gyms", done, input.count) }
            let tenant = records.tenant
            let g = Int32(gyms.count)
            var place: Int32 = -1
            if let p = records.place {
                if let known = placeIndex[p.id] {
                    place = known
                } else {
                    place = Int32(places.count)
                    placeIndex[p.id] = place
                    places.append(PlaceEntry(id: p.id, name: p.name))
                    text.add(p.name, field: 0, document: Int(place), collection: TextCollection.places.rawValue)
                    for name in p.alternateNames {
                        text.add(name, field: 1, document: Int(place), collection: TextCollection.places.rawValue)
                    }
                }
                placeGymEntries.append((UInt32(place), UInt32(g), 1))
            }
            let gymText = [tenant.name, tenant.address.suburb, tenant.address.city, tenant.address.country]
            for (field, value) in gymText.enumerated() {
                text.add(value, field: field, document: Int(g), collection: TextCollection.gyms.rawValue)
            }

            var instructorNames: [String: String] = [:]
            for user in records.instructors { instructorNames[user.id] = user.fullName }
            var sessionsByClass = [[SessionOccurrence]](repeating: [], count: records.classes.count)
            for session in records.sessions where !session.isCancelled && records.classes.indices.contains(session.classIndex) {
                sessionsByClass[session.classIndex].append(session)
            }
            let firstClass = Int32(classes.count)
            for (local, fitnessClass) in records.classes.enumerated() {
                let c = classes.count
                let firstSession = Int32(starts.count)
                var previous: Int64?
                for session in sessionsByClass[local].sorted(by: { $0.start < $1.start }) where session.start != previous {
                    previous = session.start
                    starts.append(session.start)
                    spots.append(Int32(clamping: session.availableSpots))
                }
                let instructor = instructorNames[fitnessClass.instructorId] ?? ""
                classes.append(ClassEntry(
                    id: fitnessClass.id, name: fitnessClass.name, type: fitnessClass.classType,
                    difficulty: fitnessClass.difficultyLevel, credits: Int32(clamping: fitnessClass.creditsRequired),
                    capacity: Int32(clamping: fitnessClass.maxCapacity),
                    durationSeconds: Int32(clamping: fitnessClass.durationMinutes * 60), instructor: instructor, gym: g,
                    sessions: firstSession..<Int32(starts.count),
                    timetable: fitnessClass.isActive ? Timetable(fitnessClass.weeklySlots) : Timetable(slots: []),
                    idHash: SessionIdentity.classHash(fitnessClass.id)
                ))
                let classText = [fitnessClass.name, fitnessClass.classType.displayName, instructor, fitnessClass.description]
                for (field, value) in classText.enumerated() {
                    text.add(value, field: field, document: c, collection: TextCollection.classes.rawValue)
                }
            }
            gyms.append(GymEntry(
                id: tenant.id, name: tenant.name, slug: tenant.slug, suburb: tenant.address.suburb,
                city: tenant.address.city, country: tenant.address.country,
                coordinate: Coordinate(latitude: tenant.location.lat, longitude: tenant.location.lng),
                timezone: tenant.timezone, marketplaceEnabled: tenant.marketplaceEnabled, isActive: tenant.isActive,
                place: place, classes: firstClass..<Int32(classes.count)
            ))
        }
        progress?("indexing gyms", input.count, input.count)
        text.reserveDocuments(classes.count, collection: TextCollection.classes.rawValue)
        text.reserveDocuments(gyms.count, collection: TextCollection.gyms.rawValue)
        text.reserveDocuments(places.count, collection: TextCollection.places.rawValue)
        // The last steps are whole sorts with no count to report: said as they start and end.
        progress?("sorting words into postings", 0, 1)
        let textIndex = text.build()
        progress?("sorting words into postings", 1, 1)
        progress?("building the R-tree and the session orders", 0, 1)
        self.init(
            gyms: gyms, classes: classes, places: places,
            placeGyms: PostingLists(rowCount: places.count, entries: placeGymEntries),
            sessionStarts: starts, spots: spots, tree: RTree(points: gyms.map(\.coordinate)), text: textIndex
        )
        progress?("building the R-tree and the session orders", 1, 1)
    }
}

extension Dataset {
    /// Each gym with its place, classes, instructors and the sessions its timetables give in
    /// [`from`, `to`), in the dataset's order.
    public func gymRecords(from: Int64, to: Int64, progress: ProgressReport? = nil) -> [GymRecords] {
        var placesById: [Int: Place] = [:]
        for place in places { placesById[place.id] = place }
        var classesByTenant: [String: [FitnessClass]] = [:]
        for fitnessClass in classes { classesByTenant[fitnessClass.tenantId, default: []].append(fitnessClass) }
        var usersByTenant: [String: [User]] = [:]
        for user in users { usersByTenant[user.tenantId, default: []].append(user) }
        var clocks = ZoneClocks()
        return tenants.enumerated().map { done, tenant in
            if done % 1_000 == 0 { progress?("reading timetables into sessions", done, tenants.count) }
            let classes = classesByTenant[tenant.id] ?? []
            var sessions: [SessionOccurrence] = []
            for (index, fitnessClass) in classes.enumerated() {
                sessions += SessionSchedule.occurrences(
                    of: fitnessClass, classIndex: index, zone: tenant.timezone, clocks: &clocks,
                    from: from, to: to, seed: manifest.seed
                )
            }
            if done == tenants.count - 1 { progress?("reading timetables into sessions", tenants.count, tenants.count) }
            return GymRecords(
                tenant: tenant, place: placesById[tenant.placeId], classes: classes,
                instructors: usersByTenant[tenant.id] ?? [], sessions: sessions
            )
        }
    }
}
