import BioGatewayPacing
import BioGatewayQuery
import BioGatewayUpstream
import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The upstreams' pace and concurrency across every gateway sharing one PostgreSQL database.
///
/// - **Concurrency**: an upstream has `maximumConcurrent` slot rows; a request takes a free one (or one whose
///   holder's lease ran out: a gateway killed mid-request) with `FOR UPDATE SKIP LOCKED`, and frees it when
///   done. A gateway waiting for a slot looks again every 50 ms, at most for the queue timeout.
/// - **Pace**: GCRA over the cluster: one row per upstream holds the theoretical arrival time; each admitted
///   request moves it on by `1 / maximumRate` from the later of itself and now, in one statement, and waits
///   until its own moment (PostgreSQL's clock, so gateways agree): the upstream's burst (2) at once after a
///   quiet spell, then evenly spaced, as one gateway's own gate paces. A `Retry-After` pause moves the moment
///   on for everyone.
/// - **When PostgreSQL cannot be reached**, a gateway admits on its own at the cluster's rate divided by
///   the number of gateways it last saw (each gateway notes itself every 5 s), one request at a time, so
///   the upstream is still spared; it says so in its log once per outage.
package final class PostgresUpstreamAdmission: SharedUpstreamAdmission {
    let client: PostgresClient
    let logger: Logger
    let holder: String
    /// The store's: a server found unreachable is not asked again for a moment.
    let breaker: StoreBreaker
    private let state = Mutex(State())
    private let heartbeat: Task<Void, Never>

    /// The gateways last seen alive (at least 1).
    let replicas = ReplicaCount()

    private struct State {
        var degraded = false
        var localPace: [UpstreamSource: Double] = [:]
        var slotsMade: Set<UpstreamSource> = []
    }

    /// How often a waiting gateway looks for a free slot.
    static let slotPollInterval: Duration = .milliseconds(50)

    init(client: PostgresClient, holder: String, breaker: StoreBreaker, logger: Logger) {
        self.client = client
        self.breaker = breaker
        self.holder = holder
        self.logger = logger
        let replicas = self.replicas
        self.heartbeat = Task {
            while !Task.isCancelled {
                if let count = try? await Self.noteReplica(client, holder: holder, logger: logger) {
                    replicas.value.store(max(1, count), ordering: .relaxed)
                }
                try? await Task.sleep(for: .seconds(5))
            }
        }
    }

    deinit { self.heartbeat.cancel() }

    /// Stops noting this gateway as alive.
    func stop() {
        self.heartbeat.cancel()
    }

    /// Notes this gateway as alive and counts the gateways seen in the last 15 s.
    static func noteReplica(_ client: PostgresClient, holder: String, logger: Logger) async throws -> Int {
        try await client.query(
            """
            INSERT INTO gateway_replica (id, seen_at) VALUES (\(holder), extract(epoch FROM clock_timestamp()))
            ON CONFLICT (id) DO UPDATE SET seen_at = excluded.seen_at
            """,
            logger: logger
        )
        try await client.query("DELETE FROM gateway_replica WHERE seen_at < extract(epoch FROM clock_timestamp()) - 3600", logger: logger)
        for try await count in try await client.query(
            "SELECT count(*) FROM gateway_replica WHERE seen_at > extract(epoch FROM clock_timestamp()) - 15",
            logger: logger
        ).decode(Int.self) {
            return count
        }
        return 1
    }

    package func admit(
        _ source: UpstreamSource,
        limits: UpstreamLimits,
        waitingAtMost: Double,
        holdingAtMost: Double
    ) async throws
        -> SharedAdmissionTicket
    {
        let giveUpAt = ContinuousClock.now + .seconds(waitingAtMost)
        do {
            let deadline = PostgresCacheStore.readDeadline
            try await self.breaker.call(within: deadline) { try await self.makeSlots(source, count: limits.maximumConcurrent) }
            while true {
                if let slot = try await self.breaker.call(
                    within: deadline,
                    {
                        try await self.takeSlot(source, count: limits.maximumConcurrent, holdingAtMost: holdingAtMost)
                    }
                ) {
                    self.recovered()
                    do {
                        let interval = 1 / max(limits.maximumRate, 0.001)
                        let burst = max(1, limits.burst)
                        let wait = try await self.breaker.call(within: deadline) {
                            try await self.reserveStart(source, interval: interval, burst: burst)
                        }
                        if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
                    } catch {
                        await self.release(SharedAdmissionTicket(source: source, slot: slot), pauseFor: nil)
                        throw error
                    }
                    return SharedAdmissionTicket(source: source, slot: slot)
                }
                guard ContinuousClock.now < giveUpAt else { throw SharedAdmissionTimeout(source: source) }
                try await Task.sleep(for: Self.slotPollInterval)
            }
        } catch let error as SharedAdmissionTimeout {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            return try await self.admitAlone(source, limits: limits, error: error)
        }
    }

    package func release(_ ticket: SharedAdmissionTicket, pauseFor pause: Double?) async {
        guard let slot = ticket.slot else { return }
        do {
            try await self.breaker.call(within: PostgresCacheStore.readDeadline) { try await self.free(slot, of: ticket.source, pauseFor: pause) }
        } catch {
            // the slot's lease runs out by itself
            self.logger.warning("could not free an upstream slot in the shared store", metadata: ["error": "\(error)"])
        }
    }

    /// Frees a slot this gateway holds and, when the upstream asked for a pause, moves the next start on.
    private func free(_ slot: Int, of source: UpstreamSource, pauseFor pause: Double?) async throws {
        try await self.client.query(
            "UPDATE upstream_slot SET holder = NULL, expires_at = 0 WHERE source = \(source.rawValue) AND slot = \(slot) AND holder = \(self.holder)",
            logger: self.logger
        )
        if let pause {
            try await self.client.query(
                "UPDATE upstream_pace SET next_at = GREATEST(next_at, extract(epoch FROM clock_timestamp()) + \(pause)) WHERE source = \(source.rawValue)",
                logger: self.logger
            )
        }
    }

    /// Creates the upstream's slot rows, once per process (more if its concurrency was raised).
    private func makeSlots(_ source: UpstreamSource, count: Int) async throws {
        guard !self.state.withLock({ $0.slotsMade.contains(source) }) else { return }
        try await self.client.query(
            """
            INSERT INTO upstream_slot (source, slot) SELECT \(source.rawValue), generate_series(0, \(max(1, count) - 1))
            ON CONFLICT DO NOTHING
            """,
            logger: self.logger
        )
        _ = self.state.withLock { $0.slotsMade.insert(source) }
    }

    /// Takes a free slot (or one whose lease ran out); nil when all are held.
    private func takeSlot(_ source: UpstreamSource, count: Int, holdingAtMost: Double) async throws -> Int? {
        let rows = try await self.client.query(
            """
            UPDATE upstream_slot SET holder = \(self.holder), expires_at = extract(epoch FROM clock_timestamp()) + \(holdingAtMost)
            WHERE source = \(source.rawValue) AND slot = (
                SELECT slot FROM upstream_slot
                WHERE source = \(source.rawValue) AND slot < \(count)
                    AND (holder IS NULL OR expires_at < extract(epoch FROM clock_timestamp()))
                ORDER BY slot LIMIT 1 FOR UPDATE SKIP LOCKED
            )
            RETURNING slot
            """,
            logger: self.logger
        )
        for try await slot in rows.decode(Int.self) { return slot }
        return nil
    }

    /// Reserves the next start moment for `source` (GCRA over the cluster: `next_at` is the theoretical
    /// arrival time; up to `burst` requests may start at once after a quiet spell, as each gateway's own gate
    /// allows); returns how long to wait for it, in seconds.
    private func reserveStart(_ source: UpstreamSource, interval: Double, burst: Int) async throws -> Double {
        let rows = try await self.client.query(
            """
            WITH now AS (SELECT extract(epoch FROM clock_timestamp()) AS t)
            INSERT INTO upstream_pace AS pace (source, next_at) SELECT \(source.rawValue), now.t + \(interval) FROM now
            ON CONFLICT (source) DO UPDATE SET next_at = GREATEST(pace.next_at, extract(epoch FROM clock_timestamp())) + \(interval)
            RETURNING GREATEST(0, next_at - \(interval * Double(burst)) - extract(epoch FROM clock_timestamp()))
            """,
            logger: self.logger
        )
        for try await wait in rows.decode(Double.self) { return wait }
        return 0
    }

    /// Admission without the shared store: one at a time (the gate's own concurrency), spaced by the
    /// cluster's interval times the gateways last seen.
    private func admitAlone(_ source: UpstreamSource, limits: UpstreamLimits, error: any Error) async throws -> SharedAdmissionTicket {
        let replicas = self.replicas.value.load(ordering: .relaxed)
        let (wait, firstFailure) = self.state.withLock { state -> (Double, Bool) in
            let firstFailure = !state.degraded
            state.degraded = true
            let interval = Double(replicas) / max(limits.maximumRate, 0.001)
            let now = GatewayClock.system.now()
            let start = max(now, state.localPace[source] ?? now)
            state.localPace[source] = start + interval
            return (start - now, firstFailure)
        }
        if firstFailure {
            self.logger.error(
                "the shared store cannot be reached: pacing upstream requests alone, at the cluster's rate divided by the gateways last seen",
                metadata: ["error": "\(String(reflecting: error))"]
            )
        }
        if wait > 0 { try await Task.sleep(for: .seconds(wait)) }
        return SharedAdmissionTicket(source: source, slot: nil)
    }

    private func recovered() {
        let wasDegraded = self.state.withLock { state in
            defer { state.degraded = false }
            return state.degraded
        }
        if wasDegraded { self.logger.notice("the shared store is reachable again: upstream pacing is the cluster's again") }
    }
}

/// The number of gateways last seen alive.
final class ReplicaCount: Sendable {
    let value = Atomic<Int>(1)
}
