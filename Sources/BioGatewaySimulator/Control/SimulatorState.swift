import BioGatewayJSON
import BioGatewayPacing
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
    /// The NHM data once something was ingested (nil: the generated specimens, shared by every simulator).
    private(set) var nhmData: NHMSearchEngine?

    public init() {}

    /// Adds a fault to the queue.
    public func inject(_ fault: SimulatorFault) {
        self.faults.append(fault)
    }

    /// Publishes a new NHM data version holding `count` new specimens (copies of existing ones under new
    /// ids) on top of `base` (or of what was ingested before): unpinned questions now see them, questions
    /// pinned to an earlier version do not. Returns the new version and how many records there are.
    func ingestNHM(count: Int, base: NHMSearchEngine, now: Date = Date()) -> (version: Int64, total: Int) {
        let current = self.nhmData ?? base
        let version = max((current.versions.last ?? 0) + 1, Int64(now.timeIntervalSince1970 * 1000))
        let highest = current.records.compactMap { $0.string("_id").flatMap { Int64($0) } }.max() ?? 0
        let added = (0..<count).map { index -> SimulatedRecord in
            var fields = current.records[index % current.records.count].fields
            fields["_id"] = .string(String(highest + 1 + Int64(index)))
            return SimulatedRecord(fields: fields)
        }
        let next = current.ingesting(added, at: version)
        self.nhmData = next
        return (version, next.records.count)
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

    /// Waits until ``releaseHeld()`` is called, or `limit` has passed on `clock`, or the task is cancelled.
    func hold(atMost limit: Duration?, clock: GatewayClock) async {
        let id = self.nextHold
        self.nextHold += 1
        let state = self
        let timer = limit.map { limit in
            Task {
                try? await clock.sleep(for: limit)
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
