extension Array {
    /// The same elements in a buffer of exactly their count. An array grown by appending keeps
    /// up to twice the room it needs; a segment holds its arrays for as long as it lives.
    func exactCapacity() -> [Element] {
        guard capacity > count else { return self }
        return [Element](unsafeUninitializedCapacity: count) { buffer, initialized in
            initialized = buffer.initialize(fromContentsOf: self)
        }
    }
}
