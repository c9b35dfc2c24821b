import BioGatewayAPI
import BioGatewayCache
import BioGatewayQuery
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("/v1/records: made pages are kept and sent again as they are")
struct RecordsPageCacheTests {
    static let query = [("genus", "Bufo"), ("limit", "10")]

    @Test func aRepeatedPageIsSentWithTheBytesItWasMadeWith() async throws {
        try await withRouterStack { simulator, gateway async throws in
            let first = try await gateway.get("/v1/records", query: Self.query)
            #expect(first.status == 200)
            #expect(first.header("cache-status") == "BioGateway-Pages; fwd=uri-miss; stored")
            #expect(try first.json()["sources"]?["nhm"]?["cache"] == "miss")
            let upstreamCalls = await simulator.state.requests().count

            let second = try await gateway.get("/v1/records", query: Self.query)
            #expect(second.status == 200)
            #expect(second.header("cache-status")?.hasPrefix("BioGateway-Pages; hit; ttl=") == true)
            // the same bytes, except that each source's part is now, truly, a cache hit
            #expect(second.text == first.text.replacingOccurrences(of: #""cache":"miss""#, with: #""cache":"hit""#))
            #expect(try second.json()["sources"]?["vertnet"]?["cache"] == "hit")
            #expect(second.header("BioGateway-Total") == first.header("BioGateway-Total"))
            #expect(second.header("Link") == first.header("Link"))

            let third = try await gateway.get("/v1/records", query: Self.query)
            #expect(third.body == second.body)
            #expect(await simulator.state.requests().count == upstreamCalls)
            let metrics = try await gateway.get("/metrics", query: []).text
            #expect(metrics.contains("biogateway_record_pages_hits_total 2"))
            #expect(metrics.contains("biogateway_record_pages_entries 1"))
        }
    }

    @Test func envelopeLessFormatsAreKeptAsTheyWereAndLinkFollowsEachRequest() async throws {
        try await withRouterStack { _, gateway async throws in
            let query = [("format", "csv"), ("genus", "Bufo"), ("limit", "5")]
            let first = try await gateway.get("/v1/records", query: query)
            let second = try await gateway.get("/v1/records", query: query)
            #expect(second.header("cache-status")?.hasPrefix("BioGateway-Pages; hit") == true)
            #expect(second.body == first.body)
            #expect(second.header("BioGateway-Next-Cursor") == first.header("BioGateway-Next-Cursor"))
            let cursor = try #require(first.header("BioGateway-Next-Cursor"))

            // the same question asked with the parameters in another order is the same page; its Link keeps
            // this request's own order
            let reordered = try await gateway.get("/v1/records", query: [("limit", "5"), ("genus", "Bufo"), ("format", "csv")])
            #expect(reordered.header("cache-status")?.hasPrefix("BioGateway-Pages; hit") == true)
            #expect(reordered.body == first.body)
            #expect(reordered.header("Link") == "</v1/records?limit=5&genus=Bufo&format=csv&cursor=\(cursor)>; rel=\"next\"")
            // POST answers with the same page and no Link
            let posted = try await gateway.request(
                "/v1/records",
                method: .POST,
                headers: [("Content-Type", "application/json")],
                body: #"{"genus": "Bufo", "limit": 5, "format": "csv"}"#
            )
            #expect(posted.header("cache-status")?.hasPrefix("BioGateway-Pages; hit") == true)
            #expect(posted.body == first.body)
            #expect(posted.header("Link") == nil)
        }
    }

    @Test func clientsThatTakeGzipGetTheSamePageCompressed() async throws {
        try await withRouterStack { _, gateway async throws in
            let gzip = [("Accept-Encoding", "gzip, deflate")]
            let query = [("genus", "Bufo"), ("limit", "200")]
            let made = try await gateway.get("/v1/records", query: query, headers: gzip)
            let keptIdentity = try await gateway.get("/v1/records", query: query)
            let keptGzip = try await gateway.get("/v1/records", query: query, headers: gzip)
            #expect(made.header("content-encoding") == "gzip")
            #expect(keptGzip.header("content-encoding") == "gzip")
            #expect(keptIdentity.header("content-encoding") == nil)
            #expect(keptIdentity.header("vary") == "Accept, Accept-Encoding")
            #expect(keptGzip.header("cache-status")?.hasPrefix("BioGateway-Pages; hit") == true)
            let decodedKept = try GzipCodec.decompress(Data(keptGzip.body), expectedLength: keptIdentity.body.count)
            #expect(decodedKept == Data(keptIdentity.body))
            #expect(keptGzip.body.count * 5 < keptIdentity.body.count)
            // the page as first made differs only in saying each source's part was a miss ("miss" is one byte
            // longer than "hit", for each of the two sources)
            let madeBody = try GzipCodec.decompress(Data(made.body), expectedLength: keptIdentity.body.count + 2)
            let madeText = String(decoding: madeBody, as: UTF8.self)
            #expect(madeText.replacingOccurrences(of: #""cache":"miss""#, with: #""cache":"hit""#) == keptIdentity.text)

            // a small page (an empty one here) is not worth compressing
            let empty = try await gateway.get("/v1/records", query: [("genus", "Nonexistentia")], headers: gzip)
            #expect(empty.status == 200)
            #expect(empty.header("content-encoding") == nil)
        }
    }

