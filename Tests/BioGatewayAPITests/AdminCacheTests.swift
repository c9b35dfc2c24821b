import BioGatewayAPI
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import NIOHTTP1
import Testing

@Suite("Admin API: /admin/cache")
struct AdminCacheTests {
    static let token = "s3cret-admin-token-0123456789"
    let authorized = [("Authorization", "Bearer \(Self.token)")]

    func withAdminStack(_ body: @escaping @Sendable (SimulatorHandle, GatewayClient) async throws -> Void) async throws {
        try await withRouterStack(configure: { $0.server.adminToken = Self.token }, body)
    }

    @Test func refusesRequestsWithoutTheToken() async throws {
        try await self.withAdminStack { _, gateway in
            for headers in [
                [], [("Authorization", "Bearer wrong-token")], [("Authorization", "Basic \(Self.token)")], [("Authorization", "Bearer ")],
            ] {
                for method in [HTTPMethodName.GET, .DELETE] {
                    let response = try await gateway.request("/admin/cache", method: method.nio, headers: headers)
                    #expect(response.status == 401)
                    #expect(response.header("content-type") == "application/problem+json")
                    #expect(response.header("www-authenticate")?.hasPrefix("Bearer") == true)
                }
            }
            #expect(try await gateway.request("/admin/cache", headers: [("authorization", "bearer \(Self.token)")]).status == 200)
        }
    }

    @Test func isOffWithoutAConfiguredTokenAndSaysWhichSettingTurnsItOn() async throws {
        try await withRouterStack { _, gateway async throws in
            for method in [HTTPMethodName.GET, .DELETE] {
                let off = try await gateway.request("/admin/cache", method: method.nio, headers: self.authorized)
                #expect(off.status == 404)
                #expect(off.header("content-type") == "application/problem+json")
                let problem = try off.json()
                #expect(problem["type"] == "urn:biogateway:problem:admin-disabled")
                #expect(problem["detail"]?.stringValue?.contains("BIOGATEWAY_ADMIN_TOKEN") == true)
            }
            let index = try await gateway.request("/").json()
            #expect(index["admin"]?.stringValue?.hasPrefix("off: set BIOGATEWAY_ADMIN_TOKEN") == true)
        }
    }

    @Test func theIndexNamesEveryEndpoint() async throws {
        try await self.withAdminStack { _, gateway in
            let index = try await gateway.request("/").json()
            let endpoints = Set(index["endpoints"]?.objectValue?.map { $0.value.stringValue ?? "" } ?? [])
            for path in ["/v1/records", "/v1/records/export", "/v1/sources", "/metrics", "/healthz", "/readyz", "/admin/cache"] {
                #expect(endpoints.contains(path), "\(path)")
            }
            #expect(index["admin"]?.stringValue?.hasPrefix("on") == true)
        }
    }

    @Test func reportsStatistics() async throws {
        try await self.withAdminStack { _, gateway in
            let query = [("q", #"{"q":"genus:puma","l":3}"#)]
            _ = try await gateway.get(vertnetPath, query: query)
            _ = try await gateway.get(vertnetPath, query: query)
            _ = try await gateway.get(vertnetPath, query: query)
            let statistics = try await gateway.request("/admin/cache", headers: self.authorized).json()
            #expect(statistics["entries"] == 1)
            #expect(statistics["hits"] == 2)
            #expect(statistics["misses"] == 1)
            #expect(statistics["hitRatio"]?.doubleValue == 0.667)
            for field in ["bytes", "identityBytes", "coalesced", "staleServed", "evictions", "oldestEntry", "compressionSaving"] {
                #expect(statistics[field] != nil, "missing \(field)")
            }
            let bad = try await gateway.request("/admin/cache?verbose=1", headers: self.authorized)
            #expect(bad.status == 400)
            #expect(try bad.json()["invalid-params"]?.arrayValue?.first?["name"] == "verbose")
        }
    }

    @Test func purgesBySourceAndByKeyExactly() async throws {
        try await self.withAdminStack { simulator, gateway in
            let nhm = [[("resource_id", specimens), ("q", "bufo")], [("resource_id", specimens), ("q", "puma")]]
            let vertnet = [[("q", #"{"q":"genus:bufo"}"#)], [("q", #"{"q":"genus:puma"}"#)]]
            var keys: [String] = []
            for query in nhm { _ = try await gateway.get(nhmPath, query: query) }
            for query in vertnet { keys.append(try await gateway.get(vertnetPath, query: query).header("biogateway-cache-key")!) }

            let bySource = try await gateway.request("/admin/cache?source=nhm", method: .DELETE, headers: self.authorized)
            #expect(try bySource.json() == ["purged": 2])
            for query in nhm { #expect(try await gateway.get(nhmPath, query: query, headers: [("Cache-Control", "only-if-cached")]).status == 504) }
            for query in vertnet {
                #expect(try await gateway.get(vertnetPath, query: query).header("cache-status")?.hasPrefix("BioGateway; hit") == true)
            }

            let byKey = try await gateway.request("/admin/cache?key=\(keys[0])", method: .DELETE, headers: self.authorized)
            #expect(try byKey.json() == ["purged": 1])
            #expect(try await gateway.get(vertnetPath, query: vertnet[0], headers: [("Cache-Control", "only-if-cached")]).status == 504)
            #expect(try await gateway.get(vertnetPath, query: vertnet[1]).header("cache-status")?.hasPrefix("BioGateway; hit") == true)

            let everything = try await gateway.request("/admin/cache", method: .DELETE, headers: self.authorized)
            #expect(try everything.json() == ["purged": 1])
            #expect(await simulator.calls(.vertnet) == 2)
        }
    }

    @Test func rejectsBadPurgeParameters() async throws {
        try await self.withAdminStack { _, gateway in
            for (query, parameter) in [("source=gbif", "source"), ("key=xyz", "key"), ("source=nhm&key=\(String(repeating: "a", count: 64))", "key")]
            {
                let response = try await gateway.request("/admin/cache?\(query)", method: .DELETE, headers: self.authorized)
                #expect(response.status == 400)
                #expect(response.header("content-type") == "application/problem+json")
                #expect(try response.json()["invalid-params"]?.arrayValue?.first?["name"]?.stringValue == parameter)
            }
        }
    }
}

/// The two methods the admin tests use, for AsyncHTTPClient.
enum HTTPMethodName {
    case GET, DELETE
    var nio: NIOHTTP1.HTTPMethod { self == .GET ? .GET : .DELETE }
}
