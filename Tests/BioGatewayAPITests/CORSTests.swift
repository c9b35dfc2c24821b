import BioGatewayAPI
import BioGatewayTestSupport
import NIOHTTP1
import Testing

@Suite("CORS: browsers on allowed origins")
struct CORSTests {
    let notebook = "https://notebooks.example.org"

    @Test func anAllowedOriginGetsItsHeadersAndItsPreflights() async throws {
        let configure: (inout GatewayConfiguration) -> Void = { $0.server.corsOrigins = "https://notebooks.example.org, http://localhost:8888" }
        try await withRouterStack(configure: configure) { _, gateway in
            let query = "/api/search?q=%7B%22q%22%3A%22genus%3Apuma%22%2C%22l%22%3A2%7D"
            let answer = try await gateway.request(query, headers: [("Origin", self.notebook)])
            #expect(answer.status == 200)
            #expect(answer.header("access-control-allow-origin") == self.notebook)
            let exposed = answer.header("access-control-expose-headers") ?? ""
            for name in ["Cache-Status", "RateLimit", "Retry-After", "X-Request-Id", "BioGateway-Notice"] {
                #expect(exposed.contains(name), "\(name)")
            }
            #expect(answer.headers["vary"].joined(separator: ",").contains("Origin"))

            let preflight = try await gateway.request(
                "/v1/records",
                method: .OPTIONS,
                headers: [
                    ("Origin", "http://localhost:8888"), ("Access-Control-Request-Method", "POST"),
                    ("Access-Control-Request-Headers", "content-type"),
                ]
            )
            #expect(preflight.status == 204)
            #expect(preflight.header("access-control-allow-origin") == "http://localhost:8888")
            #expect(preflight.header("access-control-allow-methods")?.contains("POST") == true)
            #expect(preflight.header("access-control-allow-headers")?.contains("Content-Type") == true)

            // errors carry them too, so a script can read the problem
            let problem = try await gateway.request("/v1/records?colour=green", headers: [("Origin", self.notebook)])
            #expect(problem.status == 400)
            #expect(problem.header("access-control-allow-origin") == self.notebook)

            let stranger = try await gateway.request(query, headers: [("Origin", "https://elsewhere.example.com")])
            #expect(stranger.status == 200)
            #expect(stranger.header("access-control-allow-origin") == nil)
        }
    }

    @Test func noOriginsConfiguredMeansNoCORSHeaders() async throws {
        try await withRouterStack { _, gateway in
            let answer = try await gateway.request("/healthz", headers: [("Origin", self.notebook)])
            #expect(answer.header("access-control-allow-origin") == nil)
        }
    }

    @Test func everyOriginWithAStar() async throws {
        let configure: (inout GatewayConfiguration) -> Void = { $0.server.corsOrigins = "*" }
        try await withRouterStack(configure: configure) { _, gateway in
            let answer = try await gateway.request("/healthz", headers: [("Origin", self.notebook)])
            #expect(answer.header("access-control-allow-origin") == "*")
        }
    }

    @Test func originsAreChecked() {
        #expect(CORSOrigins(parsing: "") == CORSOrigins.none)
        #expect(CORSOrigins(parsing: "*") == .all)
        #expect(CORSOrigins(parsing: "https://a.example.org,http://localhost:8888") != nil)
        #expect(CORSOrigins(parsing: "a.example.org") == nil)
        #expect(CORSOrigins(parsing: "https://a.example.org/path") == nil)
    }
}
