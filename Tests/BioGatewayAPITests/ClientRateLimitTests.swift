import BioGatewayAPI
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import Testing

/// Runs `body` with a keys file with two holders, alice and bob, removed afterwards.
func withKeysFile<Result>(_ body: (String) async throws -> Result) async throws -> Result {
    try await withTemporaryDirectory { folder in
        let path = folder.appendingPathComponent("keys.yaml").path
        try """
        keys:
          - key: alice-key-0123456789abcdef
            name: alice
          - key: bob-key-0123456789abcdef
            name: bob
            rateLimit: 100
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return try await body(path)
    }
}

@Suite("Rate limiting: clients")
struct ClientRateLimitTests {
    let query = [("q", #"{"q":"genus:puma","l":3}"#)]

    @Test func aClientOverItsBudgetGets429AndOthersAreUnaffected() async throws {
        try await withKeysFile { keysFile in
            let configure: (inout GatewayConfiguration) -> Void = {
                $0.clients.rateLimit = 5
                $0.clients.keysFile = keysFile
            }
            // the limiter's clock stands still, so the budget cannot refill (one request every 12 s) however slowly
            // this runs
            try await withRouterStack(configure: configure, clock: stoppedClock) { _, gateway async throws in
                for expectedRemaining in (0..<5).reversed() {
                    let allowed = try await gateway.get(vertnetPath, query: self.query)
                    #expect(allowed.status == 200)
                    #expect(allowed.header("ratelimit-policy") == #""requests";q=5;w=60"#)
                    #expect(allowed.header("ratelimit")?.hasPrefix(#""requests";r=\#(expectedRemaining);t="#) == true)
                }
                let refused = try await gateway.get(vertnetPath, query: self.query)
                // the same budget covers the gateway's informational routes, which carry the headers too
                let sources = try await gateway.request("/v1/sources")
                #expect(sources.status == 429)
                #expect(sources.header("ratelimit")?.hasPrefix(#""requests";r=0;t="#) == true)
                #expect(refused.status == 429)
                #expect(refused.header("content-type") == "application/problem+json")
                #expect(try refused.json()["type"] == "urn:biogateway:problem:rate-limited")
                let retryAfter = try #require(refused.header("retry-after").flatMap { Int($0) })
                #expect(retryAfter == 12)
                #expect(refused.header("ratelimit")?.hasPrefix(#""requests";r=0;t="#) == true)
                #expect(refused.header("ratelimit-policy") == #""requests";q=5;w=60"#)

                // a forged X-Forwarded-For from an untrusted peer changes nothing
                let spoofed = try await gateway.get(vertnetPath, query: self.query, headers: [("X-Forwarded-For", "198.51.100.23")])
                #expect(spoofed.status == 429)

                // other clients have their own budgets
                let bob = try await gateway.get(vertnetPath, query: self.query, headers: [("Authorization", "Bearer bob-key-0123456789abcdef")])
                #expect(bob.status == 200)
                #expect(bob.header("ratelimit-policy") == #""requests";q=100;w=60"#)
                let alice = try await gateway.get(vertnetPath, query: self.query, headers: [("X-API-Key", "alice-key-0123456789abcdef")])
                #expect(alice.status == 200)
                let unknown = try await gateway.get(vertnetPath, query: self.query, headers: [("X-API-Key", "mallory-key-0123456789")])
                #expect(unknown.status == 401)
            }
        }
    }

    @Test func behindATrustedProxyTheForwardedClientIsLimited() async throws {
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.clients.rateLimit = 3
            $0.clients.trustedProxies = "127.0.0.1/32, ::1"
        }
        // over a socket: the proxy is recognised by the connection's peer address
        try await withStack(configure: configure, clock: stoppedClock) { _, gateway async throws in
            let first = [("X-Forwarded-For", "203.0.113.7")]
            for _ in 0..<3 { #expect(try await gateway.get(vertnetPath, query: self.query, headers: first).status == 200) }
            #expect(try await gateway.get(vertnetPath, query: self.query, headers: first).status == 429)
            // the client cannot escape by prepending a forged address: the proxy's own entry is the rightmost
            let forged = [("X-Forwarded-For", "10.1.2.3, 203.0.113.7")]
            #expect(try await gateway.get(vertnetPath, query: self.query, headers: forged).status == 429)
            let other = [("X-Forwarded-For", "203.0.113.8")]
            #expect(try await gateway.get(vertnetPath, query: self.query, headers: other).status == 200)
        }
    }

    @Test func hitsDoNotSpendTheUpstreamBudget() async throws {
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.clients.rateLimit = 100
            $0.clients.upstreamRateLimit = 2
        }
        try await withRouterStack(configure: configure, clock: stoppedClock) { simulator, gateway async throws in
            func query(_ genus: String) -> [(String, String)] { [("q", #"{"q":"genus:\#(genus)","l":2}"#)] }
            #expect(try await gateway.get(vertnetPath, query: query("puma")).status == 200)
            let second = try await gateway.get(vertnetPath, query: query("bufo"))
            #expect(second.status == 200)
            // t: seconds until the budget is full again (the limiter's clock stands still in this test)
            #expect(second.header("ratelimit") == #""upstream";r=0;t=60"#)
            #expect(second.header("ratelimit-policy") == #""upstream";q=2;w=60"#)
            for _ in 0..<10 {
                let hit = try await gateway.get(vertnetPath, query: query("puma"))
                #expect(hit.status == 200)
                #expect(hit.header("cache-status")?.hasPrefix("BioGateway; hit") == true)
            }
            let miss = try await gateway.get(vertnetPath, query: query("junco"))
            #expect(miss.status == 429)
            #expect(miss.header("cache-status") == "BioGateway; detail=rate-limited")
            #expect(try miss.json()["detail"]?.stringValue?.contains("cache misses") == true)
            #expect(miss.header("retry-after") != nil)
            #expect(await simulator.calls(.vertnet) == 2)
        }
    }

    @Test func aRequiredKeyIsRequired() async throws {
        try await withKeysFile { keysFile in
            let configure: (inout GatewayConfiguration) -> Void = {
                $0.clients.keysFile = keysFile
                $0.clients.requireKey = true
            }
            try await withRouterStack(configure: configure) { _, gateway async throws in
                let anonymous = try await gateway.get(vertnetPath, query: self.query)
                #expect(anonymous.status == 401)
                #expect(anonymous.header("content-type") == "application/problem+json")
                #expect(anonymous.header("www-authenticate")?.hasPrefix("Bearer") == true)
                #expect(try await gateway.get(vertnetPath, query: self.query, headers: [("Authorization", "Bearer wrong")]).status == 401)
                #expect(
                    try await gateway.get(vertnetPath, query: self.query, headers: [("Authorization", "Bearer alice-key-0123456789abcdef")]).status
                        == 200
                )
                // the gateway's informational routes need the key too; probes and metrics never do
                #expect(try await gateway.request("/v1/sources").status == 401)
                #expect(try await gateway.request("/openapi.yaml").status == 401)
                #expect(try await gateway.request("/v1/sources", headers: [("X-API-Key", "alice-key-0123456789abcdef")]).status == 200)
                for path in ["/healthz", "/readyz", "/metrics"] { #expect(try await gateway.request(path).status == 200, "\(path)") }
            }
        }
    }
}
