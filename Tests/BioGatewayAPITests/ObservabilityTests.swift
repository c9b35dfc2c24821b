import BioGatewayAPI
import BioGatewayJSON
import BioGatewayQuery
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import Logging
import Synchronization
import Testing

/// Log lines written through `JSONLogHandler`, kept for assertions.
final class CapturedLog: Sendable {
    private let lines = Mutex<[String]>([])

    var logger: Logger {
        var logger = Logger(label: "biogateway") { label in
            JSONLogHandler(label: label) { line in self.lines.withLock { $0.append(line) } }
        }
        logger.logLevel = .info
        return logger
    }

    /// The lines mentioning `text`, parsed.
    func entries(containing text: String) throws -> [JSONValue] {
        try self.lines.withLock { $0 }.filter { $0.contains(text) }.map { try JSONParser.parse(Array($0.utf8)) }
    }
}

@Suite("Observability: request ids, request logs, health")
struct ObservabilityTests {
    @Test func aRequestIdRoundTripsAndAppearsInTheLogs() async throws {
        let log = CapturedLog()
        try await withStack(logger: log.logger) { _, gateway async throws in
            let query = [("q", #"{"q":"genus:puma","l":2}"#)]
            let response = try await gateway.get(vertnetPath, query: query, headers: [("X-Request-Id", "trace-7f3a-0001")])
            #expect(response.header("x-request-id") == "trace-7f3a-0001")
            let lines = try log.entries(containing: "trace-7f3a-0001")
            let requestLine = try #require(lines.first { $0["message"] == "request" })
            #expect(requestLine["request_id"] == "trace-7f3a-0001")
            #expect(requestLine["method"] == "GET")
            #expect(requestLine["route"] == "/vertnet/api/search")
            #expect(requestLine["status"] == "200")
            #expect(requestLine["cache_status"] == "BioGateway; fwd=miss; stored")
            #expect(requestLine["client"] == "127.0.0.1")
            #expect(requestLine["duration_ms"]?.stringValue.flatMap(Double.init) != nil)

            // without one (or with an unusable one) the gateway makes one up
            for headers in [[], [("X-Request-Id", String(repeating: "x", count: 200))]] {
                let generated = try #require(try await gateway.get(vertnetPath, query: query, headers: headers).header("x-request-id"))
                #expect(UUID(uuidString: generated) != nil)
                #expect(try log.entries(containing: generated).count == 1)
            }
        }
    }

    @Test func apiKeysNeverReachTheLogs() async throws {
        let log = CapturedLog()
        try await withKeysFile { keysFile in
            let configure: (inout GatewayConfiguration) -> Void = { $0.clients.keysFile = keysFile }
            try await withStack(configure: configure, logger: log.logger) { _, gateway async throws in
                let response = try await gateway.get(
                    vertnetPath,
                    query: [("q", #"{"q":"genus:puma","l":2}"#)],
                    headers: [("Authorization", "Bearer alice-key-0123456789abcdef"), ("X-Request-Id", "keyed-request")]
                )
                #expect(response.status == 200)
                #expect(try log.entries(containing: "keyed-request").first?["client"] == "alice")
                #expect(try log.entries(containing: "alice-key").isEmpty)
            }
        }
    }

    @Test func healthAndReadiness() async throws {
        let configure: (inout GatewayConfiguration) -> Void = {
            $0.upstream.breakerThreshold = 1
            $0.upstream.retries = 0
        }
        try await withRouterStack(configure: configure) { simulator, gateway in
            let health = try await gateway.request("/healthz")
            #expect(health.status == 200)
            #expect(try health.json()["status"] == "ok")
            let ready = try await gateway.request("/readyz")
            #expect(ready.status == 200)
            #expect(try ready.json() == ["status": "ready", "cache": "writable", "upstreams": ["nhm": "closed", "vertnet": "closed"]])
            // an open breaker is reported but does not make the gateway unready: the cache still answers
            await simulator.state.inject(SimulatorFault(source: "vertnet", kind: .status, status: 500, count: 1))
            _ = try await gateway.get(vertnetPath, query: [("q", #"{"q":"genus:puma"}"#)])
            let degraded = try await gateway.request("/readyz")
            #expect(degraded.status == 200)
            #expect(try degraded.json()["upstreams"]?["vertnet"] == "open")
        }
    }
}
