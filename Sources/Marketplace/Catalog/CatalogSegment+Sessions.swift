import Datasets
import Domain
import Geo
import TextSearch

extension CatalogSegment {
    /// Builds a segment from catalog parts that carry no sessions (a loaded snapshot), with the
    /// sessions their timetables give in [`from`, `to`).
    convenience init(
        gyms: [GymEntry], classes unscheduled: [ClassEntry], places: [PlaceEntry], placeGyms: PostingLists,
        text: TextIndex, sessionsFrom from: Int64, to: Int64, seed: UInt64
    ) {
        var classes = unscheduled
        var starts: [Int64] = [], spots: [Int32] = []
        var clocks = ZoneClocks()
        for gym in gyms {
            for c in gym.classes {
                let entry = classes[Int(c)]
                let first = Int32(starts.count)
                let sessions = SessionSchedule.occurrences(
                    classId: entry.id, timetable: entry.timetable, classIndex: Int(c),
                    durationMinutes: Int(entry.durationSeconds / 60), capacity: Int(entry.capacity), zone: gym.timezone,
                    clocks: &clocks, from: from, to: to, seed: seed
                )
                for session in sessions where !session.isCancelled {
                    starts.append(session.start)
                    spots.append(Int32(clamping: session.availableSpots))
                }
                classes[Int(c)].sessions = first..<Int32(starts.count)
            }
        }
        self.init(
            gyms: gyms, classes: classes, places: places, placeGyms: placeGyms, sessionStarts: starts, spots: spots,
            tree: RTree(points: gyms.map(\.coordinate)), text: text
        )
    }
}
