#if STUDIOLOOP_INVARIANTS
extension RTree {
    /// Walks the whole tree and traps if a node does not enclose its children. Compiled into
    /// checked (debug) builds only; tests call it after building.
    public func _checkInvariants() {
        precondition(ids.count == points.count)
        precondition(Set(ids).count == ids.count, "an item appears twice")
        guard !points.isEmpty else { return }
        precondition(levels.last?.count == 1, "the tree has one root")
        for (offset, level) in levels.enumerated() {
            let depth = offset + 1
            for (index, box) in level.enumerated() {
                let children = childRange(level: depth, index: index)
                precondition(!children.isEmpty, "node \(index) at level \(depth) is empty")
                for child in children {
                    let inner = depth == 1 ? NodeBox(point: points[child]) : levels[depth - 2][child]
                    precondition(
                        inner.minLat >= box.minLat && inner.maxLat <= box.maxLat
                            && inner.minLng >= box.minLng && inner.maxLng <= box.maxLng,
                        "node \(index) at level \(depth) does not enclose child \(child)"
                    )
                }
            }
        }
    }
}
#endif
