import Synchronization

/// A value several tasks of a test update: a `Mutex` in a class, so closures can share it.
public final class Locked<Value: Sendable>: Sendable {
    private let state: Mutex<Value>

    public init(_ value: Value) {
        state = Mutex(value)
    }

    public func withLock<T: Sendable>(_ body: (inout Value) -> T) -> T {
        state.withLock { body(&$0) }
    }

    public var value: Value { withLock { $0 } }
}
