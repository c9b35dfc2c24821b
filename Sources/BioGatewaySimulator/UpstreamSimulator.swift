import BioGatewayJSON
import BioGatewayPacing
import BioGatewayQuery
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import NIOPosix

/// Settings of `biogateway simulate`.
public struct SimulatorConfiguration: Sendable {
    /// Address to listen on.
    public var host: String = "127.0.0.1"
    /// Port to listen on (0 picks a free one).
    public var port: Int = 8081
    /// Latency added to every upstream answer (the real APIs take seconds).
    public var latency: Duration = .zero
    /// Folder with `vertnet/` and `nhm/` recorded answers; defaults to the copies bundled with the binary.
    public var fixturesDirectory: URL? = UpstreamSimulator.bundledFixturesDirectory
    /// The clock latency, holds and trickled bodies wait on: the system's, or a test's.
    public var clock: GatewayClock = .system

    public init(host: String = "127.0.0.1", port: Int = 8081, latency: Duration = .zero) {
        self.host = host
        self.port = port
        self.latency = latency
    }
}

/// The upstream simulator: both upstream APIs on one port, at the real paths, plus a control API
/// (`/_simulator/faults`, `/_simulator/requests`) for fault injection and for checking what arrived.
public struct UpstreamSimulator: Sendable {
    /// Faults and the request log; tests in the same process may use it directly.
    public let state: SimulatorState
    let configuration: SimulatorConfiguration
    let nhm: NHMSimulator
    let vertnet: VertNetSimulator

    /// The recorded answers bundled with the binary.
    public static var bundledFixturesDirectory: URL? {
        Bundle.module.url(forResource: "Fixtures", withExtension: nil)
    }

    /// The two search engines over the shared data set, indexed side by side (each on its own core).
    private static let sharedEngines: (nhm: NHMSearchEngine, vertnet: VertNetSearchEngine) = {
        let dataset = SimulatorDataset.shared
        return bothAtOnce(
            { NHMSearchEngine(records: dataset.nhmRecords, resourceID: SimulatorDataset.nhmSpecimenResourceID) },
            { VertNetSearchEngine(records: dataset.vertnetRecords) }
        )
    }()
    private static var sharedNHMEngine: NHMSearchEngine { Self.sharedEngines.nhm }
    private static var sharedVertNetEngine: VertNetSearchEngine { Self.sharedEngines.vertnet }

    public init(configuration: SimulatorConfiguration = .init(), state: SimulatorState = SimulatorState()) {
        self.configuration = configuration
        self.state = state
        self.nhm = NHMSimulator(fixturesDirectory: configuration.fixturesDirectory)
        self.vertnet = VertNetSimulator(
            engine: Self.sharedVertNetEngine,
            fixtures: VertNetFixtures(directory: configuration.fixturesDirectory?.appendingPathComponent("vertnet"))
        )
    }

