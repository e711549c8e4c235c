import Datasets

/// Instants as an app shows them at a gym: ISO 8601 with the gym's UTC offset at that instant
/// (which moves with daylight saving in Cairo and Casablanca). UTC when the zone is unknown.
struct GymTime {
    private let zone: ZoneClock?

    init(timezone: String) {
        zone = ZoneClock(identifier: timezone)
    }

    func format(_ seconds: Int64) -> String {
        ISO8601.format(seconds, offsetSeconds: zone?.offset(at: seconds) ?? 0, utcDesignator: false)
    }
}
