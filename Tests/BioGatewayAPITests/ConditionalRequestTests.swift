import BioGatewayAPI
import BioGatewayQuery
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("Conditional requests: ETag, Last-Modified, 304")
struct ConditionalRequestTests {
    let query = [("q", #"{"q":"genus:puma","l":3}"#)]

    @Test func aStoredAnswerCarriesValidatorsAndA304ForWhatTheClientHas() async throws {
        let clock = ManualClock()
        try await withRouterStack(clock: clock.gatewayClock) { simulator, gateway in
            let first = try await gateway.get(vertnetPath, query: self.query)
            #expect(first.status == 200)
            let etag = try #require(first.header("etag"))
            #expect(etag.hasPrefix("\"") && etag.hasSuffix("\"") && !etag.hasPrefix("W/"))
            #expect(first.header("last-modified") == "Fri, 15 Jan 2027 08:00:00 GMT")
            clock.advance(by: 30)
            let hit = try await gateway.get(vertnetPath, query: self.query)
            #expect(hit.header("etag") == etag)
            #expect(hit.header("last-modified") == first.header("last-modified"))

            for condition in [
                ("If-None-Match", etag), ("If-None-Match", "W/\(etag)"), ("If-None-Match", "\"other\", \(etag)"), ("If-None-Match", "*"),
            ] {
                let notModified = try await gateway.get(vertnetPath, query: self.query, headers: [condition])
                #expect(notModified.status == 304, "\(condition)")
                #expect(notModified.body.isEmpty)
                #expect(notModified.header("etag") == etag)
                #expect(notModified.header("cache-status")?.hasPrefix("BioGateway; hit") == true)
            }
            let changed = try await gateway.get(vertnetPath, query: self.query, headers: [("If-None-Match", "\"something-else\"")])
            #expect(changed.status == 200)
            #expect(changed.body == first.body)

            let since = [("If-Modified-Since", "Fri, 15 Jan 2027 08:00:00 GMT")]
            #expect(try await gateway.get(vertnetPath, query: self.query, headers: since).status == 304)
            let before = [("If-Modified-Since", "Fri, 15 Jan 2027 07:59:59 GMT")]
            #expect(try await gateway.get(vertnetPath, query: self.query, headers: before).status == 200)
            // If-None-Match wins over If-Modified-Since
            let both = [("If-None-Match", "\"something-else\""), ("If-Modified-Since", "Fri, 15 Jan 2027 08:00:00 GMT")]
            #expect(try await gateway.get(vertnetPath, query: self.query, headers: both).status == 200)
            #expect(await simulator.calls(.vertnet) == 1)
        }
    }

    @Test func gzipAndIdentityAreDifferentRepresentations() async throws {
        try await withRouterStack { _, gateway in
            let nhmQuery = [("resource_id", specimens), ("q", "bufo"), ("limit", "50")]
            let identity = try await gateway.get(nhmPath, query: nhmQuery)
            let gzip = try await gateway.get(nhmPath, query: nhmQuery, headers: [("Accept-Encoding", "gzip")])
            #expect(gzip.header("content-encoding") == "gzip")
            let identityTag = try #require(identity.header("etag"))
            let gzipTag = try #require(gzip.header("etag"))
            #expect(identityTag != gzipTag)
            #expect(gzipTag == String(identityTag.dropLast()) + "-gzip\"")
            let revalidated = try await gateway.get(nhmPath, query: nhmQuery, headers: [("Accept-Encoding", "gzip"), ("If-None-Match", gzipTag)])
            #expect(revalidated.status == 304)
            #expect(revalidated.header("content-encoding") == nil)
        }
    }

    @Test func postsAndUnstoredAnswersAreNeverNotModified() async throws {
        try await withRouterStack { simulator, gateway in
            let first = try await gateway.get(vertnetPath, query: self.query)
            let etag = try #require(first.header("etag"))
            let post = try await gateway.request(
                vertnetPath,
                method: .POST,
                headers: [("Content-Type", "application/json"), ("If-None-Match", etag)],
                body: #"{"q":"genus:puma","l":3}"#
            )
            #expect(post.status == 200)
            #expect(post.body == first.body)
            // an upstream error envelope is passed on but not stored: no validators
            let refused = try await gateway.get(nhmPath, query: [("resource_id", "not-a-datastore-resource")])
            #expect(refused.status == 409)
            #expect(refused.header("etag") == nil)
            #expect(await simulator.calls(.vertnet) == 1)
        }
    }

    @Test func aKeptRecordsPageRevalidates() async throws {
        try await withRouterStack { simulator, gateway in
            let query = [("genus", "Bufo"), ("limit", "20")]
            let made = try await gateway.get("/v1/records", query: query)
            #expect(made.status == 200)
            let kept = try await gateway.get("/v1/records", query: query)
            #expect(kept.header("cache-status")?.contains("hit") == true)
            let etag = try #require(kept.header("etag"))
            #expect(kept.header("last-modified") != nil)
            let again = try await gateway.get("/v1/records", query: query, headers: [("If-None-Match", etag)])
            #expect(again.status == 304)
            #expect(again.body.isEmpty)
            let changed = try await gateway.get("/v1/records", query: query, headers: [("If-None-Match", "\"nope\"")])
            #expect(changed.status == 200 && changed.body == kept.body)
            #expect(await simulator.calls(.vertnet) == 1)
            #expect(await simulator.calls(.nhm) == 1)
        }
    }

    @Test func httpDatesReadAndWriteTheIMFFixdateOnly() {
        let date = Date(timeIntervalSince1970: 1_800_000_000)
        #expect(HTTPDate.format(date) == "Fri, 15 Jan 2027 08:00:00 GMT")
        #expect(HTTPDate.parse("Fri, 15 Jan 2027 08:00:00 GMT") == date)
        #expect(HTTPDate.parse("Friday, 15-Jan-27 08:00:00 GMT") == nil)
        #expect(HTTPDate.parse("Fri, 15 Jan 2027 08:00:00 CET") == nil)
        #expect(HTTPDate.parse("soon") == nil)
    }
}
