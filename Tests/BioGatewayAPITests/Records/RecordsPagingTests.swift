import BioGatewayQuery
import BioGatewayTestSupport
import Testing

@Suite("/v1/records: cursor paging")
struct RecordsPagingTests {
    /// Follows `next` from the first page until it is null; returns every record id and each page's size.
    static func follow(
        _ gateway: GatewayClient,
        _ query: [(String, String)],
        maximumPages: Int = 100
    ) async throws -> (ids: [String], pageSizes: [Int]) {
        var ids: [String] = []
        var sizes: [Int] = []
        var cursor: String?
        for _ in 0..<maximumPages {
            let answer = try await gateway.get("/v1/records", query: query + (cursor.map { [("cursor", $0)] } ?? []))
            try #require(answer.status == 200, "\(answer.text)")
            let page = try answer.json()
            let records = page["records"]?.arrayValue ?? []
            ids += records.compactMap { $0["id"]?.stringValue }
            sizes.append(records.count)
            guard case .string(let next) = page["next"] else { return (ids, sizes) }
            cursor = next
        }
        Issue.record("next was still set after \(maximumPages) pages")
        return (ids, sizes)
    }

    @Test func twoThousandFiveHundredFromEachSourceVisitEachRecordOnce() async throws {
        try await withRouterStack { _, gateway in
            let (ids, sizes) = try await Self.follow(gateway, [("genus", "Bufo"), ("limit", "1000")])
            #expect(ids.count == 5_000)
            #expect(Set(ids).count == 5_000)
            #expect(ids.filter { $0.hasPrefix("nhm:") }.count == 2_500)
            #expect(ids.filter { $0.hasPrefix("vertnet:") }.count == 2_500)
            #expect(sizes == [1000, 1000, 1000, 1000, 1000])
        }
    }

    @Test func whenOneSourceRunsOutTheOtherFillsThePage() async throws {
        try await withRouterStack { _, gateway in
            let (ids, sizes) = try await Self.follow(gateway, [("genus", "Bufo"), ("limit", "700")])
            #expect(Set(ids).count == 5_000)
            #expect(sizes == [700, 700, 700, 700, 700, 700, 700, 100])
        }
    }

    @Test func pagingPastNHMsWindowUsesAfter() async throws {
        try await withRouterStack { simulator, gateway in
            let (ids, _) = try await Self.follow(gateway, [("source", "nhm"), ("collectionCode", "ZOO"), ("limit", "1000")])
            #expect(ids.count == 15_500)
            #expect(Set(ids).count == 15_500)
            let sent = await simulator.state.requests(source: .nhm).map(\.parameters)
            // inside the window by offset; past it by `after`, with offset 0 and never a window NHM refuses
            #expect(sent.prefix(9).allSatisfy { $0["after"] == nil })
            #expect(sent.dropFirst(9).allSatisfy { $0["after"]?.arrayValue != nil && $0["offset"] == 0 })
            #expect(sent.allSatisfy { ($0["offset"]?.integerValue ?? 0) + ($0["limit"]?.integerValue ?? 0) < 10_000 })
        }
    }

    @Test func aTamperedCursorIsRefused() async throws {
        try await withRouterStack { _, gateway in
            let first = try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("limit", "10")])
            let next = try #require(try first.json()["next"]?.stringValue)
            var bytes = Array(next.utf8)
            bytes[10] = bytes[10] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
            for cursor in [String(decoding: bytes, as: UTF8.self), "not-a-cursor", next + "x", String(next.dropLast(3))] {
                let answer = try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("limit", "10"), ("cursor", cursor)])
                #expect(answer.status == 400)
                #expect(answer.header("content-type") == "application/problem+json")
                #expect(try answer.json()["invalid-params"]?.arrayValue?.first?["name"] == "cursor")
            }
        }
    }

    @Test func aCursorReusedWithAnotherQueryIsRefused() async throws {
        try await withRouterStack { _, gateway in
            let first = try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("limit", "10")])
            let next = try #require(try first.json()["next"]?.stringValue)
            for other in [[("genus", "Puma")], [("genus", "Bufo"), ("source", "nhm")], [("genus", "Bufo"), ("year", "1965")]] {
                let answer = try await gateway.get("/v1/records", query: other + [("cursor", next)])
                #expect(answer.status == 400)
                #expect(try answer.json()["invalid-params"]?.arrayValue?.first?["reason"]?.stringValue?.contains("another query") == true)
            }
            // the page size, fields and format may change from page to page
            let resized = try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("limit", "3"), ("format", "ndjson"), ("cursor", next)])
            #expect(resized.status == 200)
            #expect(resized.text.split(separator: "\n").count == 3)
        }
    }

    @Test func cursorsSurviveARestartOnTheSameCache() async throws {
        try await withTemporaryStore { cachePath in
            try await withSimulator { simulator async throws in
                let next = try await withGateway(upstreamURL: simulator.baseURL, cachePath: cachePath) { gateway in
                    try #require(try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("limit", "10")]).json()["next"]?.stringValue)
                }
                try await withGateway(upstreamURL: simulator.baseURL, cachePath: cachePath) { gateway in
                    let answer = try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("limit", "10"), ("cursor", next)])
                    #expect(answer.status == 200)
                }
            }
        }
    }
}
