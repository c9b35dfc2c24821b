import BioGatewayAPI
import BioGatewayJSON
import BioGatewayQuery
import BioGatewayTestSupport
import Foundation
import Testing

@Suite("NHM questions pinned to a data version")
struct VersionPinTests {
    /// The simulator's data: ingests from 2020-01-01 to 2024-01-01 (ms since the epoch).
    static let pastVersion: Int64 = 1_650_000_000_000
    static let futureVersion: Int64 = 4_000_000_000_000
    static func configure(_ configuration: inout GatewayConfiguration) {
        configuration.cache.ttl = 60
        configuration.cache.staleWhileRevalidate = 0
    }

    static func count(version: Int64?) -> String {
        "/api/3/action/vds_basic_count?resource_id=\(specimens)&q=bufo" + (version.map { "&version=\($0)" } ?? "")
    }

    @Test func aQuestionPinnedAtOrBelowTheLatestVersionIsStoredWithoutExpiry() async throws {
        let clock = ManualClock()
        try await withRouterStack(configure: Self.configure, clock: clock.gatewayClock) { simulator, gateway in
            let first = try await gateway.request(Self.count(version: Self.pastVersion))
            #expect(first.status == 200)
            #expect(first.header("cache-status") == "BioGateway; fwd=miss; stored; detail=immutable")
            #expect(first.header("biogateway-data-version") == String(Self.pastVersion))
            #expect(first.header("biogateway-cache-key")?.count == 64)
            // the question, and the latest version it was checked against
            #expect(await simulator.calls(.nhm) == 2)

            // a year later, far past the TTL: the same bytes, from the cache, still immutable
            clock.advance(by: 365 * 86_400)
            let later = try await gateway.request(Self.count(version: Self.pastVersion))
            #expect(later.header("cache-status") == "BioGateway; hit; detail=immutable")
            #expect(later.body == first.body)
            // nothing went upstream: not even the latest version, whose ordinary entry expired long ago
            #expect(await simulator.calls(.nhm) == 2)
        }
    }

    @Test func afterANewIngestUnpinnedAnswersChangeAndPinnedOnesDoNot() async throws {
        let clock = ManualClock()
        try await withRouterStack(configure: Self.configure, clock: clock.gatewayClock) { simulator, gateway in
            let latest: Int64 = 1_704_067_200_000  // the simulator's last generated ingest
            let unpinned = "/api/3/action/vds_basic_count?resource_id=\(specimens)"
            let pinned = unpinned + "&version=\(latest)"
            #expect(try await gateway.request(unpinned).json()["result"] == 26_000)
            let before = try await gateway.request(pinned)
            #expect(try before.json()["result"] == 26_000)
            #expect(before.header("cache-status") == "BioGateway; fwd=miss; stored; detail=immutable")

            // the portal ingests 100 new specimens in a new version
            let ingest = try await GatewayClient(baseURL: simulator.baseURL).request("/_simulator/nhm/ingest?records=100", method: .POST)
            #expect(ingest.status == 201)
            let version = try #require(try ingest.json()["version"]?.integerValue)
            #expect(version > latest)

            clock.advance(by: 61)
            #expect(try await gateway.request(unpinned).json()["result"] == 26_100)
            let after = try await gateway.request(pinned)
            #expect(after.header("cache-status") == "BioGateway; hit; detail=immutable")
            #expect(after.body == before.body)
            // and the portal agrees: the data as it stood at that version has not changed
            let direct = try await GatewayClient(baseURL: simulator.baseURL).request(pinned)
            #expect(try direct.json()["result"] == 26_000)
            let versions = try await gateway.request("/api/3/action/vds_version_resource?resource_id=\(specimens)").json()
            #expect(versions["result"]?.arrayValue?.last == .integer(version))
        }
    }

    @Test func anUnpinnedQuestionExpiresAsUsual() async throws {
        let clock = ManualClock()
        try await withRouterStack(configure: Self.configure, clock: clock.gatewayClock) { simulator, gateway in
            let first = try await gateway.request(Self.count(version: nil))
            #expect(first.header("cache-status") == "BioGateway; fwd=miss; stored")
            // unpinned: the data as it stood when fetched, in the portal's unit (the test clock's now)
            #expect(first.header("biogateway-data-version") == "1800000000000")
            clock.advance(by: 61)
            let later = try await gateway.request(Self.count(version: nil))
            #expect(later.header("cache-status") == "BioGateway; fwd=stale; stored")
            #expect(await simulator.calls(.nhm) == 2)
        }
    }

    @Test func aVersionLaterThanTheLatestIsNotImmutable() async throws {
        let clock = ManualClock()
        try await withRouterStack(configure: Self.configure, clock: clock.gatewayClock) { simulator, gateway in
            let first = try await gateway.request(Self.count(version: Self.futureVersion))
            #expect(first.header("cache-status") == "BioGateway; fwd=miss; stored")
            #expect(first.header("biogateway-notice")?.contains("may still change") == true)
            clock.advance(by: 61)
            let later = try await gateway.request(Self.count(version: Self.futureVersion))
            #expect(later.header("cache-status")?.hasPrefix("BioGateway; fwd=stale") == true)
        }
    }

    @Test func aQuestionOverEveryResourceIsNotImmutable() async throws {
        try await withRouterStack(configure: Self.configure) { simulator, gateway in
            let response = try await gateway.request("/api/3/action/vds_multi_count?version=\(Self.pastVersion)")
            #expect(response.header("cache-status") == "BioGateway; fwd=miss; stored")
            #expect(response.header("biogateway-data-version") == String(Self.pastVersion))
            // no resource named: no latest version to check against
            #expect(await simulator.calls(.nhm) == 1)
        }
    }

    @Test func datastoreSearchPinsToo() async throws {
        try await withRouterStack(configure: Self.configure) { simulator, gateway in
            let path = nhmPath + "?resource_id=\(specimens)&q=bufo&limit=1&version=\(Self.pastVersion)"
            let response = try await gateway.request(path)
            #expect(response.header("cache-status") == "BioGateway; fwd=miss; stored; detail=immutable")
            let again = try await gateway.request(path)
            #expect(again.header("cache-status") == "BioGateway; hit; detail=immutable")
        }
    }
}
