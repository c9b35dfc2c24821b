import BioGatewayPacing
import BioGatewayQuery
import Foundation
import Logging

/// The upstream as the gateway uses it: every request waits its turn at its upstream's ``UpstreamGate``
/// (pacing, concurrency, queue, pause, circuit breaker); connection failures, timeouts and 502/503/504 are
/// retried with exponential backoff and jitter, all inside one overall deadline (counted from the first
/// attempt).
public struct ResilientUpstream: Sendable {
    /// The HTTP client.
    public let client: UpstreamClient
    /// One gate per upstream.
    public let gates: [UpstreamSource: UpstreamGate]
    /// Further attempts after a retryable failure.
    public let retries: Int
    /// The first backoff, in seconds (doubled each time, with ±50% jitter, at most 8 s).
    public let initialBackoff: Double
    /// Told of every attempt sent upstream: the source, the outcome (`ok`, `error-envelope`, or the failure's
    /// reason) and how long it took.
    public let observe: @Sendable (UpstreamSource, String, Duration) -> Void
    /// The clock of the gates, the overall deadline and the backoff.
    public let clock: GatewayClock
    /// The cluster's turn, after the gate's, when gateways share one upstream budget (nil: this gateway alone).
    public let sharedAdmission: (any SharedUpstreamAdmission)?

    public init(
        client: UpstreamClient,
        limits: [UpstreamSource: UpstreamLimits],
        retries: Int = 2,
        initialBackoff: Double = 0.25,
        clock: GatewayClock = .system,
        sharedAdmission: (any SharedUpstreamAdmission)? = nil,
        observe: @escaping @Sendable (UpstreamSource, String, Duration) -> Void = { _, _, _ in }
    ) {
        self.sharedAdmission = sharedAdmission
        self.observe = observe
        self.client = client
        self.gates = Dictionary(
            uniqueKeysWithValues: UpstreamSource.allCases.map { ($0, UpstreamGate(source: $0, limits: limits[$0] ?? UpstreamLimits(), clock: clock)) }
        )
        self.retries = retries
        self.initialBackoff = initialBackoff
        self.clock = clock
    }

    /// Sends a request through its upstream's gate, retrying what may succeed on another attempt.
    public func send(_ request: CanonicalRequest, logger: Logger? = nil) async throws(UpstreamError) -> UpstreamResponse {
        let gate = self.gates[request.source]!
        let clock = self.clock
        let timeout = self.client.configuration.timeout.inSeconds
        // the deadline covers the attempts and the pauses between them; the wait for the first turn is
        // bounded by the queue timeout instead
        var deadline: Double?
        var attempt = 0
        while true {
            let turn = try await gate.take()
            let ticket = try await self.sharedTurn(request.source, gate: gate, turn: turn, timeout: timeout)
            let sent = clock.now()
            if deadline == nil { deadline = sent + timeout }
            let remaining = deadline! - sent
            guard remaining > 0 else {
                if let ticket { await self.sharedAdmission?.release(ticket, pauseFor: nil) }
                await gate.cancel(turn)
                throw .timeout(request.source, "\(request.source.displayName) did not answer within \(self.client.configuration.timeout)")
            }
            do {
                let response = try await self.client.send(request, timeout: .seconds(remaining), logger: logger)
                self.observe(request.source, response.isResult ? "ok" : "error-envelope", .seconds(clock.now() - sent))
                if let ticket { await self.sharedAdmission?.release(ticket, pauseFor: nil) }
                await gate.finish(turn, failed: false)
                return response
            } catch var error {
                self.observe(request.source, error.reason, .seconds(clock.now() - sent))
                var pause: Double?
                if error.isRateLimited {
                    // honoured up to the gate's maximum pause; the client is told the pause actually kept
                    let asked = Self.seconds(retryAfter: error.retryAfter)
                    pause = min(asked, gate.limits.maximumPause)
                    if asked > gate.limits.maximumPause {
                        logger?.warning(
                            "upstream asked for a longer pause than the gateway keeps",
                            metadata: ["upstream": "\(request.source.rawValue)", "asked_s": "\(Int(asked))", "paused_s": "\(Int(pause!))"]
                        )
                    }
                    error = .rateLimited(request.source, retryAfter: String(Int(pause!.rounded(.up))))
                }
                if let ticket { await self.sharedAdmission?.release(ticket, pauseFor: pause) }
                await gate.finish(turn, failed: error.countsAsUpstreamFailure, pauseFor: pause, reason: error.reason)
                guard error.isRetryable, attempt < self.retries else { throw error }
                let backoff = min(self.initialBackoff * pow(2, Double(attempt)), 8) * Double.random(in: 0.5...1.5)
                guard clock.now() + backoff < deadline! else { throw error }
                logger?.info(
                    "retrying upstream request",
                    metadata: ["upstream": "\(request.source.rawValue)", "attempt": "\(attempt + 2)", "error": "\(error.reason)"]
                )
                do {
                    try await clock.sleep(for: backoff)
                } catch {
                    throw .overloaded(request.source, retryAfter: 1, "the request was cancelled between attempts")
                }
                attempt += 1
            }
        }
    }

    /// The cluster's turn for a request the gate let through (nil without shared admission). A turn that does
    /// not come within the queue timeout is refused as the gate's own queue would refuse it.
    private func sharedTurn(
        _ source: UpstreamSource,
        gate: UpstreamGate,
        turn: UpstreamGate.Turn,
        timeout: Double
    ) async throws(UpstreamError)
        -> SharedAdmissionTicket?
    {
        guard let shared = self.sharedAdmission else { return nil }
        do {
            return try await shared.admit(source, limits: gate.limits, waitingAtMost: gate.limits.queueTimeout, holdingAtMost: timeout + 5)
        } catch {
            await gate.cancel(turn)
            if error is CancellationError {
                throw .overloaded(source, retryAfter: 1, "the request was cancelled while waiting for the cluster's turn")
            }
            throw .overloaded(
                source,
                retryAfter: 1,
                "too many requests are waiting for \(source.displayName) across the gateways; none was sent upstream"
            )
        }
    }

    /// Seconds from a `Retry-After` value (delta-seconds or an HTTP date); 60 when absent or unreadable.
    static func seconds(retryAfter: String?) -> Double {
        guard let retryAfter = retryAfter?.trimmingCharacters(in: .whitespaces) else { return 60 }
        if let seconds = Double(retryAfter), seconds >= 0 { return seconds }
        if let date = HTTPDate.parse(retryAfter) { return max(0, date.timeIntervalSinceNow) }
        return 60
    }
}
