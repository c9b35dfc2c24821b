import BioGatewayAPI
import BioGatewayTestSupport
import NIOHTTP1
import Testing

@Suite("Methods: 405 with Allow, OPTIONS, HEAD")
struct MethodTests {
    @Test func otherMethodsOnKnownPathsAre405WithAllow() async throws {
        try await withRouterStack { simulator, gateway in
            let cases: [(String, HTTPMethod, String)] = [
                ("/v1/records", .PUT, "GET, HEAD, POST"), ("/v1/records", .DELETE, "GET, HEAD, POST"),
                ("/api/search", .PATCH, "GET, HEAD, POST"), ("/vertnet/api/search", .PUT, "GET, HEAD, POST"),
                ("/api/3/action/datastore_search", .DELETE, "GET, HEAD, POST"), ("/healthz", .POST, "GET, HEAD"),
                ("/v1/records/export", .POST, "GET, HEAD"), ("/admin/cache", .POST, "GET, HEAD, DELETE"),
            ]
            for (path, method, allow) in cases {
                let answer = try await gateway.request(path, method: method)
                #expect(answer.status == 405, "\(method) \(path)")
                #expect(answer.header("allow") == allow, "\(method) \(path)")
                #expect(answer.header("content-type") == "application/problem+json")
                #expect(try answer.json()["type"] == "urn:biogateway:problem:method-not-allowed")
            }
            let options = try await gateway.request("/v1/records", method: .OPTIONS)
            #expect(options.status == 204)
            #expect(options.header("allow") == "GET, HEAD, POST")
            #expect(try await gateway.request("/no/such/path", method: .PUT).status == 404)
            #expect(await simulator.state.requests().isEmpty)
        }
    }

    @Test func headWorksWhereGetDoes() async throws {
        try await withRouterStack { _, gateway in
            let health = try await gateway.request("/healthz", method: .HEAD)
            #expect(health.status == 200)
            #expect(health.body.isEmpty)
            let search = try await gateway.request("/api/search?q=%7B%22q%22%3A%22genus%3Apuma%22%2C%22l%22%3A2%7D", method: .HEAD)
            #expect(search.status == 200)
            #expect(search.body.isEmpty)
            #expect(search.header("cache-status") != nil)
            #expect(try await gateway.request("/", method: .HEAD).status == 200)
        }
    }
}
