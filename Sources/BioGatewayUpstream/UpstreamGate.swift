import BioGatewayQuery
import BioGatewayRateLimit
import Foundation

/// How the gateway spares one upstream: pacing, concurrency, a bounded queue and a circuit breaker.
public struct UpstreamLimits: Sendable, Hashable {
    /// Sustained requests per second.
    public var maximumRate: Double
    /// Requests that may start at once after a quiet spell.
    public var burst: Int
    /// Requests in flight at once.
    public var maximumConcurrent: Int
    /// Requests that may wait for their turn.
    public var queueLimit: Int
    /// Seconds a request may wait for its turn.
    public var queueTimeout: Double
    /// Consecutive failures that open the circuit breaker.
    public var breakerThreshold: Int
    /// Seconds the breaker stays open before one probe is let through.
    public var breakerCooldown: Double
    /// The longest pause an upstream's `Retry-After` is honoured for, in seconds (a `Retry-After` of years
    /// must not silence an upstream until a restart).
    public var maximumPause: Double

    public init(
        maximumRate: Double = 1,
        burst: Int = 2,
        maximumConcurrent: Int = 2,
        queueLimit: Int = 100,
        queueTimeout: Double = 30,
        breakerThreshold: Int = 5,
        breakerCooldown: Double = 30,
        maximumPause: Double = 300
    ) {
        self.maximumRate = maximumRate
        self.burst = burst
        self.maximumConcurrent = maximumConcurrent
        self.queueLimit = queueLimit
        self.queueTimeout = queueTimeout
        self.breakerThreshold = breakerThreshold
        self.breakerCooldown = breakerCooldown
        self.maximumPause = maximumPause
    }
}