    @Test func aKeptPageLastsOnlyAsLongAsTheUpstreamAnswersItWasMadeFrom() async throws {
        let clock = ManualClock()
        let configure: @Sendable (inout GatewayConfiguration) -> Void = {
            $0.cache.ttl = 60
            $0.cache.staleWhileRevalidate = 30
        }
        try await withRouterStack(configure: configure, clock: clock.gatewayClock) { simulator, gateway async throws in
            _ = try await gateway.get("/v1/records", query: Self.query)
            clock.advance(by: 59)
            #expect(try await gateway.get("/v1/records", query: Self.query).header("cache-status") == "BioGateway-Pages; hit; ttl=1")

            // the upstream answers are past their freshness: the page is made again from the stale answers
            // (served while they are refreshed) and not kept
            clock.advance(by: 2)
            let stale = try await gateway.get("/v1/records", query: Self.query)
            #expect(stale.header("cache-status") == "BioGateway-Pages; fwd=uri-miss")
            #expect(try stale.json()["sources"]?["nhm"]?["cache"] == "stale")
            #expect(try await eventually { await simulator.state.requests().count == 4 })

            // once refreshed, the page is made from fresh answers and kept again
            #expect(
                try await eventually {
                    try! await gateway.get("/v1/records", query: Self.query).header("cache-status")
                        == "BioGateway-Pages; fwd=uri-miss; stored"
                }
            )
            #expect(try await gateway.get("/v1/records", query: Self.query).header("cache-status") == "BioGateway-Pages; hit; ttl=60")
        }
    }

    @Test func aPageWithAFailedSourceIsNotKept() async throws {
        try await withRouterStack(configure: RecordsFederationTests.noRetries) { simulator, gateway async throws in
            await simulator.state.inject(SimulatorFault(source: "vertnet", kind: .status, status: 500, count: 1))
            let failed = try await gateway.get("/v1/records", query: Self.query)
            #expect(try failed.json()["sources"]?["vertnet"]?["status"] == "error")
            #expect(failed.header("cache-status") == "BioGateway-Pages; fwd=uri-miss")

            let retried = try await gateway.get("/v1/records", query: Self.query)
            #expect(try retried.json()["sources"]?["vertnet"]?["status"] == "ok")
            #expect(retried.header("cache-status") == "BioGateway-Pages; fwd=uri-miss; stored")
        }
    }

    @Test func noCacheMakesThePageAgainFromRefreshedAnswers() async throws {
        try await withRouterStack { simulator, gateway async throws in
            _ = try await gateway.get("/v1/records", query: Self.query)
            let refreshed = try await gateway.get("/v1/records", query: Self.query, headers: [("Cache-Control", "no-cache")])
            #expect(refreshed.header("cache-status") == "BioGateway-Pages; fwd=request; stored")
            #expect(await simulator.state.requests().count == 4)
            let maxAge = try await gateway.get("/v1/records", query: Self.query, headers: [("Cache-Control", "max-age=3600")])
            #expect(maxAge.header("cache-status") == "BioGateway-Pages; fwd=request; stored")
            #expect(try maxAge.json()["sources"]?["nhm"]?["cache"] == "hit")
            #expect(try await gateway.get("/v1/records", query: Self.query).header("cache-status")?.hasPrefix("BioGateway-Pages; hit") == true)
        }
    }

    @Test func aPurgeForgetsKeptPages() async throws {
        let token = "s3cret-admin-token-0123456789"
        let configure: @Sendable (inout GatewayConfiguration) -> Void = { $0.server.adminToken = token }
        try await withRouterStack(configure: configure) { simulator, gateway async throws in
            _ = try await gateway.get("/v1/records", query: Self.query)
            let purge = try await gateway.request(
                "/admin/cache?source=vertnet",
                method: .DELETE,
                headers: [("Authorization", "Bearer \(token)")]
            )
            #expect(purge.status == 200)
            let after = try await gateway.get("/v1/records", query: Self.query)
            #expect(after.header("cache-status") == "BioGateway-Pages; fwd=uri-miss; stored")
            #expect(try after.json()["sources"]?["vertnet"]?["cache"] == "miss")
            #expect(try after.json()["sources"]?["nhm"]?["cache"] == "hit")
            #expect(await simulator.calls(.vertnet) == 2)
        }
    }

    @Test func onlyIfCachedWithNothingStoredIsA504AndNothingGoesUpstream() async throws {
        try await withRouterStack { simulator, gateway async throws in
            let onlyIfCached = [("Cache-Control", "only-if-cached")]
            let missing = try await gateway.get("/v1/records", query: Self.query, headers: onlyIfCached)
            #expect(missing.status == 504)
            #expect(missing.header("content-type") == "application/problem+json")
            #expect(try missing.json()["type"] == "urn:biogateway:problem:not-cached")
            #expect(await simulator.state.requests().isEmpty)

            _ = try await gateway.get("/v1/records", query: Self.query)
            let kept = try await gateway.get("/v1/records", query: Self.query, headers: onlyIfCached)
            #expect(kept.status == 200)
            #expect(kept.header("cache-status")?.hasPrefix("BioGateway-Pages; hit") == true)
        }
    }

    @Test func aZeroBoundKeepsNoPages() async throws {
        let configure: @Sendable (inout GatewayConfiguration) -> Void = { $0.cache.pageMaxBytes = 0 }
        try await withRouterStack(configure: configure) { simulator, gateway async throws in
            _ = try await gateway.get("/v1/records", query: Self.query)
            let second = try await gateway.get("/v1/records", query: Self.query)
            #expect(second.header("cache-status") == "BioGateway-Pages; fwd=uri-miss")
            // made again from the stored upstream answers
            #expect(try second.json()["sources"]?["nhm"]?["cache"] == "hit")
            #expect(await simulator.state.requests().count == 2)
        }
    }
}
