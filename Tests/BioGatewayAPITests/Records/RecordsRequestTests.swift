import BioGatewayJSON
import BioGatewayQuery
import BioGatewayTestSupport
import Testing

@Suite("/v1/records: parameters, formats and errors")
struct RecordsRequestTests {
    @Test func badParametersAreEachNamedInOneProblem() async throws {
        try await withRouterStack { simulator, gateway in
            let answer = try await gateway.get(
                "/v1/records",
                query: [("genus", "Bufo"), ("colour", "green"), ("limit", "ten"), ("hasCoordinates", "maybe"), ("year", "-5"), ("format", "xml")]
            )
            #expect(answer.status == 400)
            #expect(answer.header("content-type") == "application/problem+json")
            let names = try answer.json()["invalid-params"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
            #expect(Set(names) == ["colour", "limit", "hasCoordinates", "year", "format"])
            #expect(await simulator.state.requests().isEmpty)
        }
    }

    @Test func aHostileFormBodyGetsAShortAnswer() async throws {
        try await withRouterStack { simulator, gateway in
            // 900 distinct unknown parameters (under the bound on parameters; 64,000 are refused before they are
            // read, see BoundedWorkTests): the problem names the first 20 and counts the rest instead of
            // repeating each (for 64,000 it once came to 34 MB)
            let body = (0..<900).map { "k\($0)=v" }.joined(separator: "&")
            let answer = try await gateway.request(
                "/v1/records",
                method: .POST,
                headers: [("Content-Type", "application/x-www-form-urlencoded")],
                body: body
            )
            #expect(answer.status == 400)
            let problem = try answer.json()
            #expect(problem["invalid-params"]?.arrayValue?.count == 20)
            #expect(problem["detail"]?.stringValue?.hasSuffix("And 880 more parameters like these.") == true)
            #expect(answer.body.count < 32_000)
            #expect(await simulator.state.requests().isEmpty)
        }
    }

    @Test(arguments: [
        [("limit", "0")], [("source", "gbif")], [("fields", "colour")], [("yearFrom", "1990"), ("yearTo", "1980")], [("genus", "")],
        [("genus", "Bufo"), ("genus", "Puma")],
    ])
    func otherRefusals(_ query: [(String, String)]) async throws {
        try await withRouterStack { _, gateway in
            let answer = try await gateway.get("/v1/records", query: query)
            #expect(answer.status == 400)
            #expect(try answer.json()["invalid-params"]?.arrayValue?.isEmpty == false)
        }
    }

    @Test func aLimitAboveOneThousandIsClampedAndSaidSo() async throws {
        try await withRouterStack { _, gateway in
            let answer = try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("limit", "5000")])
            let page = try answer.json()
            #expect(page["records"]?.arrayValue?.count == 1000)
            #expect(page["warnings"]?.arrayValue?.first?.stringValue?.contains("clamped to 1000") == true)
        }
    }

    @Test func vertnetsLowerBoundStaysALowerBound() async throws {
        try await withRouterStack { _, gateway in
            let page = try await gateway.get("/v1/records", query: [("source", "vertnet"), ("class", "Aves"), ("limit", "5")]).json()
            #expect(page["sources"]?["vertnet"]?["total"] == ["value": 10_000, "relation": "gte"])
            #expect(page["total"] == ["value": 10_000, "relation": "gte"])
        }
    }

    @Test func postTakesTheSameParametersAsJSON() async throws {
        try await withRouterStack { _, gateway in
            let viaGet = try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("limit", "4"), ("fields", "id,year")])
            let viaPost = try await gateway.request(
                "/v1/records",
                method: .POST,
                headers: [("Content-Type", "application/json")],
                body: #"{"genus": "Bufo", "limit": 4, "fields": ["id", "year"], "hasCoordinates": null}"#
            )
            #expect(viaPost.status == 200)
            #expect(try viaPost.json()["records"] == viaGet.json()["records"])
            let records = try viaPost.json()["records"]?.arrayValue ?? []
            #expect(records.allSatisfy { $0.objectValue?.count == 2 })
            let badBody = try await gateway.request("/v1/records", method: .POST, headers: [("Content-Type", "application/json")], body: "[1]")
            #expect(badBody.status == 400)
            let badType = try await gateway.request("/v1/records", method: .POST, body: #"{"limit": true, "hasCoordinates": "x"}"#)
            #expect(badType.status == 400)
        }
    }

    @Test func formatsByParameterAndByAccept() async throws {
        try await withRouterStack { _, gateway in
            let ndjson = try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("limit", "6"), ("format", "ndjson")])
            #expect(ndjson.header("content-type")?.hasPrefix("application/x-ndjson") == true)
            let lines = ndjson.text.split(separator: "\n")
            #expect(lines.count == 6)
            #expect(try lines.allSatisfy { try JSONParser.parse(String($0))["id"]?.stringValue != nil })
            #expect(ndjson.header("BioGateway-Next-Cursor") != nil)
            #expect(ndjson.header("BioGateway-Total") == "5000; relation=eq")

            let csv = try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("limit", "6")], headers: [("Accept", "text/csv")])
            #expect(csv.header("content-type")?.hasPrefix("text/csv") == true)
            #expect(csv.text.hasPrefix("source,id,sourceUrl,occurrenceID,basisOfRecord,"))
            #expect(csv.text.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 7)

            let geojson = try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("limit", "6"), ("format", "geojson")])
            #expect(geojson.header("content-type")?.hasPrefix("application/geo+json") == true)
            let collection = try geojson.json()
            #expect(collection["type"] == "FeatureCollection")
            for feature in collection["features"]?.arrayValue ?? [] {
                let properties = try #require(feature["properties"])
                if case .object(let geometry) = feature["geometry"] {
                    #expect(geometry["coordinates"] == [properties["decimalLongitude"]!, properties["decimalLatitude"]!])
                } else {
                    #expect(properties["decimalLatitude"] == .null || properties["decimalLongitude"] == .null)
                }
            }
            #expect(collection["next"]?.stringValue != nil)
        }
    }
}
