import BioGatewayJSON
import BioGatewayQuery
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("Simulator: NHM datastore_search")
struct NHMSimulatorTests {
    let resource = SimulatorDataset.nhmSpecimenResourceID

    @Test func envelopeAndRecordsLookReal() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            let response = try await client.get(
                "/api/3/action/datastore_search",
                query: [("resource_id", self.resource), ("filters", #"{"genus":"BUFO"}"#), ("limit", "5")]
            )
            #expect(response.status == 200)
            #expect(response.header("content-type") == "application/json;charset=utf-8")
            let body = try response.json()
            #expect(body["success"] == true)
            #expect(body["result"]?["total"] == 2500)
            #expect(body["result"]?["after"]?.arrayValue?.count == 3)
            #expect(body["result"]?["fields"]?.arrayValue?.first == ["id": "_id", "type": "string"])
            let record = try #require(body["result"]?["records"]?.arrayValue?.first)
            #expect(record["genus"] == "Bufo")
            #expect(record["_id"]?.stringValue != nil)
            #expect(record["year"].map { $0.stringValue != nil } ?? true)
            #expect(body["result"]?["_backend"] == nil)
        }
    }

    @Test func defaultsCapsAndTheWindow() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            let path = "/api/3/action/datastore_search"
            let defaults = try await client.get(path, query: [("resource_id", self.resource)]).json()
            #expect(defaults["result"]?["records"]?.arrayValue?.count == 100)
            let capped = try await client.get(path, query: [("resource_id", self.resource), ("limit", "5000")]).json()
            #expect(capped["result"]?["records"]?.arrayValue?.count == 1000)
            let window = try await client.get(path, query: [("resource_id", self.resource), ("offset", "9500"), ("limit", "600")])
            #expect(window.status == 409)
            #expect(try window.json()["error"]?["message"] == "Search window size out of bounds: 10101 (from: 9500, size: 600)")
            #expect(try window.json()["error"]?["__type"] == "Validation Error")
            let negative = try await client.get(path, query: [("resource_id", self.resource), ("offset", "-5")])
            #expect(negative.status == 500)
            let missing = try await client.get(path, query: [("q", "bufo")])
            #expect(missing.status == 409)
            #expect(try missing.json()["error"]?["resource_id"] == ["Missing value"])
            let unknown = try await client.get(path, query: [("resource_id", "not-a-resource")])
            #expect(try unknown.json()["error"]?["resource_id"] == ["No resource IDs are datastore resources"])
            let badJSON = try await client.request(path, method: .POST, headers: [("Content-Type", "application/json")], body: "{nope")
            #expect(badJSON.status == 400)
            #expect(try badJSON.json().stringValue?.hasPrefix("Bad request - JSON Error") == true)
        }
    }

    @Test func afterPagesPastTheWindow() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            var after: JSONValue?
            var seen = Set<String>()
            var total: JSONValue?
            for _ in 0..<20 {
                var body = JSONObject([("resource_id", .string(self.resource)), ("filters", ["collectionCode": "zoo"]), ("limit", 1000)])
                if let after { body["after"] = after }
                let page = try await client.request(
                    "/api/3/action/datastore_search",
                    method: .POST,
                    headers: [("Content-Type", "application/json")],
                    body: JSONValue.object(body).canonicalString
                ).json()
                total = page["result"]?["total"]
                for record in page["result"]?["records"]?.arrayValue ?? [] { seen.insert(record["_id"]?.stringValue ?? "") }
                after = page["result"]?["after"]
                if after == .null || after == nil { break }
            }
            #expect(total == 15_500)
            #expect(seen.count == 15_500)
        }
    }

    @Test func recordedAnswerOnTheOldRoute() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            let body = try await client.get(
                "/api/action/datastore_search",
                query: [("resource_id", self.resource), ("q", "jones"), ("limit", "50"), ("offset", "0")]
            ).json()
            #expect(body["result"]?["_backend"] == "datasolr")
            #expect(body["result"]?["records"]?.arrayValue?.count == 50)
        }
    }

    @Test func sortFieldsAndFacets() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            let body = try await client.get(
                "/api/3/action/datastore_search",
                query: [
                    ("resource_id", self.resource), ("q", "synodontis"), ("sort", "catalogNumber"), ("fields", "catalogNumber,genus"),
                    ("facets", "country"), ("limit", "20"),
                ]
            ).json()
            let records = try #require(body["result"]?["records"]?.arrayValue)
            let numbers = records.compactMap { $0["catalogNumber"]?.stringValue?.lowercased() }
            #expect(numbers == numbers.sorted())
            #expect(records.allSatisfy { Set($0.objectValue?.keys ?? []) == ["catalogNumber", "genus"] })
            #expect(body["result"]?["facets"]?["country"]?["values"]?.objectValue?.isEmpty == false)
        }
    }
}
