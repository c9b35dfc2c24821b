import BioGatewayPacing
import BioGatewayRateLimit
import Foundation
import Synchronization

/// A clock a test moves forward at once, for the gateway's ``GatewayClock``.
///
/// A *skipping* clock also runs at the system's pace, so that pacing and queues keep working while a
/// cooldown or a pause ends when the test says so rather than after a sleep. A *manual* clock stands still
/// until the test advances it: with it, a component's timing is tested with no sleeps at all.
public final class SkippingClock: Sendable {
    private struct State {
        var skipped: Double = 0
        var sleepers: [UUID: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = Mutex(State())
    private let runsInRealTime: Bool
    private let start: Double

    /// - Parameter manual: when true, the clock stands still between ``advance(by:)`` calls.
    public init(manual: Bool = false) {
        self.runsInRealTime = !manual
        self.start = manual ? 1_000 : 0
    }

    /// Moves the clock forward by `interval` seconds and wakes every sleeper to look at it again.
    public func advance(by interval: Double) {
        let sleepers = self.state.withLock { state in
            state.skipped += interval
            defer { state.sleepers = [:] }
            return Array(state.sleepers.values)
        }
        for sleeper in sleepers { sleeper.resume() }
    }

    /// How many tasks are sleeping on the clock (a test waits for this before advancing past their instant).
    public var sleeperCount: Int { self.state.withLock { $0.sleepers.count } }

    /// Seconds: the start (the system's monotonic clock when running in real time) plus everything skipped.
    public var seconds: @Sendable () -> Double {
        { (self.runsInRealTime ? MonotonicClock.seconds() : self.start) + self.state.withLock { $0.skipped } }
    }

    /// The clock to inject.
    public var gatewayClock: GatewayClock {
        GatewayClock(now: self.seconds) { instant in try await self.sleep(until: instant) }
    }

    private func sleep(until instant: Double) async throws {
        while true {
            try Task.checkCancellation()
            let remaining = instant - self.seconds()
            if remaining <= 0 { return }
            if self.runsInRealTime {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { try? await Task.sleep(for: .seconds(remaining)) }
                    group.addTask { await self.nextAdvance() }
                    await group.next()
                    group.cancelAll()
                }
            } else {
                await self.nextAdvance()
            }
        }
    }

    /// Returns at the next ``advance(by:)``, or when the task is cancelled.
    private func nextAdvance() async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let cancelled = self.state.withLock { state in
                    if Task.isCancelled { return true }
                    state.sleepers[id] = continuation
                    return false
                }
                if cancelled { continuation.resume() }
            }
        } onCancel: {
            self.state.withLock { $0.sleepers.removeValue(forKey: id) }?.resume()
        }
    }
}
