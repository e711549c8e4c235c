public import Datasets
public import Domain
public import Marketplace
public import Storage

/// Builds the search index from the store: the store holds the catalog and the live spots,
/// the index is a copy of it in memory. Places (for "yoga in Soweto") come from `Data/`.
public struct CatalogLoader: Sendable {
    public let store: Store
    public let places: [Int: Place]
    public let horizonDays: Int

    public init(store: Store, places: [Place], horizonDays: Int) {
        self.store = store
        var byId: [Int: Place] = [:]
        for place in places { byId[place.id] = place }
        self.places = byId
        self.horizonDays = horizonDays
    }

    /// The index over the catalog as the store holds it now.
    public func buildIndex(now: Int64) async throws -> MarketplaceIndex {
        MarketplaceIndex(records: try await catalog(now: now).map(records), materializedAt: now, horizonDays: horizonDays)
    }

    /// The gyms with their sessions from `now` to the horizon, as the index holds them.
    public func catalog(now: Int64) async throws -> [StoredGym] {
        try await store.catalog.gyms(from: now, to: now + Int64(horizonDays) * 86_400)
    }

    /// The index over a dataset just imported into an empty store at `now`: the gyms, classes
    /// and sessions the store now holds (the import materializes the same timetables from the
    /// same seed), built without reading them back — a first start saves that read.
    public func buildIndex(imported dataset: Dataset, now: Int64) -> MarketplaceIndex {
        let gyms = dataset.gymRecords(from: now, to: now + Int64(horizonDays) * 86_400).map { gym in
            var gym = gym
            gym.place = places[gym.tenant.placeId]
            gym.sessions.removeAll(where: \.isCancelled)
            return gym
        }
        return MarketplaceIndex(records: gyms, materializedAt: now, horizonDays: horizonDays)
    }

    /// One gym as it stands in the store now, for replacing it in the index.
    public func gym(_ tenantId: String, now: Int64) async throws -> GymRecords? {
        try await store.catalog.gyms(from: now, to: now + Int64(horizonDays) * 86_400, tenant: tenantId).first.map(records)
    }

    func records(_ gym: StoredGym) -> GymRecords {
        GymRecords(
            tenant: gym.tenant, place: places[gym.tenant.placeId], classes: gym.classes, instructors: gym.instructors,
            sessions: gym.sessions.filter { !$0.isCancelled }
        )
    }
}
