import Synchronization

/// A value that may be replaced while the gateway runs (SIGHUP reloads settings into these).
public final class Reloadable<Value: Sendable>: Sendable {
    private let storage: Mutex<Value>

    public init(_ value: Value) { self.storage = Mutex(value) }

    public var value: Value {
        get { self.storage.withLock { $0 } }
        set { self.storage.withLock { $0 = newValue } }
    }
}
