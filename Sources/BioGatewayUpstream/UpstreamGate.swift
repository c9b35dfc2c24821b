import BioGatewayPacing
import BioGatewayQuery
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
///
/// Waiting requests are suspended continuations, woken in arrival order when a turn is free: by a request
/// finishing, or by one timer set for the next instant something can change (pacing allows the next start,
/// a pause ends, a waiter's queue timeout passes). A waiter whose task is cancelled leaves the queue at once.
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
        /// The last failure (or 429) and when it happened.
        public var lastError: LastError?
    }

    /// A request waiting for its turn.
    private struct Waiter {
        let ticket: Int
        let deadline: Double
        let isProbe: Bool
        let continuation: CheckedContinuation<Turn, any Error>
    }

    public nonisolated let source: UpstreamSource
    public nonisolated let limits: UpstreamLimits
    private let pacing: GCRA
    private var pacingState: Double?
    private var inFlight = 0
    private var waiters: [Waiter] = []
    private var nextTicket = 0
    private var pausedUntil: Double?
    private var pausedUntilDate: Date?
    private var breaker = BreakerState.closed
    private var openedAt: Double?
    private var probeInFlight = false
    private var consecutiveFailures = 0
    private var lastError: LastError?

    /// An upstream failure as the status shows it: its kind (``UpstreamError/reason``), and when.
    public struct LastError: Sendable, Hashable {
        public var reason: String
        public var at: Date
    }
    private var recent: [(failed: Bool, seconds: Double)] = []
    private let clock: GatewayClock
    /// The one pending timer and the instant it wakes the queue at.
    private var timer: (instant: Double, task: Task<Void, Never>)?

    /// - Parameter clock: for pacing, pauses, the queue timeout and the breaker's cooldown (default: the
    ///   system's; tests move theirs forward instead of waiting).
    public init(source: UpstreamSource, limits: UpstreamLimits, clock: GatewayClock = .system) {
        self.source = source
        self.limits = limits
        self.clock = clock
        self.pacing = GCRA(limit: 1, window: 1 / limits.maximumRate, burst: limits.burst)
    }

    /// A turn to send one request; give it back with ``finish(_:failed:pauseFor:)`` or ``cancel(_:)``.
    public struct Turn: Sendable {
        let startedAt: Double
        let isProbe: Bool
    }

    /// Waits for this request's turn.
    /// - Throws: ``UpstreamError/circuitOpen(_:retryAfter:)`` at once while the breaker is open;
    ///   ``UpstreamError/overloaded(_:retryAfter:_:)`` when the queue is full, when the wait runs past the
    ///   queue timeout, when the upstream is paused for longer than that, or when the request is cancelled.
    public func take() async throws(UpstreamError) -> Turn {
        let isProbe = try self.checkBreaker()
        guard self.waiters.count < self.limits.queueLimit else {
            if isProbe { self.probeInFlight = false }
            throw .overloaded(
                self.source,
                retryAfter: Int(self.limits.queueTimeout),
                "\(self.limits.queueLimit) requests are already waiting for \(self.source.displayName)"
            )
        }
        let now = self.clock.now()
        let deadline = now + self.limits.queueTimeout
        if let refusal = self.pauseRefusal(deadline: deadline, now: now) {
            if isProbe { self.probeInFlight = false }
            throw refusal
        }
        if self.waiters.isEmpty, let turn = self.start(now: now, isProbe: isProbe) { return turn }
        let ticket = self.nextTicket
        self.nextTicket += 1
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    self.waiters.append(Waiter(ticket: ticket, deadline: deadline, isProbe: isProbe, continuation: continuation))
                    self.serveQueue()
                }
            } onCancel: {
                Task { await self.leave(ticket) }
            }
        } catch let error as UpstreamError {
            throw error
        } catch {
            throw .overloaded(self.source, retryAfter: 1, "the request was cancelled while it waited for \(self.source.displayName)")
        }
    }

    /// Gives a turn back with how the request went: a failure that counts against the upstream's health,
    /// or a 429 whose `retryAfter` pauses the upstream.
    public func finish(_ turn: Turn, failed: Bool, pauseFor retryAfter: Double? = nil, reason: String? = nil) {
        self.inFlight -= 1
        if let reason, failed || retryAfter != nil { self.lastError = LastError(reason: reason, at: self.clock.date()) }
        let now = self.clock.now()
        self.recent.append((failed, max(0, now - turn.startedAt)))
        if self.recent.count > 100 { self.recent.removeFirst(self.recent.count - 100) }
        if let retryAfter {
            let until = now + max(0, retryAfter)
            if until > (self.pausedUntil ?? now) {
                self.pausedUntil = until
                self.pausedUntilDate = self.clock.date().addingTimeInterval(retryAfter)
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
        self.serveQueue()
    }

    /// Gives back a turn that was never used (the caller gave up).
    public func cancel(_ turn: Turn) {
        self.inFlight -= 1
        if turn.isProbe { self.probeInFlight = false }
        self.serveQueue()
    }

    /// Starts a request now if concurrency, a pause and pacing allow it.
    private func start(now: Double, isProbe: Bool) -> Turn? {
        guard self.inFlight < self.limits.maximumConcurrent, self.pausedUntil.map({ $0 <= now }) ?? true else { return nil }
        let decision = self.pacing.attempt(at: now, state: self.pacingState)
        guard decision.allowed else { return nil }
        self.pacingState = decision.state
        self.inFlight += 1
        return Turn(startedAt: now, isProbe: isProbe)
    }

    /// The refusal for a request that would wait past `deadline` for a pause to end, if it would.
    private func pauseRefusal(deadline: Double, now: Double) -> UpstreamError? {
        guard let pausedUntil, pausedUntil > deadline else { return nil }
        return .overloaded(
            self.source,
            retryAfter: Int(pausedUntil - now) + 1,
            "\(self.source.displayName) asked the gateway to wait; it is paused until \(self.pausedUntilDate!.formatted(.iso8601))"
        )
    }

    /// Refuses waiters whose time is up, starts those at the head whose turn it is, and sets the timer for
    /// the next instant something can change.
    private func serveQueue() {
        let now = self.clock.now()
        self.waiters.removeAll { waiter in
            let refusal: UpstreamError?
            if let pause = self.pauseRefusal(deadline: waiter.deadline, now: now) {
                refusal = pause
            } else if waiter.deadline <= now {
                refusal = .overloaded(
                    self.source,
                    retryAfter: Int(self.limits.queueTimeout),
                    "the request waited \(Int(self.limits.queueTimeout)) s for its turn to go to \(self.source.displayName)"
                )
            } else {
                refusal = nil
            }
            guard let refusal else { return false }
            if waiter.isProbe { self.probeInFlight = false }
            waiter.continuation.resume(throwing: refusal)
            return true
        }
        while let head = self.waiters.first, let turn = self.start(now: now, isProbe: head.isProbe) {
            self.waiters.removeFirst()
            head.continuation.resume(returning: turn)
        }
        guard let earliestDeadline = self.waiters.map(\.deadline).min() else { return }
        // the next instant: the earliest queue timeout, or sooner, when only time holds the head back (not
        // a full set of requests in flight), a pause's end or pacing's next start
        var next = earliestDeadline
        if self.inFlight < self.limits.maximumConcurrent {
            let pauseEnd = max(self.pausedUntil ?? now, now)
            next = min(next, pauseEnd + self.pacing.attempt(at: pauseEnd, state: self.pacingState).retryAfter)
        }
        self.wake(at: next)
    }

    /// Sets the timer for `instant` unless one is already set for then or earlier.
    private func wake(at instant: Double) {
        if let timer, timer.instant <= instant { return }
        self.timer?.task.cancel()
        let clock = self.clock
        self.timer = (
            instant,
            Task {
                do {
                    try await clock.sleepUntil(instant)
                } catch {
                    return
                }
                self.timerFired(instant)
            }
        )
    }

    private func timerFired(_ instant: Double) {
        if self.timer?.instant == instant { self.timer = nil }
        self.serveQueue()
    }

    /// A cancelled waiter leaves the queue.
    private func leave(_ ticket: Int) {
        guard let index = self.waiters.firstIndex(where: { $0.ticket == ticket }) else { return }
        let waiter = self.waiters.remove(at: index)
        if waiter.isProbe { self.probeInFlight = false }
        waiter.continuation.resume(throwing: CancellationError())
        self.serveQueue()
    }

    /// Throws while the breaker is open; returns whether this request is the half-open probe.
    private func checkBreaker() throws(UpstreamError) -> Bool {
        guard self.breaker != .closed, let openedAt else { return false }
        let reopensAt = openedAt + self.limits.breakerCooldown
        let now = self.clock.now()
        if now < reopensAt || self.probeInFlight {
            let wait = now < reopensAt ? Int(reopensAt - now) + 1 : 1
            throw .circuitOpen(self.source, retryAfter: Int(wait))
        }
        self.breaker = .halfOpen
        self.probeInFlight = true
        return true
    }

    public var snapshot: Snapshot {
        let now = self.clock.now()
        let latencies = self.recent.map(\.seconds).sorted()
        var breaker = self.breaker
        if breaker == .open, let openedAt, now >= openedAt + self.limits.breakerCooldown { breaker = .halfOpen }
        return Snapshot(
            breaker: breaker,
            pausedUntil: self.pausedUntil.flatMap { $0 > now ? self.pausedUntilDate : nil },
            queueDepth: self.waiters.count,
            inFlight: self.inFlight,
            recentErrorRate: self.recent.isEmpty ? nil : Double(self.recent.filter(\.failed).count) / Double(self.recent.count),
            recentLatency: latencies.isEmpty
                ? nil : (latencies[latencies.count / 2], latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.95))]),
            consecutiveFailures: self.consecutiveFailures,
            lastError: self.lastError
        )
    }
}
