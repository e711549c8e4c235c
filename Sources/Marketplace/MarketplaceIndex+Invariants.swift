#if STUDIOLOOP_INVARIANTS
extension MarketplaceIndex {
    /// Walks every segment and the map of where each gym lives; traps on an inconsistency.
    /// Compiled into checked (debug) builds only; tests call it after each upsert, removal and
    /// merge.
    func _checkInvariants() {
        let state = currentState
        precondition(!state.segments.isEmpty && state.segments.count == state.dead.count)
        precondition(state.segments.count - 1 <= Self.maxSmallSegments, "small segments were not merged")
        for segment in state.segments { segment._checkInvariants() }
        for (id, location) in state.location {
            precondition(location.segment < state.segments.count, "gym \(id) lives in a segment that does not exist")
            let segment = state.segments[location.segment]
            precondition(Int(location.gym) < segment.gyms.count && segment.gyms[Int(location.gym)].id == id, "gym \(id) is not where the map says")
            precondition(!state.dead[location.segment].contains(location.gym), "gym \(id) is live and dead")
        }
        // Every live gym of every segment is the one the map points at.
        for (number, segment) in state.segments.enumerated() {
            for (g, gym) in segment.gyms.enumerated() where !state.dead[number].contains(Int32(g)) {
                precondition(state.location[gym.id] == GymLocation(segment: number, gym: Int32(g)), "gym \(gym.id) is live twice")
            }
        }
    }
}
#endif
