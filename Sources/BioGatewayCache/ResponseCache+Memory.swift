import Foundation
import Synchronization

extension ResponseCache {
    /// How often a running gateway compares the store's purge generation with its own: the bound on how long
    /// a purge made by another process can take to reach its memory tier.
    public static let memoryCoherenceInterval: Duration = .seconds(1)

    /// The answer stored under a key, ready to send, whatever its age, or nil.
    ///
    /// From the memory tier when it holds the key (no database access, no digest); nil without reading the
    /// store when the key is not among those it holds (``StoredKeys``); otherwise read from the store,
    /// checked (length, digest, and that a gzip body decompresses), and kept in the memory tier. A
    /// damaged entry is deleted and reported as nil.
    public func answer(forKey key: String) async throws -> ReadyAnswer? {
        if let ready = self.memoryAnswer(forKey: key) { return ready }
        guard self.storedKeys.mayHold(key) else { return nil }
        let epoch = self.coherence.epoch
        guard let entry = try await self.entry(forKey: key) else { return nil }
        guard let ready = ReadyAnswer(entry) else {
            // its gzip body does not decompress
            try await self.remove(key: key)
            return nil
        }
        // not if the entry was replaced or purged while it was being read: the memory tier then already
        // holds the newer answer, or must not hold this one
        self.coherence.ifUnchanged(since: epoch) {
            self.memory.store(ready, size: ready.memoryBytes, forKey: key)
        }
        return ready
    }

    /// The answer the memory tier holds under a key, whatever its age, or nil (the store is not asked).
    public func memoryAnswer(forKey key: String) -> ReadyAnswer? {
        self.memory.value(forKey: key)
    }

    /// Empties the memory tier if another process purged entries since this one last looked (the purge
    /// generation in the file moved on). The gateway calls it every ``memoryCoherenceInterval``.
    /// - Returns: whether the memory tier was emptied.
    @discardableResult
    public func followPurgesByOtherProcesses() async throws -> Bool {
        let generation = try await self.store.generation()
        let emptied = self.coherence.change { seen in
            guard seen < generation else { return false }
            self.memory.removeAll()
            seen = generation
            return true
        }
        if emptied { try await self.refillStoredKeys() }
        return emptied
    }
}

extension ResponseCache {
    /// Makes the memory tier forget what other processes replace or delete, as they announce it (PostgreSQL:
    /// at once, by `NOTIFY`), until cancelled. Throws when the announcements stop (the store is unreachable).
    /// The memory tier keeps answering meanwhile; when announcements are received again (the next call
    /// starts listening), it is emptied once, since changes may have been missed in between.
    /// - Parameters:
    ///   - onListening: called each time announcements are being received.
    ///   - onChange: called after the memory tier has forgotten what a change touched.
    public func followChangesByOtherProcesses(
        onListening: @escaping @Sendable () -> Void = {},
        onChange: @escaping @Sendable (StoreChange) -> Void = { _ in }
    ) async throws {
        do {
            let listening: @Sendable () -> Void = {
                if self.announcementsMissed.exchange(false, ordering: .relaxed) {
                    self.coherence.change { _ in self.memory.removeAll() }
                }
                onListening()
            }
            try await self.store.followChanges(onListening: listening) { change in
                self.coherence.change { _ in
                    switch change {
                    case .replaced(let key), .purged(.key(let key)): self.memory.remove(key)
                    case .purged(.source(let source)): self.memory.removeAll { $0.source == source }
                    case .purged(.everything): self.memory.removeAll()
                    case .unclaimed: break
                    }
                }
                switch change {
                case .replaced(let key), .unclaimed(let key): self.waiters.wake(key)
                case .purged: self.waiters.wakeAll()
                }
                onChange(change)
            }
        } catch {
            if !(error is CancellationError) { self.announcementsMissed.store(true, ordering: .relaxed) }
            self.waiters.wakeAll()
            throw error
        }
    }

    /// Claims the upstream fetch of `key` for this process, across every process sharing the store (with
    /// SQLite, one process: always granted; its own coalescing suffices). Expires after `seconds`, so a
    /// process killed mid-fetch holds it no longer than that.
    public func claimFetch(of key: String, for seconds: Double) async throws -> Bool {
        try await self.store.claim(key, for: seconds)
    }

    /// Gives up this process's claim on `key`; processes waiting for it look again.
    public func releaseFetch(of key: String) async throws {
        try await self.store.unclaim(key)
    }

    /// Waits until another process announces a change to `key` (its answer stored, or its claim given up)
    /// or `bound` passes.
    public func waitForChange(of key: String, upTo bound: Duration) async {
        await self.waiters.wait(for: key, upTo: bound)
    }
}

/// Keeps the memory tier coherent with the file.
///
/// - ``epoch`` moves on with every change made through this process (a store, a purge, an eviction), so that
///   a read that raced with a change does not put what it read into memory after the change.
/// - ``seenGeneration`` is the store's purge generation as this process last knew it: when the file's is
///   higher, another process purged, and the memory tier is emptied (within
///   ``ResponseCache/memoryCoherenceInterval``).
final class MemoryCoherence: Sendable {
    private struct State {
        var epoch: UInt64 = 0
        var seenGeneration = 0
    }

    private let state = Mutex(State())

    func start(generation: Int) {
        self.state.withLock { $0.seenGeneration = generation }
    }

    var epoch: UInt64 { self.state.withLock { $0.epoch } }

    /// Runs `body` (which changes the memory tier, and may update the generation seen) as one step.
    @discardableResult
    func change<T>(_ body: (inout Int) -> T) -> T {
        self.state.withLock { state in
            state.epoch &+= 1
            return body(&state.seenGeneration)
        }
    }

    /// Runs `body` if nothing changed since `epoch`.
    func ifUnchanged(since epoch: UInt64, _ body: () -> Void) {
        self.state.withLock { state in
            if state.epoch == epoch { body() }
        }
    }
}
