import BioGatewayAPI
import BioGatewayJSON
import BioGatewayQuery
import BioGatewayTestSupport
import Foundation
import Testing

/// The NHM's read-only v6 actions: one GET query string and the equivalent JSON body for each.
private let readOnlyActions: [(action: String, query: String, body: String)] = [
    ("vds_basic_query", "resource_id=\(specimens)&q=bufo&limit=2", #"{"resource_id":"\#(specimens)","q":"bufo","limit":2,"offset":0}"#),
    ("vds_basic_count", "resource_id=\(specimens)&q=bufo", #"{"q":"  bufo ","resource_id":"\#(specimens)"}"#),
    ("vds_basic_extent", "resource_id=\(specimens)&q=bufo", #"{"resource_id":"\#(specimens)","q":"bufo"}"#),
    ("datastore_query_extent", "resource_id=\(specimens)&q=puma", #"{"resource_id":"\#(specimens)","q":"puma"}"#),
    (
        "vds_basic_autocomplete", "resource_id=\(specimens)&field=genus&term=bu",
        #"{"term":"bu","field":"genus","resource_id":"\#(specimens)","limit":20}"#
    ),
    (
        "vds_multi_query", "query=%7B%22search%22%3A%22bufo%22%7D&size=2",
        #"{"query":{"search":"bufo"},"size":"2"}"#
    ),
    ("vds_multi_count", "query=%7B%22search%22%3A%22bufo%22%7D", #"{"query":"{\"search\": \"bufo\"}"}"#),
    ("vds_multi_autocomplete_value", "field=genus&prefix=b", #"{"field":"genus","prefix":"b","size":20}"#),
    ("vds_multi_autocomplete_field", "resource_ids=\(specimens)&text=genus", #"{"resource_ids":["\#(specimens)"],"text":"genus"}"#),
    ("vds_multi_hash", "query=%7B%7D", #"{"query":{}}"#),
    ("vds_version_record", "resource_id=\(specimens)&record_id=1181993", #"{"record_id":"1181993","resource_id":"\#(specimens)"}"#),
    ("vds_version_resource", "resource_id=\(specimens)", #"{"resource_id":"\#(specimens)"}"#),
    ("vds_version_round", "resource_id=\(specimens)&version=1650000000000", #"{"resource_id":"\#(specimens)","version":1650000000000}"#),
    ("vds_data_get", "resource_id=\(specimens)&record_id=1181993", #"{"resource_id":"\#(specimens)","record_id":"1181993"}"#),
    ("record_show", "resource_id=\(specimens)&record_id=1181993", #"{"resource_id":"\#(specimens)","record_id":"1181993"}"#),
    ("vds_schema_latest", "", "{}"),
    ("vds_options_get", "resource_id=\(specimens)", #"{"resource_id":"\#(specimens)"}"#),
]

@Suite("NHM v6 actions: drop-in, validated, cached")
struct NHMActionTests {
    /// Upstream pacing lifted: these tests are about answers and the cache, not about sparing the NHM.
    static func unpaced(_ configuration: inout GatewayConfiguration) {
        configuration.upstream.nhmMaxRPS = 10_000
        configuration.upstream.nhmMaxConcurrent = 8
        configuration.clients.upstreamRateLimit = 100_000
    }

    @Test(arguments: readOnlyActions.map(\.action).indices)
    func eachReadOnlyActionIsServedAtTheRootAndCachedForThePrefixedPathAndAPost(_ index: Int) async throws {
        let (action, query, body) = readOnlyActions[index]
        try await withRouterStack(configure: Self.unpaced) { simulator, gateway async throws in
            let first = try await gateway.request("/api/3/action/\(action)" + (query.isEmpty ? "" : "?" + query))
            #expect(first.status == 200, "\(action): \(first.text.prefix(300))")
            #expect(first.header("content-type") == "application/json; charset=utf-8")
            // a question pinned to a past version is stored without expiry (VersionPinTests), after one more
            // upstream call for the data's latest version
            let pinned = query.contains("version=")
            #expect(first.header("cache-status") == "BioGateway; fwd=miss; stored" + (pinned ? "; detail=immutable" : ""))
            let envelope = try first.json()
            #expect(envelope["success"] == true)
            #expect(envelope["result"] != nil)
            let canonical = NHMAction.aliases[action] ?? action
            #expect(envelope["help"]?.stringValue?.hasSuffix("name=\(canonical)") == true)
            #expect(await simulator.state.requests(source: .nhm).contains { $0.parameters["action"]?.stringValue == canonical })

            // the same question by POST, with typed values and another key order, on the prefixed v3-less path
            let again = try await gateway.request(
                "/nhm/api/action/\(action)",
                method: .POST,
                headers: [("Content-Type", "application/json")],
                body: body
            )
            #expect(again.status == 200)
            #expect(again.header("cache-status")?.hasPrefix("BioGateway; hit") == true, "\(action): \(again.header("cache-status") ?? "")")
            #expect(again.body == first.body)
            #expect(await simulator.calls(.nhm) == (pinned ? 2 : 1))
        }
    }

    @Test(arguments: [
        ("vds_basic_autocomplete?resource_id=\(specimens)&field=genus&term=bu&limit=50", "message", "Size must be 0 < size <= 20"),
        ("vds_basic_autocomplete?resource_id=\(specimens)&term=bu", "field", "Missing value"),
        ("vds_basic_count?q=bufo", "resource_id", "Missing value"),
        ("vds_basic_count?resource_id=\(specimens)&version=yesterday", "version", "Invalid integer"),
        ("vds_basic_count?resource_id=\(specimens)&filters=%7Bgenus", "filters", "Cannot parse JSON"),
        (
            "vds_basic_query?resource_id=\(specimens)&offset=5000000&limit=600", "message",
            "Search window size out of bounds: 5000601 (from: 5000000, size: 600)"
        ),
        ("vds_multi_query?query=%7Bsearch", "query", "Cannot parse JSON"),
        ("vds_multi_query?after=5", "after", "Value must be a list"),
        (
            "vds_multi_query?query=%7B%22filter%22%3A%7B%7D%7D", "message",
            "Additional properties are not allowed ('filter' was unexpected)"
        ),
        ("vds_multi_count?query=%7B%22search%22%3A5%7D", "message", "5 is not of type 'string'"),
        (
            "vds_multi_query?query=%7B%22filters%22%3A%7B%22and%22%3A%5B%7B%22string_equals%22%3A%7B%22fields%22%3A%5B%22genus%22%5D%7D%7D%5D%7D%7D",
            "message",
            "{'string_equals': {'fields': ['genus']}} is not valid under any of the given schemas"
        ),
        ("vds_multi_hash?query_version=v2.0.0", "message", "Invalid query version: v2.0.0"),
        ("vds_multi_autocomplete_field?text=genus", "resource_ids", "Invalid list of resource ID strings"),
        ("vds_data_get?resource_id=\(specimens)", "record_id", "Missing value"),
    ])
    func validationFailuresAreRefusedAsThePortalRefusesThemWithoutAnUpstreamCall(
        _ path: String,
        _ field: String,
        _ message: String
    ) async throws {
        try await withRouterStack(configure: Self.unpaced) { simulator, gateway async throws in
            let response = try await gateway.request("/nhm/api/3/action/" + path)
            #expect(response.status == 409)
            #expect(response.header("content-type") == "application/json;charset=utf-8")
            let body = try response.json()
            #expect(body["success"] == false)
            #expect(body["error"]?["__type"] == "Validation Error")
            let reported = field == "message" ? body["error"]?["message"]?.stringValue : body["error"]?[field]?.arrayValue?.first?.stringValue
            #expect(reported == message)
            let action = String(path.prefix { $0 != "?" })
            #expect(body["help"]?.stringValue == "https://data.nhm.ac.uk/api/3/action/help_show?name=\(action)")
            #expect(await simulator.calls(.nhm) == 0)
        }
    }

    @Test func pageSizesPastTheSilentCapAreClampedWithANotice() async throws {
        try await withRouterStack(configure: Self.unpaced) { simulator, gateway async throws in
            let response = try await gateway.request("/api/3/action/vds_multi_query?size=5000&query=%7B%22search%22%3A%22bufo%22%7D")
            #expect(response.status == 200)
            #expect(response.header("biogateway-notice")?.contains("size 5000 was clamped to 1000") == true)
            #expect(await simulator.lastParameters(.nhm)?["parameters"]?["size"] == 1000)
            #expect(try response.json()["result"]?["records"]?.arrayValue?.count == 1000)
        }
    }

    @Test func undeclaredParametersAreDroppedSoTheyShareTheEntry() async throws {
        try await withRouterStack(configure: Self.unpaced) { simulator, gateway async throws in
            _ = try await gateway.request("/api/3/action/vds_multi_count?query=%7B%7D")
            // `offset` and `limit` are not multi parameters: the portal ignores them, so does the cache key
            let junk = try await gateway.request("/api/3/action/vds_multi_count?query=%7B%7D&offset=50&limit=3")
            #expect(junk.header("cache-status")?.hasPrefix("BioGateway; hit") == true)
            #expect(await simulator.calls(.nhm) == 1)
        }
    }

    @Test func writeActionsAreRefusedNamingTheActionAndNeverForwarded() async throws {
        try await withRouterStack(configure: Self.unpaced) { simulator, gateway async throws in
            for path in ["/api/3/action/vds_download_queue", "/nhm/api/action/vds_slug_create"] {
                let response = try await gateway.request(
                    path,
                    method: .POST,
                    headers: [("Content-Type", "application/json")],
                    body: #"{"query":{"search":"bufo"}}"#
                )
                #expect(response.status == 403)
                let body = try response.json()
                #expect(body["success"] == false)
                #expect(body["error"]?["__type"] == "Authorization Error")
                let action = String(path.split(separator: "/").last!)
                #expect(body["error"]?["message"]?.stringValue?.contains("does not forward \(action)") == true)
            }
            let problem = try await gateway.request(
                "/api/3/action/vds_download_queue",
                method: .POST,
                headers: [("Accept", "application/problem+json")],
                body: "{}"
            )
            #expect(problem.status == 403)
            #expect(problem.header("content-type") == "application/problem+json")
            #expect(try problem.json()["type"] == "urn:biogateway:problem:action-not-forwarded")
            #expect(await simulator.calls(.nhm) == 0)
        }
    }

    @Test func anUnknownActionGetsThePortalsBareStringWithoutAnUpstreamCall() async throws {
        try await withRouterStack(configure: Self.unpaced) { simulator, gateway async throws in
            let response = try await gateway.request("/api/3/action/vds_no_such_thing?resource_id=x")
            #expect(response.status == 400)
            #expect(try response.json() == .string("Bad request - Action name not known: vds_no_such_thing"))
            #expect(await simulator.calls(.nhm) == 0)
        }
    }

    @Test func aVersionedQuestionSeesTheDataAsItStoodThen() async throws {
        try await withRouterStack(configure: Self.unpaced) { simulator, gateway async throws in
            let path = "/api/3/action/vds_basic_count?resource_id=\(specimens)&q=bufo"
            let now = try await gateway.request(path).json()["result"]?.integerValue ?? 0
            let then = try await gateway.request(path + "&version=1600000000000").json()["result"]?.integerValue ?? 0
            #expect(then > 0)
            #expect(then < now)
            // the two counts, and the latest version the pinned one was checked against
            #expect(await simulator.calls(.nhm) == 3)
        }
    }
}
