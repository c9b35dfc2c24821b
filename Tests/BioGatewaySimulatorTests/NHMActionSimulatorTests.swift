import BioGatewayJSON
import BioGatewayQuery
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("Simulator: NHM v6 actions")
struct NHMActionSimulatorTests {
    let resource = SimulatorDataset.nhmSpecimenResourceID

    @Test func writeActionsArePostOnlyAndUnknownActionsABareString() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            let get = try await client.request("/api/3/action/vds_download_queue")
            #expect(get.status == 400)
            #expect(try get.json() == .string("Bad request - JSON Error: Invalid request. Please use POST method for your request"))
            let post = try await client.request("/api/3/action/vds_download_queue", method: .POST, body: "{}")
            #expect(post.status == 403)
            #expect(try post.json()["error"]?["__type"] == "Authorization Error")
            let unknown = try await client.request("/api/action/vds_nothing")
            #expect(try unknown.json() == .string("Bad request - Action name not known: vds_nothing"))
        }
    }

    @Test func aMultiQueryWalkedByAfterVisitsEveryRecordOnce() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            var after: JSONValue = .null
            var seen = Set<String>()
            var total = 0
            repeat {
                var body: JSONObject = ["query": ["search": "bufo"], "size": 1000]
                if after != .null { body["after"] = after }
                let page = try await client.request(
                    "/api/3/action/vds_multi_query",
                    method: .POST,
                    headers: [("Content-Type", "application/json")],
                    body: JSONWriter(style: .compact).string(.object(body))
                ).json()
                total = Int(page["result"]?["total"]?.integerValue ?? 0)
                for record in page["result"]?["records"]?.arrayValue ?? [] {
                    #expect(record["resource"]?.stringValue == self.resource)
                    let id = try #require(record["data"]?["_id"]?.stringValue)
                    #expect(seen.insert(id).inserted)
                }
                after = page["result"]?["after"] ?? .null
                if after != .null { #expect(after.arrayValue?.count == 3) }
            } while after != .null
            #expect(total == 2500)
            #expect(seen.count == total)
        }
    }

    @Test func versionsRoundAsTheExtensionRoundsThem() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            let path = "/api/3/action/vds_version_round"
            func round(_ version: String?) async throws -> JSONValue? {
                try await client.get(path, query: [("resource_id", self.resource)] + (version.map { [("version", $0)] } ?? [])).json()["result"]
            }
            let versions = try await client.get("/api/3/action/vds_version_resource", query: [("resource_id", self.resource)]).json()
            let all = versions["result"]?.arrayValue?.compactMap(\.integerValue) ?? []
            #expect(all.count == 5 && all == all.sorted())
            #expect(try await round(nil) == .integer(all.last!))
            #expect(try await round("99999999999999") == .integer(all.last!))
            #expect(try await round(String(all[1] + 1)) == .integer(all[1]))
            #expect(try await round("1000") == 1000)
        }
    }

    @Test func aRecordIsFoundOnlyAtVersionsItExistedIn() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            let page = try await client.get(
                "/api/3/action/vds_multi_query",
                query: [("query", #"{"search":"bufo"}"#), ("size", "1")]
            ).json()
            let record = try #require(page["result"]?["records"]?.arrayValue?.first)
            let id = try #require(record["data"]?["_id"]?.stringValue)
            let versions = try await client.get(
                "/api/3/action/vds_version_record",
                query: [("resource_id", self.resource), ("record_id", id)]
            ).json()
            let version = try #require(versions["result"]?.arrayValue?.first?.integerValue)
            let at = try await client.get(
                "/api/3/action/record_show",
                query: [("resource_id", self.resource), ("record_id", id), ("version", String(version))]
            )
            #expect(at.status == 200)
            #expect(try at.json()["result"]?["data"]?["_id"]?.stringValue == id)
            let before = try await client.get(
                "/api/3/action/vds_data_get",
                query: [("resource_id", self.resource), ("record_id", id), ("version", String(version - 1))]
            )
            #expect(before.status == 404)
            #expect(try before.json()["error"]?["__type"] == "Not Found Error")
        }
    }
    /// The query schema's number and geo terms select what they say: complementary ranges partition the
    /// records that have the field, `not` complements, a radius round the whole Earth takes every located record.
    @Test func numberAndGeoTermsFilterMultiQueries() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            func count(_ filters: String) async throws -> Int64 {
                let answer = try await client.get("/api/3/action/vds_multi_count", query: [("query", #"{"filters":"# + filters + "}")])
                #expect(answer.status == 200, "\(filters)")
                return try #require(answer.json()["result"]?["total"]?.integerValue)
            }
            let all = try await count(#"{"and":[]}"#)
            let withYear = try await count(#"{"and":[{"exists":{"fields":["year"]}}]}"#)
            let from1950 = try await count(#"{"and":[{"number_range":{"fields":["year"],"greater_than":1950}}]}"#)
            let before1950 = try await count(
                #"{"and":[{"number_range":{"fields":["year"],"less_than":1950,"less_than_inclusive":false}}]}"#
            )
            let notFrom1950 = try await count(#"{"not":[{"number_range":{"fields":["year"],"greater_than":1950}}]}"#)
            #expect(from1950 > 0 && before1950 > 0)
            #expect(from1950 + before1950 == withYear)
            #expect(from1950 + notFrom1950 == all)
            let located = try await count(#"{"and":[{"exists":{"geo_field":true}}]}"#)
            let aroundTheEarth = try await count(
                #"{"and":[{"geo_point":{"latitude":0,"longitude":0,"radius":20100,"radius_unit":"km"}}]}"#
            )
            let nowhere = try await count(#"{"and":[{"geo_point":{"latitude":0,"longitude":0,"radius":1,"radius_unit":"mm"}}]}"#)
            #expect(located > 0 && aroundTheEarth == located && nowhere < located)
        }
    }
}
