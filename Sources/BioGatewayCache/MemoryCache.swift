import Foundation
import Synchronization

/// A bounded in-memory cache of ready-to-send answers that are derived from stored upstream answers (the
/// pages of `/v1/records`), so a repeated request is answered with the bytes made the first time.
///
/// - Each value has a size and an expiry date (the earliest of the upstream answers it was made from);
///   an expired value is never returned.
/// - The total size stays within ``maximumBytes``: storing evicts the least recently used values past it.
///   A ``maximumBytes`` of 0 turns the cache off.
public final class MemoryCache<Value: Sendable>: Sendable {
    /// The bound on the sizes of the values kept.
    public let maximumBytes: Int
    private let now: @Sendable () -> Date
    private let state = Mutex(State())

    private struct Slot {
        var value: Value
        var size: Int
        var expiresAt: Date
        var lastUse: UInt64
    }

    private struct State {
        var slots: [String: Slot] = [:]
        var bytes = 0
        var clock: UInt64 = 0
        var counters = Counters()
    }

    /// What the cache has done since it was made.
    public struct Counters: Sendable, Hashable {
        public var hits = 0
        public var misses = 0
        public var stores = 0
        public var evictions = 0
        public var entries = 0
        public var bytes = 0
    }

    /// - Parameters:
    ///   - maximumBytes: the bound on the total size; 0 keeps nothing.
    ///   - now: the clock expiry dates are compared with.
    public init(maximumBytes: Int, now: @escaping @Sendable () -> Date = { Date() }) {
        self.maximumBytes = max(0, maximumBytes)
        self.now = now
    }

    /// Whether anything can be kept at all.
    public var isEnabled: Bool { self.maximumBytes > 0 }

    /// The value stored under `key`, if it has not expired; counts a hit or a miss.
    public func value(forKey key: String) -> Value? {
        let now = self.now()
        return self.state.withLock { state in
            guard let slot = state.slots[key] else {
                state.counters.misses += 1
                return nil
            }
            guard slot.expiresAt > now else {
                state.slots[key] = nil
                state.bytes -= slot.size
                state.counters.misses += 1
                return nil
            }
            state.clock += 1
            state.slots[key]?.lastUse = state.clock
            state.counters.hits += 1
            return slot.value
        }
    }

    /// Stores `value` until `expiresAt`, replacing what `key` held, and evicts the least recently used values
    /// past the bound. A value larger than the whole bound, or already expired, is not stored.
    public func store(_ value: Value, size: Int, forKey key: String, expiresAt: Date) {
        guard self.isEnabled, size <= self.maximumBytes, expiresAt > self.now() else {
            self.remove(key)
            return
        }
        self.state.withLock { state in
            if let previous = state.slots.removeValue(forKey: key) { state.bytes -= previous.size }
            state.clock += 1
            state.slots[key] = Slot(value: value, size: size, expiresAt: expiresAt, lastUse: state.clock)
            state.bytes += size
            state.counters.stores += 1
            while state.bytes > self.maximumBytes,
                let victim = state.slots.min(by: { $0.value.lastUse < $1.value.lastUse })
            {
                state.slots[victim.key] = nil
                state.bytes -= victim.value.size
                state.counters.evictions += 1
            }
        }
    }

    /// Forgets the value under `key`.
    public func remove(_ key: String) {
        self.state.withLock { state in
            if let slot = state.slots.removeValue(forKey: key) { state.bytes -= slot.size }
        }
    }

    /// Forgets everything (the upstream answers the values were made from were purged).
    public func removeAll() {
        self.state.withLock { state in
            state.slots.removeAll()
            state.bytes = 0
        }
    }

    /// The counters, with the current number of entries and their total size.
    public var counters: Counters {
        self.state.withLock { state in
            var counters = state.counters
            counters.entries = state.slots.count
            counters.bytes = state.bytes
            return counters
        }
    }
}