/// The gate every request to one upstream passes: first in, first out; at most `maximumConcurrent` in
/// flight; no faster than `maximumRate` (GCRA with a small burst); nothing while the upstream has asked
/// the gateway to wait (429 + Retry-After); nothing but one probe while the breaker is open.
public actor UpstreamGate {
    /// The breaker's state.
    public enum BreakerState: String, Sendable {
        case closed
        case open
        case halfOpen = "half-open"
    }

    /// What `/v1/sources` shows of the gate.
    public struct Snapshot: Sendable {
        public var breaker: BreakerState
        public var pausedUntil: Date?
        public var queueDepth: Int
        public var inFlight: Int
        /// Share of the last 100 finished requests that failed.
        public var recentErrorRate: Double?
        /// Median and 95th percentile latency of the last 100 finished requests, in seconds.
        public var recentLatency: (median: Double, p95: Double)?
        public var consecutiveFailures: Int
    }

    public nonisolated let source: UpstreamSource
    public nonisolated let limits: UpstreamLimits
    private let pacing: GCRA
    private var pacingState: Double?
    private var inFlight = 0
    private var queue: [Int] = []
    private var nextTicket = 0
    private var pausedUntil: Double?
    private var pausedUntilDate: Date?
    private var breaker = BreakerState.closed
    private var openedAt: Double?
    private var probeInFlight = false
    private var consecutiveFailures = 0
    private var recent: [(failed: Bool, seconds: Double)] = []
    /// Seconds on a monotonic clock.
    private let now: @Sendable () -> Double

    /// - Parameter now: seconds on a monotonic clock, for pacing, pauses, the queue timeout and the breaker's
    ///   cooldown (default: the system's; tests move it forward instead of waiting out a cooldown).
    public init(source: UpstreamSource, limits: UpstreamLimits, now: @escaping @Sendable () -> Double = MonotonicClock.seconds) {
        self.source = source
        self.limits = limits
        self.now = now
        self.pacing = GCRA(limit: 1, window: 1 / limits.maximumRate, burst: limits.burst)
    }

    /// A turn to send one request; give it back with ``finish(_:failed:retryAfter:)``.
    public struct Turn: Sendable {
        let startedAt: Double
        let isProbe: Bool
    }

    /// Waits for this request's turn.
    /// - Throws: ``UpstreamError/circuitOpen(_:retryAfter:)`` at once while the breaker is open;
    ///   ``UpstreamError/overloaded(_:retryAfter:_:)`` when the queue is full, when the wait runs past the
    ///   queue timeout, or when the upstream is paused for longer than that.
    public func take() async throws(UpstreamError) -> Turn {
        let isProbe = try self.checkBreaker()
        guard self.queue.count < self.limits.queueLimit else {
            if isProbe { self.probeInFlight = false }
            throw .overloaded(
                self.source,
                retryAfter: Int(self.limits.queueTimeout),
                "\(self.limits.queueLimit) requests are already waiting for \(self.source.displayName)"
            )
        }
        let ticket = self.nextTicket
        self.nextTicket += 1
        self.queue.append(ticket)
        let deadline = self.now() + self.limits.queueTimeout
        defer { self.queue.removeAll { $0 == ticket } }
        while true {
            let now = self.now()
            if let pausedUntil, pausedUntil > deadline {
                if isProbe { self.probeInFlight = false }
                throw .overloaded(
                    self.source,
                    retryAfter: Int(pausedUntil - now) + 1,
                    "\(self.source.displayName) asked the gateway to wait; it is paused until \(self.pausedUntilDate!.formatted(.iso8601))"
                )
            }
            if self.queue.first == ticket, self.inFlight < self.limits.maximumConcurrent, self.pausedUntil.map({ $0 <= now }) ?? true {
                let decision = self.pacing.attempt(at: now, state: self.pacingState)
                if decision.allowed {
                    self.pacingState = decision.state
                    self.inFlight += 1
                    return Turn(startedAt: now, isProbe: isProbe)
                }
            }
            guard now < deadline else {
                if isProbe { self.probeInFlight = false }
                throw .overloaded(
                    self.source,
                    retryAfter: Int(self.limits.queueTimeout),
                    "the request waited \(Int(self.limits.queueTimeout)) s for its turn to go to \(self.source.displayName)"
                )
            }
            try? await Task.sleep(for: self.queue.first == ticket ? .milliseconds(5) : .milliseconds(25))
        }
    }

    /// Gives a turn back with how the request went: a failure that counts against the upstream's health,
    /// or a 429 whose `retryAfter` pauses the upstream.
    public func finish(_ turn: Turn, failed: Bool, pauseFor retryAfter: Double? = nil) {
        self.inFlight -= 1
        let now = self.now()
        self.recent.append((failed, max(0, now - turn.startedAt)))
        if self.recent.count > 100 { self.recent.removeFirst(self.recent.count - 100) }
        if let retryAfter {
            let until = now + max(0, retryAfter)
            if until > (self.pausedUntil ?? now) {
                self.pausedUntil = until
                self.pausedUntilDate = Date().addingTimeInterval(retryAfter)
            }
        }
        if turn.isProbe { self.probeInFlight = false }
        if failed {
            self.consecutiveFailures += 1
            if turn.isProbe || self.consecutiveFailures >= self.limits.breakerThreshold {
                self.breaker = .open
                self.openedAt = now
            }
        } else {
            self.consecutiveFailures = 0
            self.breaker = .closed
            self.openedAt = nil
        }
    }

    /// Gives back a turn that was never used (the caller gave up).
    public func cancel(_ turn: Turn) {
        self.inFlight -= 1
        if turn.isProbe { self.probeInFlight = false }
    }

    /// Throws while the breaker is open; returns whether this request is the half-open probe.
    private func checkBreaker() throws(UpstreamError) -> Bool {
        guard self.breaker != .closed, let openedAt else { return false }
        let reopensAt = openedAt + self.limits.breakerCooldown
        let now = self.now()
        if now < reopensAt || self.probeInFlight {
            let wait = now < reopensAt ? Int(reopensAt - now) + 1 : 1
            throw .circuitOpen(self.source, retryAfter: Int(wait))
        }
        self.breaker = .halfOpen
        self.probeInFlight = true
        return true
    }

    public var snapshot: Snapshot {
        let now = self.now()
        let latencies = self.recent.map(\.seconds).sorted()
        var breaker = self.breaker
        if breaker == .open, let openedAt, now >= openedAt + self.limits.breakerCooldown { breaker = .halfOpen }
        return Snapshot(
            breaker: breaker,
            pausedUntil: self.pausedUntil.flatMap { $0 > now ? self.pausedUntilDate : nil },
            queueDepth: self.queue.count,
            inFlight: self.inFlight,
            recentErrorRate: self.recent.isEmpty ? nil : Double(self.recent.filter(\.failed).count) / Double(self.recent.count),
            recentLatency: latencies.isEmpty
                ? nil : (latencies[latencies.count / 2], latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.95))]),
            consecutiveFailures: self.consecutiveFailures
        )
    }
}
