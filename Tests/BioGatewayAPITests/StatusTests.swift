import BioGatewayAPI
import BioGatewayJSON
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("/v1/status: what the web page shows")
struct StatusTests {
    static let token = "status-admin-token-0123456789"

    @Test func itCountsTheCallsTheCacheSavedAndShowsNothingSecret() async throws {
        let configure: @Sendable (inout GatewayConfiguration) -> Void = { $0.server.adminToken = Self.token }
        try await withRouterStack(configure: configure) { simulator, gateway in
            let question = "/vertnet/api/search?q=%7B%22q%22%3A%22genus%3Abufo%22%2C%22l%22%3A5%7D"
            for _ in 0..<3 { #expect(try await gateway.request(question).status == 200) }
            #expect(await simulator.calls(.vertnet) == 1)

            let response = try await gateway.request("/v1/status")
            #expect(response.status == 200)
            #expect(response.header("cache-control") == "no-store")
            let status = try response.json()
            #expect(status["saved"]?["today"] == 2)
            #expect(status["saved"]?["sinceCreated"] == 2)
            #expect(status["saved"]?["forwardedSinceCreated"] == 1)
            #expect(status["saved"]?["daily"]?.arrayValue?.count == 14)
            #expect(status["cache"]?["entries"] == 1)
            #expect(status["cache"]?["hitRatio"]?.doubleValue.map { abs($0 - 0.667) < 0.001 } == true)
            for source in ["nhm", "vertnet"] {
                #expect(status["sources"]?[source]?["state"] == "closed")
                #expect(status["sources"]?[source]?["lastError"] == .null)
            }
            #expect(!String(decoding: response.body, as: UTF8.self).contains(Self.token))
        }
    }

    /// A `/v1/records` page sent again from memory saved the calls of the answers it was made of.
    @Test func aRecordsPageSentAgainCountsTheCallsItSaved() async throws {
        try await withRouterStack { simulator, gateway in
            let query = [("genus", "Bufo"), ("limit", "10")]
            #expect(try await gateway.get("/v1/records", query: query).header("cache-status")?.contains("stored") == true)
            let again = try await gateway.get("/v1/records", query: query)
            #expect(again.header("cache-status")?.contains("hit") == true)
            #expect(await simulator.calls(.nhm) == 1)
            #expect(await simulator.calls(.vertnet) == 1)
            let saved = try await gateway.request("/v1/status").json()["saved"]
            #expect(saved?["today"] == 2)
            #expect(saved?["forwardedSinceCreated"] == 2)
        }
    }

    @Test func anUpstreamFailureIsTheSourcesLastError() async throws {
        try await withRouterStack { simulator, gateway in
            await simulator.state.inject(SimulatorFault(source: "vertnet", kind: .status, status: 500, count: 1))
            let failed = try await gateway.request("/vertnet/api/search?q=%7B%22q%22%3A%22genus%3Arana%22%7D")
            #expect(failed.status >= 500)
            let status = try await gateway.request("/v1/status").json()
            #expect(status["sources"]?["vertnet"]?["lastError"]?["reason"] == "upstream-status-500")
            #expect(status["sources"]?["vertnet"]?["lastError"]?["at"]?.stringValue != nil)
            #expect(status["sources"]?["nhm"]?["lastError"] == .null)
        }
    }
}
