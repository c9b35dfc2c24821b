import BioGatewayAPI
import BioGatewayQuery
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("Drop-in endpoints: the upstreams' rules are enforced before anything leaves")
struct DropInEnforcementTests {
    @Test func vertnetLimitIsCappedBeforeGoingUpstream() async throws {
        try await withRouterStack { simulator, gateway async throws in
            let response = try await gateway.get(vertnetPath, query: [("q", #"{"q":"genus:puma","l":5000}"#)])
            #expect(response.status == 200)
            #expect(response.header("bioGateway-notice")?.contains("capped to 1000") == true)
            let sent = await simulator.lastParameters(.vertnet)
            #expect(sent?["l"] == 1000)
            #expect(sent?["q"] == "genus:puma")
            #expect(try response.json()["limit"] == 1000)
        }
    }

    @Test func vertnetDefaultLimitIsSentExplicitly() async throws {
        try await withRouterStack { simulator, gateway async throws in
            _ = try await gateway.get(vertnetPath, query: [("q", #"{"q":"genus:puma"}"#)])
            #expect(await simulator.lastParameters(.vertnet)?["l"] == 400)
        }
    }

    @Test func nhmLimitIsClampedBeforeGoingUpstream() async throws {
        try await withRouterStack { simulator, gateway async throws in
            let response = try await gateway.get(nhmPath, query: [("resource_id", specimens), ("limit", "5000")])
            #expect(response.status == 200)
            let sent = await simulator.lastParameters(.nhm)
            #expect(sent?["limit"] == 1000)
            #expect(sent?["offset"] == 0)
            #expect(try response.json()["result"]?["records"]?.arrayValue?.count == 1000)
        }
    }

    @Test func nhmDefaultsAreSentExplicitly() async throws {
        try await withRouterStack { simulator, gateway async throws in
            _ = try await gateway.get(nhmPath, query: [("resource_id", specimens), ("q", "bufo")])
            let sent = await simulator.lastParameters(.nhm)
            #expect(sent?["limit"] == 100)
            #expect(sent?["offset"] == 0)
        }
    }

    @Test(arguments: [
        ("offset=9500&limit=600", "message"),
        ("offset=9000&limit=1000", "message"),
        ("offset=-1", "offset"),
        ("limit=ten", "limit"),
        ("limit=1.5", "limit"),
        ("filters=%7Bgenus", "filters"),
        ("missing-resource", "resource_id"),
    ])
    func nhmRejectionsNeverReachUpstream(_ query: String, _ field: String) async throws {
        // the window as the portal has it (the gateway otherwise walks such pages: DeepPagingTests)
        let configure: (inout GatewayConfiguration) -> Void = { $0.upstream.nhmDeepPaging = false }
        try await withRouterStack(configure: configure) { simulator, gateway async throws in
            let path =
                query == "missing-resource"
                ? nhmPath + "?q=bufo"
                : nhmPath + "?resource_id=\(specimens)&" + query
            let response = try await gateway.request(path)
            #expect(response.status == 409)
            #expect(response.header("content-type") == "application/json;charset=utf-8")
            let body = try response.json()
            #expect(body["success"] == false)
            #expect(body["error"]?["__type"] == "Validation Error")
            #expect(body["error"]?[field] != nil)
            #expect(response.header("cache-status") == "BioGateway; detail=invalid-request")
            #expect(await simulator.calls(.nhm) == 0)
        }
    }

    @Test func nhmRejectionAsProblemJSONWhenAsked() async throws {
        try await withRouterStack { simulator, gateway async throws in
            let response = try await gateway.request(
                nhmPath + "?resource_id=\(specimens)&limit=ten",
                headers: [("Accept", "application/problem+json")]
            )
            #expect(response.status == 409)
            #expect(response.header("content-type") == "application/problem+json")
            let problem = try response.json()
            #expect(problem["invalid-params"]?.arrayValue?.first?["name"] == "limit")
            #expect(await simulator.calls(.nhm) == 0)
        }
    }

    @Test(
        arguments: [
            (nil, "q"),
            ("{not json", "q"),
            ("[1]", "q"),
            (#"{"l":5}"#, "q.q"),
            (#"{"q":"x","l":-3}"#, "q.l"),
            (#"{"q":"x","l":2.5}"#, "q.l"),
            (#"{"q":"x","l":"10"}"#, "q.l"),
            (#"{"q":"x","c":7}"#, "q.c"),
        ] as [(String?, String)]
    )
    func vertnetRejectionsAreProblemJSONAndNeverReachUpstream(_ queryObject: String?, _ parameter: String) async throws {
        try await withRouterStack { simulator, gateway async throws in
            let response = try await gateway.get(vertnetPath, query: queryObject.map { [("q", $0)] } ?? [])
            #expect(response.status == 400)
            #expect(response.header("content-type") == "application/problem+json")
            let problem = try response.json()
            #expect(problem["status"] == 400)
            #expect(problem["invalid-params"]?.arrayValue?.contains { $0["name"]?.stringValue == parameter } == true)
            #expect(problem["detail"]?.stringValue?.isEmpty == false)
            #expect(await simulator.calls(.vertnet) == 0)
        }
    }

    @Test func oversizedBodiesGetProblemJSONWithCacheStatus() async throws {
        try await withRouterStack { simulator, gateway async throws in
            let response = try await gateway.request(
                nhmPath,
                method: .POST,
                headers: [("Content-Type", "application/json")],
                body: #"{"resource_id":""# + String(repeating: "x", count: 2 * 1024 * 1024) + #""}"#
            )
            #expect(response.status == 413)
            #expect(response.header("content-type") == "application/problem+json")
            #expect(response.header("cache-status") == "BioGateway; detail=invalid-request")
            #expect(await simulator.calls(.nhm) == 0)
        }
    }

    @Test func unknownRoutesGetProblemJSON() async throws {
        try await withRouterStack { _, gateway async throws in
            let response = try await gateway.request("/nope")
            #expect(response.status == 404)
            #expect(response.header("content-type") == "application/problem+json")
            #expect(try response.json()["detail"]?.stringValue?.contains("/nope") == true)
        }
    }
}

@Suite("Bounded work per request")
struct BoundedWorkTests {
    @Test func aRequestWithThousandsOfParametersIsRefusedWithAProblem() async throws {
        try await withRouterStack { simulator, gateway in
            let form = (0..<64_000).map { "k\($0)=v" }.joined(separator: "&")
            for path in ["/v1/records", nhmPath, vertnetPath] {
                let response = try await gateway.request(
                    path,
                    method: .POST,
                    headers: [("Content-Type", "application/x-www-form-urlencoded")],
                    body: form
                )
                #expect(response.status == 400, "\(path)")
                #expect(response.header("content-type") == "application/problem+json")
                #expect(try response.json()["type"] == "urn:biogateway:problem:too-many-parameters")
            }
            let query = (0..<2_000).map { "k\($0)=v" }.joined(separator: "&")
            #expect(try await gateway.request("/v1/records?" + query).status == 400)
            #expect(await simulator.state.requests().isEmpty)
        }
    }

    @Test func anUpstreamAnswerLargerThanTheBoundIsA502AndNotStored() async throws {
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.upstream.maxBodyBytes = 2_000
            $0.upstream.retries = 0
        }
        try await withRouterStack(configure: configure) { simulator, gateway in
            let query = [("q", #"{"q":"genus:bufo","l":50}"#)]
            let large = try await gateway.get(vertnetPath, query: query)
            #expect(large.status == 502)
            #expect(large.header("cache-status") == "BioGateway; fwd=miss; fwd-status=200; detail=invalid-body")
            _ = try await gateway.get(vertnetPath, query: query)
            #expect(await simulator.calls(.vertnet) == 2)
        }
    }

    @Test func fetchesPastTheInFlightByteBoundAre503AndNotStored() async throws {
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.upstream.maxInflightBytes = 2_000
            $0.upstream.retries = 0
        }
        try await withRouterStack(configure: configure) { simulator, gateway in
            let query = [("q", #"{"q":"genus:bufo","l":50}"#)]
            let refused = try await gateway.get(vertnetPath, query: query)
            #expect(refused.status == 503)
            #expect(refused.header("content-type") == "application/problem+json")
            // a small answer fits, and the bytes held by the refused one were given back
            #expect(try await gateway.get(vertnetPath, query: [("q", #"{"q":"genus:bufo","l":1}"#)]).status == 200)
            _ = try await gateway.get(vertnetPath, query: query)
            #expect(await simulator.calls(.vertnet) == 3)
        }
    }
}
