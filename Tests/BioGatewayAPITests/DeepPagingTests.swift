import BioGatewayAPI
import BioGatewayJSON
import BioGatewayQuery
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("NHM pages by offset past the 10,000-record window, walked by after")
struct DeepPagingTests {
    static let zoo = FormParameters.encode(#"{"collectionCode":"zoo"}"#)

    static func page(_ gateway: GatewayClient, offset: Int, limit: Int = 1000) async throws -> TestResponse {
        try await gateway.request(nhmPath + "?resource_id=\(specimens)&filters=\(Self.zoo)&offset=\(offset)&limit=\(limit)")
    }

    static func ids(_ response: TestResponse) throws -> [String] {
        try response.json()["result"]?["records"]?.arrayValue?.compactMap { $0["_id"]?.stringValue } ?? []
    }

    @Test func aSequentialOffsetPagerGetsEveryRecordOnceAtOneUpstreamRequestPerPage() async throws {
        try await withRouterStack { simulator, gateway async throws in
            var ids: [String] = []
            for offset in stride(from: 0, to: 9000, by: 1000) {
                ids += try Self.ids(try await Self.page(gateway, offset: offset))
            }
            #expect(await simulator.calls(.nhm) == 9)
            // past the window: each page one upstream request (the walk to the first reads the cached pages)
            var offset = 9000
            while true {
                let page = try await Self.page(gateway, offset: offset)
                if page.status == 409 {
                    #expect(try page.json()["error"]?["message"]?.stringValue?.contains("past the end of the results") == true)
                    break
                }
                #expect(page.status == 200)
                #expect(page.header("biogateway-notice")?.contains("walking its after cursor") == true)
                let records = try Self.ids(page)
                ids += records
                offset += records.count
                #expect(await simulator.calls(.nhm) == 9 + (offset - 9000 + 999) / 1000)
            }
            #expect(ids.count == 15_500)
            #expect(Set(ids).count == 15_500)
        }
    }

    @Test func aWalkedPageIsTheSliceOfTheResultsAtItsOffset() async throws {
        try await withRouterStack { simulator, gateway async throws in
            // the first page past the window, asked cold: walked from the start
            let walked = try Self.ids(try await Self.page(gateway, offset: 9500, limit: 600))
            #expect(walked.count == 600)
            // the same records by after from the upstream itself: pages of 500 from the start
            var after: JSONValue = .null
            var all: [String] = []
            while all.count < 10_100 {
                var body: JSONObject = ["resource_id": .string(specimens), "filters": ["collectionCode": "zoo"], "limit": 500]
                if after != .null { body["after"] = after }
                let page = try await GatewayClient(baseURL: simulator.baseURL).request(
                    "/api/3/action/datastore_search",
                    method: .POST,
                    headers: [("Content-Type", "application/json")],
                    body: JSONWriter(style: .compact).string(.object(body))
                ).json()
                all += page["result"]?["records"]?.arrayValue?.compactMap { $0["_id"]?.stringValue } ?? []
                after = page["result"]?["after"] ?? .null
            }
            #expect(walked == Array(all[9500..<10_100]))
        }
    }

    @Test func vdsBasicQueryPagesPastTheWindowAreWalkedToo() async throws {
        try await withRouterStack { simulator, gateway async throws in
            let path = "/api/3/action/vds_basic_query?resource_id=\(specimens)&filters=\(Self.zoo)"
            let walked = try await gateway.request(path + "&offset=9500&limit=600")
            #expect(walked.status == 200)
            #expect(walked.header("biogateway-notice")?.contains("walking its after cursor") == true)
            let datastore = try await Self.page(gateway, offset: 9500, limit: 600)
            #expect(try Self.ids(walked) == Self.ids(datastore))
            #expect(try walked.json()["help"]?.stringValue?.hasSuffix("vds_basic_query") == true)
        }
    }

    @Test func withTheSettingOffThePortalsRefusalStands() async throws {
        let configure: (inout GatewayConfiguration) -> Void = { $0.upstream.nhmDeepPaging = false }
        try await withRouterStack(configure: configure) { simulator, gateway async throws in
            let page = try await Self.page(gateway, offset: 9500, limit: 600)
            #expect(page.status == 409)
            #expect(try page.json()["error"]?["message"] == "Search window size out of bounds: 10101 (from: 9500, size: 600)")
            #expect(await simulator.calls(.nhm) == 0)
        }
    }

    @Test func aPageTooFarFromAnyKnownStartIsRefusedWithoutAnUpstreamCall() async throws {
        try await withRouterStack { simulator, gateway async throws in
            let page = try await Self.page(gateway, offset: 500_000)
            #expect(page.status == 409)
            #expect(try page.json()["error"]?["message"]?.stringValue?.contains("page through the results in order") == true)
            #expect(await simulator.calls(.nhm) == 0)
        }
    }
}
