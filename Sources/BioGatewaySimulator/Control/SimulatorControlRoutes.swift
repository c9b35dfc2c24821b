import BioGatewayQuery
import Foundation
import Hummingbird

/// The simulator's control API, for tests and demos:
///
/// - `GET /_simulator/faults`, `POST /_simulator/faults` (a ``SimulatorFault``), `DELETE /_simulator/faults`
/// - `POST /_simulator/release`: answers every request a `hold` fault is holding (`{"released": n}`)
/// - `GET /_simulator/requests[?source=nhm|vertnet]`, `DELETE /_simulator/requests`
/// - `POST /_simulator/nhm/ingest[?records=N]`: a new NHM data version with N (default 100) new specimens
///   (`{"version", "records"}`)
struct SimulatorControlRoutes: Sendable {
    let state: SimulatorState
    /// The generated NHM data that ingests add to.
    let nhmData: NHMSearchEngine

    func register(on router: Router<SimulatorRequestContext>) {
        let group = router.group("_simulator")
        group.get("faults") { _, _ in
            try Self.json(await self.state.pendingFaults)
        }
        group.post("faults") { request, context in
            let fault = try await request.decode(as: SimulatorFault.self, context: context)
            if let status = fault.status, !(100...599).contains(status) {
                throw HTTPError(.badRequest, message: "status must be an HTTP status code (100-599)")
            }
            if let latency = fault.latencyMs, latency < 0 {
                throw HTTPError(.badRequest, message: "latencyMs must not be negative")
            }
            await self.state.inject(fault)
            return try Self.json(await self.state.pendingFaults, status: .created)
        }
        group.delete("faults") { _, _ in
            await self.state.clearFaults()
            return Response(status: .noContent)
        }
        group.post("release") { _, _ in
            try Self.json(["released": await self.state.releaseHeld()])
        }
        group.get("requests") { request, _ in
            let source = request.uri.queryParameters["source"].flatMap { UpstreamSource(rawValue: String($0)) }
            return try Self.json(RequestLog(requests: await self.state.requests(source: source), maximumInFlight: await self.state.maximumInFlight))
        }
        group.delete("requests") { _, _ in
            await self.state.resetRequests()
            return Response(status: .noContent)
        }
        group.post("nhm/ingest") { request, _ in
            let count = request.uri.queryParameters["records"].flatMap { Int(String($0)) } ?? 100
            guard (1...10_000).contains(count) else { throw HTTPError(.badRequest, message: "records must be 1 to 10000") }
            let (version, total) = await self.state.ingestNHM(count: count, base: self.nhmData)
            return try Self.json(["version": Int(version), "records": total], status: .created)
        }
    }

    struct RequestLog: Encodable {
        var requests: [SimulatorRequestRecord]
        var maximumInFlight: Int
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        // milliseconds: tests of pacing compare arrival times
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted)))
        }
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(value)
        return Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
        )
    }
}
