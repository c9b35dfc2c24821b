import BioGatewayJSON
import BioGatewayQuery
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("Simulator: VertNet search API")
struct VertNetSimulatorTests {
    func search(_ client: GatewayClient, _ queryObject: String, path: String = "/api/search") async throws -> TestResponse {
        try await client.get(path, query: [("q", queryObject)])
    }

    @Test func quirksOfTheRealAPI() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            // more than 10,000 matches: the string ">10000", and a live cursor
            let aves = try await self.search(client, #"{"q":"class:aves","l":3}"#)
            #expect(aves.status == 200)
            #expect(aves.header("content-type") == "application/json")
            let body = try aves.json()
            #expect(body["matching_records"] == ">10000")
            #expect(body["cursor"]?.stringValue?.hasPrefix("False:") == true)
            #expect(body["response_records"] == 3)
            // string-typed values, an integer rank, Python's separators
            let record = try #require(body["recs"]?.arrayValue?.first)
            #expect(record["year"]?.stringValue != nil)
            #expect(record["rank"]?.integerValue != nil)
            #expect(aves.text.contains("\"recs\": ["))
            // the silent cap
            let capped = try await self.search(client, #"{"q":"genus:puma","l":5000}"#)
            #expect(try capped.json()["limit"] == 1000)
            // the default limit
            #expect(try await self.search(client, #"{"q":"genus:puma"}"#).json()["limit"] == 400)
            // Python 2's str > int: a string l becomes 1000
            #expect(try await self.search(client, #"{"q":"genus:puma","l":"10"}"#).json()["limit"] == 1000)
        }
    }

    @Test func lastPageHasNullCursorAndCursorPagingVisitsEveryRecordOnce() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            var cursor: String?
            var seen = Set<String>()
            var pages = 0
            repeat {
                let cursorPart = cursor.map { #","c":"\#($0)""# } ?? ""
                let page = try await self.search(client, #"{"q":"genus:bufo","l":1000\#(cursorPart)}"#).json()
                #expect(page["matching_records"] == 2500)
                for record in page["recs"]?.arrayValue ?? [] {
                    seen.insert(try #require(record["keyname"]?.stringValue))
                }
                #expect(page.objectValue?.keys.contains("cursor") == true)
                cursor = page["cursor"]?.stringValue
                pages += 1
            } while cursor != nil && pages < 10
            #expect(pages == 3)
            #expect(seen.count == 2500)
        }
    }

    @Test func recordedFixturesAreServedForTheirQueries() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            let answer = try await self.search(client, #"{"q":"iptrecordid:\"urn:catalog:CM:Herps:116520\""}"#).json()
            let record = try #require(answer["recs"]?.arrayValue?.first)
            #expect(record["scientificname"] == "BUFO DEBILIS")
            #expect(record["decimallatitude"] == "32.23")
            #expect(answer["limit"] == 400)
            #expect(answer["cursor"] == .null)
            let traits = try await self.search(client, #"{"q":"hasmass:1","l":10}"#).json()
            #expect(traits["matching_records"] == ">10000")
        }
    }

    @Test func queryLanguage() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            func count(_ q: String) async throws -> JSONValue? {
                try await self.search(client, #"{"q":"\#(q)","l":1}"#).json()["matching_records"]
            }
            #expect(try await count("genus:bufo") == 2500)
            #expect(try await count("genus:Bufo specificepithet:debilis") == 1000)
            #expect(try await count("genus:bufo specificepithet:(debilis OR bufo)") == 2500)
            #expect(try await count("genus:bufo NOT specificepithet:debilis") == 1500)
            #expect(try await count("genus:junco year>=1900 year<=1950").flatMap(\.integerValue).map { $0 > 0 && $0 < 3000 } == true)
            #expect(try await count("Junco hyemalis") == 2600)
            #expect(try await count("genus:(unclosed") == 0)  // a syntax error is swallowed into an empty 200
            // a quoted phrase matches its words next to each other, in order; unquoted words anywhere
            #expect(try await count(#"scientificname:\"Bufo bufo\""#) == 1500)
            #expect(try await count("scientificname:bufo") == 2500)
            #expect(try await count(#"scientificname:\"bufo debilis\""#) == 1000)
            #expect(try await count(#"scientificname:\"debilis bufo\""#) == 0)
        }
    }

    @Test func badInputGetsAnHTML500() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            for bad in [nil, "{not json", #"{"l":5}"#, #"{"q":"x","c":"nonsense"}"#, #"{"q":"x","l":2.5}"#] {
                let response = try await client.get("/api/search", query: bad.map { [("q", $0)] } ?? [])
                #expect(response.status == 500)
                #expect(response.header("content-type")?.hasPrefix("text/html") == true)
            }
            // a well-prefixed garbage cursor: the backend error is swallowed into an empty 200
            let garbage = try await self.search(client, #"{"q":"genus:bufo","c":"False:garbage"}"#)
            #expect(garbage.status == 200)
            #expect(try garbage.json()["matching_records"] == 0)
            #expect(try garbage.json()["cursor"] == .null)
        }
    }

    @Test func apiModuleRouteHasItsOwnFields() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            let response = try await self.search(client, #"{"q":"genus:puma","l":2}"#, path: "/api/v1/search")
            #expect(response.header("access-control-allow-origin") == "*")
            let body = try response.json()
            #expect(body["query_version"] == nil)
            #expect(body["api_version"] == "search 2016-05-19T18:27:16+CEST")
        }
    }
}
