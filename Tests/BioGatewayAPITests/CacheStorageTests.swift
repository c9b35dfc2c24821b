import BioGatewayAPI
import BioGatewayCache
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("Cache: compression and the size bound")
struct CacheStorageTests {
    @Test func gzipAndIdentityClientsReceiveTheSameDecodedBytes() async throws {
        try await withRouterStack { simulator, gateway async throws in
            for (path, query) in [
                (vertnetPath, [("q", #"{"q":"genus:bufo","l":200}"#)]),
                (nhmPath, [("resource_id", specimens), ("q", "bufo"), ("limit", "200")]),
            ] {
                // a miss answered to a gzip client, then hits to an identity client and a gzip client
                let gzipMiss = try await gateway.get(path, query: query, headers: [("Accept-Encoding", "gzip, deflate")])
                let identityHit = try await gateway.get(path, query: query)
                let refusedGzip = try await gateway.get(path, query: query, headers: [("Accept-Encoding", "gzip;q=0")])
                let gzipHit = try await gateway.get(path, query: query, headers: [("Accept-Encoding", "gzip")])
                #expect(gzipMiss.header("content-encoding") == "gzip")
                #expect(gzipHit.header("content-encoding") == "gzip")
                #expect(identityHit.header("content-encoding") == nil)
                #expect(refusedGzip.header("content-encoding") == nil)
                #expect(identityHit.header("vary") == "Accept-Encoding")
                let decodedMiss = try GzipCodec.decompress(Data(gzipMiss.body), expectedLength: identityHit.body.count)
                let decodedHit = try GzipCodec.decompress(Data(gzipHit.body), expectedLength: identityHit.body.count)
                #expect(decodedMiss == Data(identityHit.body))
                #expect(decodedHit == Data(identityHit.body))
                #expect(refusedGzip.body == identityHit.body)
                #expect(gzipHit.body.count * 5 < identityHit.body.count)
                _ = try identityHit.json()
            }
            #expect(await simulator.calls(.vertnet) == 1)
            #expect(await simulator.calls(.nhm) == 1)
        }
    }

    @Test func fillingPastTheBoundEvictsTheLeastRecentlyUsed() async throws {
        let token = "admin-token-for-tests-0123456789"
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.cache.maxBytes = 8_000
            $0.server.adminToken = token
        }
        try await withRouterStack(configure: configure) { simulator, gateway in
            // pages of the same search: entries of about the same size
            func page(_ number: Int) -> [(String, String)] {
                [("resource_id", specimens), ("q", "bufo"), ("limit", "5"), ("offset", String(number * 5))]
            }
            func isCached(_ number: Int) async throws -> Bool {
                try await gateway.get(nhmPath, query: page(number), headers: [("Cache-Control", "only-if-cached")]).status == 200
            }
            for number in 1...12 {
                _ = try await gateway.get(nhmPath, query: page(number))
                // page 0 keeps being used, so it is never the least recently used
                _ = try await gateway.get(nhmPath, query: page(0))
            }
            let statistics = try await gateway.get("/admin/cache", query: [], headers: [("Authorization", "Bearer \(token)")]).json()
            let bytes = try #require(statistics["bytes"]?.integerValue)
            let entries = try #require(statistics["entries"]?.integerValue)
            #expect(bytes <= 8_000)
            #expect(entries >= 3 && entries < 13, "\(entries) entries")
            #expect(statistics["evictions"]?.integerValue == 13 - entries)
            // the survivors are page 0 and the most recently stored pages; the oldest pages are gone
            #expect(try await isCached(0))
            #expect(try await isCached(12))
            #expect(try await isCached(11))
            #expect(try await !isCached(1))
            #expect(try await !isCached(2))
        }
    }
}
