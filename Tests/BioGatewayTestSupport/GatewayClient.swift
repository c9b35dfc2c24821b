import AsyncHTTPClient
import BioGatewayJSON
import BioGatewayQuery
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOHTTP1

/// An HTTP response read whole, for assertions.
public struct TestResponse: Sendable {
    public var status: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]

    /// The body as text.
    public var text: String { String(decoding: self.body, as: UTF8.self) }

    /// The body parsed as JSON (fails the caller's expectation if it is not JSON).
    public func json() throws -> JSONValue { try JSONParser.parse(self.body) }

    /// The first value of a header.
    public func header(_ name: String) -> String? { self.headers.first(name: name) }
}

/// Talks HTTP to a server under test: over a real socket, or handing requests straight to its router
/// (HummingbirdTesting's `.router`) where sockets do not matter.
///
/// Over sockets it uses one shared client whose pool allows 128 connections per host, so that concurrent
/// test requests really arrive at the server concurrently (AsyncHTTPClient's default is 8).
public struct GatewayClient: Sendable {
    static let httpClient: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 128
        configuration.decompression = .disabled
        // a test sees a redirect as it was answered
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    /// `http://127.0.0.1:<port>` (empty for a router client).
    public let baseURL: String
    /// The router to hand requests to, instead of a socket.
    let router: (any TestClientProtocol)?

    public init(baseURL: String) {
        self.baseURL = baseURL
        self.router = nil
    }

    /// A client that hands requests to the application's router, with no socket.
    public init(router: any TestClientProtocol) {
        self.baseURL = ""
        self.router = router
    }

    /// Sends a request to `path` (with its query string) and reads the whole answer.
    public func request(
        _ path: String,
        method: HTTPMethod = .GET,
        headers: [(String, String)] = [],
        body: String? = nil
    ) async throws -> TestResponse {
        if let router {
            var fields = HTTPFields()
            for (name, value) in headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
            let response = try await router.execute(
                uri: path,
                method: HTTPRequest.Method(rawValue: method.rawValue)!,
                headers: fields,
                body: body.map { ByteBuffer(string: $0) }
            )
            var converted = HTTPHeaders()
            for field in response.headers { converted.add(name: field.name.rawName, value: field.value) }
            return TestResponse(status: response.status.code, headers: converted, body: Array(response.body.readableBytesView))
        }
        var request = HTTPClientRequest(url: self.baseURL + path)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await Self.httpClient.execute(request, timeout: .seconds(60))
        let bytes = try await response.body.collect(upTo: 64 * 1024 * 1024)
        return TestResponse(status: Int(response.status.code), headers: response.headers, body: Array(bytes.readableBytesView))
    }

    /// The gateway's `biogateway_cache_collapsed_waiting` gauge: requests waiting for an upstream fetch another
    /// request started (nil when `/metrics` cannot be read).
    public func collapsedWaiting() async -> Int? {
        guard let metrics = try? await self.request("/metrics").text else { return nil }
        let value = Scrape(text: metrics).value("biogateway_cache_collapsed_waiting")
        return value.isFinite ? Int(value) : nil
    }

    /// `GET path?name=value&…` with each value percent-encoded.
    public func get(_ path: String, query: [(String, String)], headers: [(String, String)] = []) async throws -> TestResponse {
        let encoded = query.map { "\(FormParameters.encode($0.0))=\(FormParameters.encode($0.1))" }.joined(separator: "&")
        return try await self.request(path + (encoded.isEmpty ? "" : "?" + encoded), headers: headers)
    }
}
