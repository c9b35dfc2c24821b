import Foundation
import Synchronization

/// A bounded in-memory cache of ready-to-send values, least recently used out first: the memory tier in
/// front of the SQLite cache (stored upstream answers, ``ReadyAnswer``) and the kept pages of
/// `/v1/records`, so a repeated request is answered with bytes made once.
///
/// - Each value has a size and an expiry date; an expired value is never returned (stored upstream answers
///   are kept past freshness, for stale-while-revalidate and stale-if-error: they expire only when evicted).
/// - The total size stays within ``maximumBytes``: storing evicts the least recently used values past it.
///   A ``maximumBytes`` of 0 turns the cache off.
/// - Lookups, stores and evictions are O(1): a dictionary into a doubly linked recency list kept in an array.
public final class MemoryCache<Value: Sendable>: Sendable {
    /// The bound on the sizes of the values kept.
    public let maximumBytes: Int
    private let now: @Sendable () -> Date
    private let state: Mutex<RecencyList<Value>>

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
        self.state = Mutex(RecencyList())
    }

    /// Whether anything can be kept at all.
    public var isEnabled: Bool { self.maximumBytes > 0 }

    /// The value stored under `key`, if it has not expired; counts a hit or a miss.
    public func value(forKey key: String) -> Value? {
        guard self.isEnabled else { return nil }
        let now = self.now()
        return self.state.withLock { list in
            guard let index = list.index[key] else {
                list.counters.misses += 1
                return nil
            }
            guard list.slots[index].expiresAt > now else {
                list.remove(at: index)
                list.counters.misses += 1
                return nil
            }
            list.moveToFront(index)
            list.counters.hits += 1
            return list.slots[index].value
        }
    }

    /// Stores `value` until `expiresAt` (default: until evicted), replacing what `key` held, and evicts the
    /// least recently used values past the bound. A value larger than the whole bound, or already expired,
    /// is not stored (and what `key` held is forgotten).
    public func store(_ value: Value, size: Int, forKey key: String, expiresAt: Date = .distantFuture) {
        guard self.isEnabled, size <= self.maximumBytes, expiresAt > self.now() else {
            self.remove(key)
            return
        }
        self.state.withLock { list in
            if let previous = list.index[key] { list.remove(at: previous) }
            list.insertAtFront(RecencyList.Slot(key: key, value: value, size: size, expiresAt: expiresAt))
            list.counters.stores += 1
            while list.bytes > self.maximumBytes, list.tail >= 0 {
                list.remove(at: list.tail)
                list.counters.evictions += 1
            }
        }
    }

    /// Forgets the value under `key`.
    public func remove(_ key: String) {
        self.state.withLock { list in
            if let index = list.index[key] { list.remove(at: index) }
        }
    }

    /// Forgets the values under `keys`.
    public func remove(_ keys: some Sequence<String>) {
        self.state.withLock { list in
            for key in keys {
                if let index = list.index[key] { list.remove(at: index) }
            }
        }
    }

    /// Forgets the values `shouldRemove` picks (a purge of one source); linear in the number kept.
    public func removeAll(where shouldRemove: (Value) -> Bool) {
        self.state.withLock { list in
            for index in Array(list.index.values) where list.slots[index].value.map(shouldRemove) == true {
                list.remove(at: index)
            }
        }
    }

    /// Forgets everything (the answers the values were made from were purged).
    public func removeAll() {
        self.state.withLock { list in
            let counters = list.counters
            list = RecencyList()
            list.counters = counters
        }
    }

    /// The counters, with the current number of entries and their total size.
    public var counters: Counters {
        self.state.withLock { list in
            var counters = list.counters
            counters.entries = list.index.count
            counters.bytes = list.bytes
            return counters
        }
    }
}

/// The storage of ``MemoryCache``: slots in an array linked from most (``head``) to least (``tail``)
/// recently used, a dictionary from key to slot, and a list of free slots for reuse.
struct RecencyList<Value: Sendable> {
    struct Slot {
        var key: String
        /// nil once the slot is freed, so that a removed value's memory is released at once.
        var value: Value?
        var size: Int
        var expiresAt: Date
        var previous = -1
        var next = -1
    }

    var slots: [Slot] = []
    var index: [String: Int] = [:]
    var free: [Int] = []
    var head = -1
    var tail = -1
    var bytes = 0
    var counters = MemoryCache<Value>.Counters()

    mutating func insertAtFront(_ slot: Slot) {
        var slot = slot
        slot.previous = -1
        slot.next = self.head
        let position: Int
        if let reused = self.free.popLast() {
            position = reused
            self.slots[position] = slot
        } else {
            position = self.slots.count
            self.slots.append(slot)
        }
        if self.head >= 0 { self.slots[self.head].previous = position }
        self.head = position
        if self.tail < 0 { self.tail = position }
        self.index[slot.key] = position
        self.bytes += slot.size
    }

    mutating func unlink(_ position: Int) {
        let (previous, next) = (self.slots[position].previous, self.slots[position].next)
        if previous >= 0 { self.slots[previous].next = next } else { self.head = next }
        if next >= 0 { self.slots[next].previous = previous } else { self.tail = previous }
    }

    mutating func moveToFront(_ position: Int) {
        guard position != self.head else { return }
        self.unlink(position)
        self.slots[position].previous = -1
        self.slots[position].next = self.head
        if self.head >= 0 { self.slots[self.head].previous = position }
        self.head = position
        if self.tail < 0 { self.tail = position }
    }

    /// Unlinks and frees a slot, releasing its value.
    mutating func remove(at position: Int) {
        self.unlink(position)
        self.index[self.slots[position].key] = nil
        self.bytes -= self.slots[position].size
        self.slots[position].value = nil
        self.free.append(position)
    }
}
