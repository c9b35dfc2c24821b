import BioGatewayAPI
import BioGatewayJSON
import BioGatewayQuery
import BioGatewayTestSupport
import Testing

@Suite("/v1/records: NHM data versions")
struct RecordsVersionTests {
    /// Between the simulator's 2021 and 2022 ingests: two fifths of the specimens.
    static let version = "1620000000000"

    @Test func aVersionedSearchSeesTheDataAsItStoodAndSaysWhichVersion() async throws {
        try await withRouterStack { _, gateway in
            let now = try await gateway.get("/v1/records", query: [("source", "nhm"), ("genus", "Bufo"), ("limit", "5")]).json()
            let then = try await gateway.get(
                "/v1/records",
                query: [("source", "nhm"), ("genus", "Bufo"), ("limit", "5"), ("version", Self.version)]
            )
            #expect(then.status == 200)
            let page = try then.json()
            #expect(page["sources"]?["nhm"]?["version"] == .integer(1_620_000_000_000))
            #expect(now["sources"]?["nhm"]?["version"] == nil)
            let total = page["total"]?["value"]?.integerValue ?? 0
            #expect(total > 0)
            #expect(total < now["total"]?["value"]?.integerValue ?? 0)
        }
    }

    @Test func itsCursorsPageAtTheSameVersionAndBelongToIt() async throws {
        try await withRouterStack { _, gateway in
            let query = [("source", "nhm"), ("genus", "Bufo"), ("version", Self.version)]
            let (ids, _) = try await RecordsPagingTests.follow(gateway, query + [("limit", "400")])
            let first = try await gateway.get("/v1/records", query: query + [("limit", "5")]).json()
            #expect(ids.count == Int(first["total"]?["value"]?.integerValue ?? -1))
            #expect(Set(ids).count == ids.count)
            // a cursor made at one version is another question's at another
            let cursor = try #require(first["next"]?.stringValue)
            let other = try await gateway.get(
                "/v1/records",
                query: [("source", "nhm"), ("genus", "Bufo"), ("version", "1700000000000"), ("cursor", cursor)]
            )
            #expect(other.status == 400)
            #expect(try other.json()["invalid-params"]?.arrayValue?.first?["name"] == "cursor")
        }
    }

    /// A page pinned to a past version is made of immutable answers: a year on, far past every TTL, it is
    /// still answered without asking the portal anything.
    @Test func aPinnedPageIsStoredWithoutExpiry() async throws {
        let clock = ManualClock()
        let configure: @Sendable (inout GatewayConfiguration) -> Void = {
            $0.cache.ttl = 60
            $0.cache.staleWhileRevalidate = 0
        }
        try await withRouterStack(configure: configure, clock: clock.gatewayClock) { simulator, gateway in
            let query = [("source", "nhm"), ("genus", "Bufo"), ("limit", "5"), ("version", Self.version)]
            let first = try await gateway.get("/v1/records", query: query)
            #expect(first.status == 200)
            let asked = await simulator.calls(.nhm)
            clock.advance(by: 365 * 86_400)
            let later = try await gateway.get("/v1/records", query: query)
            #expect(later.header("cache-status")?.contains("hit") == true)
            #expect(try later.json()["records"] == first.json()["records"])
            #expect(await simulator.calls(.nhm) == asked)
            // and an unpinned page expires as usual
            _ = try await gateway.get("/v1/records", query: Array(query.dropLast()))
            let unpinnedAsked = await simulator.calls(.nhm)
            clock.advance(by: 61)
            _ = try await gateway.get("/v1/records", query: Array(query.dropLast()))
            #expect(await simulator.calls(.nhm) > unpinnedAsked)
        }
    }

    @Test func vertNetHasNoVersionsSoItIsSkippedOrRefused() async throws {
        try await withRouterStack { _, gateway in
            let both = try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("version", Self.version), ("limit", "5")])
            #expect(both.status == 200)
            let page = try both.json()
            #expect(page["sources"]?["vertnet"]?["status"] == "skipped")
            #expect(page["sources"]?["vertnet"]?["reason"]?.stringValue?.contains("no data versions") == true)
            let vertnet = try await gateway.get("/v1/records", query: [("source", "vertnet"), ("genus", "Bufo"), ("version", Self.version)])
            #expect(vertnet.status == 400)
        }
    }
}
