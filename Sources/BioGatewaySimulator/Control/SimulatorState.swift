import BioGatewayJSON
import BioGatewayQuery
import Foundation

/// One request an upstream API of the simulator received.
public struct SimulatorRequestRecord: Sendable, Codable {
    /// `nhm` or `vertnet`.
    public var source: String
    public var method: String
    public var path: String
    /// The parameters as received: NHM's parameter object; VertNet's query object (or the raw text when it is not JSON).
    public var parameters: JSONValue
    /// The `User-Agent` it came with.
    public var userAgent: String?
    /// When it arrived and when the answer was complete.
    public var receivedAt: Date
    public var finishedAt: Date?
}

/// What the simulator remembers between requests: pending faults and the request log, shared by the
/// HTTP control endpoints and, in process, by tests.
public actor SimulatorState {
    private var faults: [SimulatorFault] = []
    private var log: [SimulatorRequestRecord] = []
    private var inFlight = 0
    private var held: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextHold = 0
    /// The most requests that were being answered at once since the last reset.
    public private(set) var maximumInFlight = 0

    public init() {}

    /// Adds a fault to the queue.
    public func inject(_ fault: SimulatorFault) {
        self.faults.append(fault)
    }

    /// Removes every pending fault.
    public func clearFaults() {
        self.faults.removeAll()
    }

    /// The pending faults.
    public var pendingFaults: [SimulatorFault] { self.faults }

    /// Takes the first fault that applies to `source`, counting it down.
    func takeFault(for source: UpstreamSource) -> SimulatorFault? {
        guard let index = self.faults.firstIndex(where: { $0.source == nil || $0.source == source.rawValue }) else {
            return nil
        }
        let fault = self.faults[index]
        if let count = fault.count {
            if count <= 1 { self.faults.remove(at: index) } else { self.faults[index].count = count - 1 }
        }
        return fault
    }

    /// How many requests a `hold` fault is holding now.
    public var heldCount: Int { self.held.count }

    /// Answers every request a `hold` fault is holding.
    /// - Returns: how many were released.
    @discardableResult
    public func releaseHeld() -> Int {
        let released = self.held
        self.held.removeAll()
        for continuation in released.values { continuation.resume() }
        return released.count
    }

    /// Waits until ``releaseHeld()`` is called, or `limit` has passed, or the task is cancelled.
    func hold(atMost limit: Duration?) async {
        let id = self.nextHold
        self.nextHold += 1
        let state = self
        let timer = limit.map { limit in
            Task {
                try? await Task.sleep(for: limit)
                await state.release(id)
            }
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in self.held[id] = continuation }
        } onCancel: {
            Task { await state.release(id) }
        }
        timer?.cancel()
    }

    private func release(_ id: Int) {
        self.held.removeValue(forKey: id)?.resume()
    }

    func begin(_ record: SimulatorRequestRecord) -> Int {
        self.log.append(record)
        self.inFlight += 1
        self.maximumInFlight = max(self.maximumInFlight, self.inFlight)
        return self.log.count - 1
    }

    func finish(_ index: Int) {
        self.inFlight -= 1
        if index < self.log.count { self.log[index].finishedAt = Date() }
    }

    /// Every request received since the last reset, optionally for one source.
    public func requests(source: UpstreamSource? = nil) -> [SimulatorRequestRecord] {
        guard let source else { return self.log }
        return self.log.filter { $0.source == source.rawValue }
    }

    /// Forgets the request log and the in-flight high-water mark.
    public func resetRequests() {
        self.log.removeAll()
        self.maximumInFlight = self.inFlight
    }
}