    /// The simulator as a Hummingbird application (a `Service`).
    public func makeApplication(
        logger: Logger = Logger(label: "biogateway.simulator"),
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: self.makeRouter(),
            configuration: .init(
                address: .hostname(self.configuration.host, port: self.configuration.port),
                serverName: "BioGateway-Simulator"
            ),
            onServerRunning: onServerRunning,
            logger: logger
        )
    }

    func makeRouter() -> Router<SimulatorRequestContext> {
        let router = Router(context: SimulatorRequestContext.self)
        for path in ["/api/3/action/datastore_search", "/api/action/datastore_search"] {
            let oldRoute = path == "/api/action/datastore_search"
            router.get(RouterPath(path)) { request, context in try await self.serveNHM(request, context, oldRoute: oldRoute) }
            router.post(RouterPath(path)) { request, context in try await self.serveNHM(request, context, oldRoute: oldRoute) }
        }
        for prefix in ["/api/3/action/", "/api/action/"] {
            let action: @Sendable (Request, SimulatorRequestContext) async throws -> Response = { request, context in
                try await self.serveNHM(request, context, action: context.parameters.get("action") ?? "")
            }
            router.get(RouterPath(prefix + ":action"), use: action)
            router.post(RouterPath(prefix + ":action"), use: action)
        }
        for path in ["/api/search", "/api/v1/search"] {
            let apiModule = path == "/api/v1/search"
            router.get(RouterPath(path)) { request, context in try await self.serveVertNet(request, context, apiModule: apiModule) }
            router.post(RouterPath(path)) { request, context in try await self.serveVertNet(request, context, apiModule: apiModule) }
        }
        SimulatorControlRoutes(state: self.state, nhmData: Self.sharedNHMEngine).register(on: router)
        return router
    }

    // MARK: Upstream routes

    /// An NHM request: `datastore_search` (`action` nil; logged as its parameters) or another action (logged
    /// as `{"action", "parameters"}`).
    private func serveNHM(
        _ request: Request,
        _ context: SimulatorRequestContext,
        action: String? = nil,
        oldRoute: Bool = false
    ) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 4 * 1024 * 1024)
        let parameters = NHMSimulator.parameters(
            query: request.uri.query,
            body: Array(body.readableBytesView),
            contentType: request.headers[.contentType]
        )
        let logged: JSONValue
        switch parameters {
        case .object(let object): logged = action.map { ["action": .string($0), "parameters": .object(object)] } ?? .object(object)
        case .badJSON: logged = .string(String(buffer: body))
        }
        let isGet = request.method == .get
        let engine = await self.state.nhmData ?? Self.sharedNHMEngine
        return try await self.serve(.nhm, request, context, parameters: logged) {
            switch parameters {
            case .object(let object):
                guard let action else { return self.nhm.answer(object, oldRoute: oldRoute, engine: engine) }
                return NHMActionSimulator(engine: engine).answer(action, object, isGet: isGet)
            case .badJSON(let message): return NHMSimulator.badRequest(message)
            }
        }
    }

    private func serveVertNet(_ request: Request, _ context: SimulatorRequestContext, apiModule: Bool) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: 4 * 1024 * 1024)
        var queryParameter = FormParameters(encoded: request.uri.query ?? "")["q"]
        if queryParameter == nil, body.readableBytes > 0 {
            queryParameter = FormParameters(encoded: String(buffer: body))["q"]
        }
        let logged: JSONValue = queryParameter.map { (try? JSONParser.parse($0)) ?? .string($0) } ?? .null
        let queryObject = queryParameter
        let origin = request.headers[HTTPField.Name("X-AppEngine-CityLatLong")!]
        return try await self.serve(.vertnet, request, context, parameters: logged) {
            self.vertnet.answer(queryParameter: queryObject, apiModule: apiModule, origin: origin, now: Date())
        } empty: {
            self.vertnet.emptyAnswer(queryParameter: queryObject, apiModule: apiModule, now: Date())
        }
    }

    /// Logs the request, applies latency and any pending fault, and sends the answer.
    private func serve(
        _ source: UpstreamSource,
        _ request: Request,
        _ context: SimulatorRequestContext,
        parameters: JSONValue,
        answer: @Sendable () -> SimulatedAnswer,
        empty: (@Sendable () -> SimulatedAnswer)? = nil
    ) async throws -> Response {
        let record = SimulatorRequestRecord(
            source: source.rawValue,
            method: request.method.rawValue,
            path: request.uri.path,
            parameters: parameters,
            userAgent: request.headers[.userAgent],
            receivedAt: Date()
        )
        let index = await self.state.begin(record)
        // the request counts as answered before its answer is handed to the server, so a client can never
        // see the answer before the log says it was finished (in-flight counts and times stay exact)
        do {
            let response = try await self.respond(source, context, parameters: parameters, answer: answer, empty: empty)
            await self.state.finish(index)
            return response
        } catch {
            await self.state.finish(index)
            throw error
        }
    }

    /// Waits `duration` on the configured clock.
    private func sleep(for duration: Duration) async throws {
        try await self.configuration.clock.sleep(for: duration)
    }

    /// Applies latency and any pending fault, and makes the answer.
    private func respond(
        _ source: UpstreamSource,
        _ context: SimulatorRequestContext,
        parameters: JSONValue,
        answer: @Sendable () -> SimulatedAnswer,
        empty: (@Sendable () -> SimulatedAnswer)?
    ) async throws -> Response {
        let fault = await self.state.takeFault(for: source)
        if fault?.kind == .hold {
            if self.configuration.latency > .zero { try await self.sleep(for: self.configuration.latency) }
            await self.state.hold(atMost: fault?.latencyMs.map { .milliseconds($0) }, clock: self.configuration.clock)
        } else {
            let delay = self.configuration.latency + .milliseconds(fault?.latencyMs ?? 0)
            if delay > .zero { try await self.sleep(for: delay) }
        }

        guard let fault else { return Self.response(answer()) }
        switch fault.kind {
        case .latency, .hold:
            return Self.response(answer())
        case .status:
            let status = fault.status.flatMap { (100...599).contains($0) ? $0 : nil } ?? 500
            var failure: SimulatedAnswer =
                switch source {
                case .nhm:
                    NHMSimulator.errorEnvelope(
                        status: status,
                        type: status >= 500 ? "Internal Server Error" : "Error",
                        message: status == 429 ? "Too Many Requests" : "Internal Server Error"
                    )
                case .vertnet:
                    SimulatedAnswer(
                        status: status,
                        headers: VertNetSimulator.serverError.headers,
                        body: VertNetSimulator.serverError.body
                    )
                }
            if let retryAfter = fault.retryAfter { failure.headers.append(("Retry-After", String(retryAfter))) }
            return Self.response(failure)
        case .trickle:
            let full = answer()
            var response = Self.response(full)
            let body = full.body
            response.body = ResponseBody(contentLength: body.count) { writer in
                for byte in body {
                    try await writer.write(ByteBuffer(bytes: [byte]))
                    try await self.sleep(for: .seconds(1))
                }
                try await writer.finish(nil)
            }
            return response
        case .endless:
            var response = Self.response(answer())
            response.body = ResponseBody { writer in
                try await writer.write(ByteBuffer(string: "{\"recs\": ["))
                let spaces = ByteBuffer(repeating: UInt8(ascii: " "), count: 64 * 1024)
                while true {
                    try await writer.write(spaces)
                    try await self.sleep(for: .milliseconds(10))
                }
            }
            return response
        case .huge:
            let full = answer()
            let size = max(full.body.count, fault.sizeBytes ?? 64 << 20)
            // whitespace after the opening brace keeps the envelope valid JSON of the requested size
            var body = [UInt8(ascii: "{")] + [UInt8](repeating: UInt8(ascii: " "), count: size - full.body.count)
            body += full.body.dropFirst()
            return Self.response(.json(200, body, contentType: "application/json"))
        case .html:
            let body =
                switch source {
                case .nhm:
                    #"{"help": "", "success": true, "result": {"total": 1, "records": [{"_id": 1, "scientificName": "<script>alert(document.cookie)</script>"}], "fields": [], "after": null}}"#
                case .vertnet:
                    #"{"recs": [{"keyname": "x", "scientificname": "<script>alert(document.cookie)</script>"}], "matching_records": 1, "cursor": null, "limit": 1, "response_records": 1}"#
                }
            return Self.response(.json(200, Array(body.utf8), contentType: "text/html"))
        case .redirect:
            return Response(status: .found, headers: [.location: "http://attacker.invalid/api/search"])
        case .junk:
            let body =
                switch source {
                case .nhm:
                    #"{"help": "https://data.nhm.ac.uk/api/3/action/help_show?name=datastore_search", "success": true, "#
                        + #""result": {"total": 3, "records": [1, "two", null], "fields": [], "facets": {}, "after": null}}"#
                case .vertnet:
                    #"{"recs": [1, "two", null], "matching_records": 3, "cursor": null, "limit": 3, "response_records": 3}"#
                }
            return Self.response(.json(200, Array(body.utf8), contentType: "application/json"))
        case .garbage:
            return Self.response(
                .json(200, Array("<!DOCTYPE html><html><body>Upstream proxy error \u{1}\u{2}{\"recs\": [".utf8), contentType: "application/json")
            )
        case .empty:
            if let empty { return Self.response(empty()) }
            var parametersObject = parameters.objectValue ?? JSONObject()
            parametersObject["q"] = "zzzz-no-such-term-zzzz"
            return Self.response(self.nhm.answer(parametersObject, oldRoute: false, engine: Self.sharedNHMEngine))
        case .truncated:
            let full = answer()
            let half = ByteBuffer(bytes: full.body.prefix(max(1, full.body.count / 2)))
            var response = Self.response(full)
            response.body = ResponseBody(contentLength: full.body.count) { writer in
                try await writer.write(half)
                throw SimulatedConnectionFault()
            }
            return response
        case .reset:
            if let provider = context.channel as? any SocketOptionProvider {
                try? await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
            }
            try? await context.channel.close()
            throw SimulatedConnectionFault()
        }
    }

    static func response(_ answer: SimulatedAnswer) -> Response {
        var headers = HTTPFields()
        for (name, value) in answer.headers {
            if let fieldName = HTTPField.Name(name) { headers.append(HTTPField(name: fieldName, value: value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: answer.status),
            headers: headers,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer.body))
        )
    }
}

/// Thrown to make the server drop a connection mid-answer.
struct SimulatedConnectionFault: Error {}
