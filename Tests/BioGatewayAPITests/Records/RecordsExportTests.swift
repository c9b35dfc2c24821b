import BioGatewayAPI
import BioGatewayJSON
import BioGatewayQuery
import BioGatewaySimulator
import BioGatewayTestSupport
import Testing

@Suite("/v1/records/export")
struct RecordsExportTests {
    @Test func aFederatedExportAsksEachSourceForOneThousandAtATime() async throws {
        // over a socket: the answer's framing (chunked, no length) is part of what is tested
        try await withStack { simulator, gateway in
            let answer = try await gateway.get("/v1/records/export", query: [("genus", "Bufo"), ("max", "5000")])
            #expect(answer.status == 200)
            #expect(answer.header("transfer-encoding") == "chunked")
            #expect(answer.header("content-type")?.hasPrefix("application/x-ndjson") == true)
            let ids = try answer.text.split(separator: "\n").map { try JSONParser.parse(String($0))["id"]?.stringValue ?? "" }
            #expect(ids.count == 5_000)
            #expect(Set(ids).count == 5_000)
            let nhm = await simulator.state.requests(source: .nhm).map { $0.parameters["limit"] }
            let vertnet = await simulator.state.requests(source: .vertnet).map { $0.parameters["l"] }
            // the last page asks for what max leaves: 1,000 shared
            #expect(nhm == [1000, 1000, 500])
            #expect(vertnet == [1000, 1000, 500])
        }
    }

    @Test func maxStopsTheExportAndItsCursorResumesIt() async throws {
        try await withRouterStack { _, gateway in
            let first = try await gateway.get("/v1/records/export", query: [("genus", "Bufo"), ("max", "1500"), ("format", "geojson")])
            let collection = try first.json()
            let features = collection["features"]?.arrayValue ?? []
            #expect(features.count == 1_500)
            let next = try #require(collection["next"]?.stringValue)
            let rest = try await gateway.get("/v1/records/export", query: [("genus", "Bufo"), ("max", "100000"), ("cursor", next)])
            let restIDs = try rest.text.split(separator: "\n").map { try JSONParser.parse(String($0))["id"]?.stringValue ?? "" }
            let allIDs = Set(features.compactMap { $0["id"]?.stringValue } + restIDs)
            #expect(restIDs.count == 3_500)
            #expect(allIDs.count == 5_000)
        }
    }

    @Test func aSourceFailingBeforeTheFirstByteIsA502() async throws {
        let noRetries: (inout GatewayConfiguration) -> Void = { $0.upstream.retries = 0 }
        try await withRouterStack(configure: noRetries) { simulator, gateway in
            await simulator.state.inject(SimulatorFault(source: "vertnet", kind: .status, status: 500, count: 1))
            let answer = try await gateway.get("/v1/records/export", query: [("genus", "Bufo"), ("max", "10")])
            #expect(answer.status == 502)
            #expect(answer.header("content-type") == "application/problem+json")
            #expect(try answer.json()["detail"]?.stringValue?.contains("VertNet") == true)
        }
    }
}
