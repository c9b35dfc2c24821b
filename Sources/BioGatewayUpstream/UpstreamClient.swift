import AsyncHTTPClient
import BioGatewayQuery
import BioGatewaySettings
import Logging
import NIOCore
import NIOHTTP1
import Synchronization

/// An upstream's answer that the gateway may pass on: its status, content type and exact body.
public struct UpstreamResponse: Sendable {
    /// The upstream's HTTP status.
    public var status: Int
    /// The upstream's `Content-Type`.
    public var contentType: String
    /// The body, byte for byte.
    public var body: ByteBuffer
    /// Whether this is a successful result (cacheable) rather than the upstream's own error envelope.
    public var isResult: Bool
    /// The number of records on this page of a result (zero marks an empty answer).
    public var recordCount: Int?

    public init(status: Int, contentType: String, body: ByteBuffer, isResult: Bool, recordCount: Int? = nil) {
        self.status = status
        self.contentType = contentType
        self.body = body
        self.isResult = isResult
        self.recordCount = recordCount
    }
}

/// Sends canonical requests to the NHM Data Portal and VertNet over AsyncHTTPClient.
///
/// NHM gets a POST with the canonical parameters as its JSON body (what the Data Portal recommends);
/// VertNet gets `GET /api/search?q=<canonical query object>`.
public struct UpstreamClient: Sendable {
    private let httpClient: HTTPClient
    /// Where the upstreams are.
    public let configuration: UpstreamConfiguration

    public init(httpClient: HTTPClient, configuration: UpstreamConfiguration) {
        self.httpClient = httpClient
        self.configuration = configuration
    }

    /// The HTTP request sent upstream for a canonical request.
    public func makeHTTPRequest(for request: CanonicalRequest) -> HTTPClientRequest {
        let base = self.configuration.baseURL(for: request.source)
        var httpRequest: HTTPClientRequest
        switch request.source {
        case .nhm:
            httpRequest = HTTPClientRequest(url: base + "/api/3/action/\(request.endpoint)")
            httpRequest.method = .POST
            httpRequest.headers.add(name: "Content-Type", value: "application/json")
            httpRequest.body = .bytes(ByteBuffer(string: request.parametersJSON))
        case .vertnet:
            httpRequest = HTTPClientRequest(
                url: base + "/api/\(request.endpoint)?q=" + FormParameters.encode(request.parametersJSON)
            )
            httpRequest.method = .GET
        }
        httpRequest.headers.add(name: "Accept", value: "application/json")
        httpRequest.headers.add(name: "User-Agent", value: self.configuration.userAgent)
        return httpRequest
    }

    /// Sends a request and returns the upstream's answer if it is one the gateway may pass on.
    /// - Throws: ``UpstreamError`` for connection failures, timeouts, 429s, 5xx and bodies that are not
    ///   the upstream's JSON envelope.
    /// - Parameter timeout: how long to wait for the whole answer (default: the configured timeout).
    public func send(_ request: CanonicalRequest, timeout: Duration? = nil, logger: Logger? = nil) async throws(UpstreamError) -> UpstreamResponse {
        let source = request.source
        let httpRequest = self.makeHTTPRequest(for: request)
        let wait = timeout ?? self.configuration.timeout
        let deadline = NIODeadline.now() + .nanoseconds(wait.components.seconds * 1_000_000_000 + wait.components.attoseconds / 1_000_000_000)
        logger?.debug("upstream request", metadata: ["upstream": "\(source.rawValue)", "url": "\(Redaction.url(httpRequest.url))"])
        let status: Int
        let headers: HTTPHeaders
        let body: ByteBuffer
        do {
            // AsyncHTTPClient's deadline ends when the head arrives: the body is read under the same deadline
            // by cancelling the exchange when it passes (a timer on an event loop, not a task that sleeps), so an
            // upstream that trickles its body cannot hold a slot past the timeout
            let exchange = Task {
                let response = try await self.httpClient.execute(httpRequest, deadline: deadline, logger: logger)
                let body = try await self.readBody(response.body, from: source)
                return (Int(response.status.code), response.headers, body)
            }
            let expiry = Expiry()
            let timer = self.httpClient.eventLoopGroup.any().scheduleTask(deadline: deadline) {
                expiry.passed.store(true, ordering: .relaxed)
                exchange.cancel()
            }
            defer { timer.cancel() }
            do {
                (status, headers, body) = try await withTaskCancellationHandler {
                    try await exchange.value
                } onCancel: {
                    exchange.cancel()
                }
            } catch  where expiry.passed.load(ordering: .relaxed) {
                throw HTTPClientError.deadlineExceeded
            }
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout || error == .connectTimeout {
            throw .timeout(source, "\(source.displayName) did not answer within \(self.configuration.timeout)")
        } catch let error as NIOTooManyBytesError {
            throw .invalidBody(source, status: 200, "\(source.displayName) sent a body larger than \(error.maxBytes ?? 0) bytes")
        } catch let error as BodyBudgetSpent {
            throw .overloaded(source, retryAfter: 5, error.description)
        } catch {
            throw .unreachable(source, "\(source.displayName) could not be reached or closed the connection early (\(error))")
        }
        let contentType = headers.first(name: "Content-Type") ?? "application/json"
        if status == 429 {
            throw .rateLimited(source, retryAfter: headers.first(name: "Retry-After"))
        }
        let kind = UpstreamEnvelope.classify(body, from: source, endpoint: request.endpoint)
        switch (status, kind) {
        case (200..<300, .result(let records)):
            return UpstreamResponse(status: status, contentType: contentType, body: body, isResult: true, recordCount: records)
        case (400..<500, .error):
            return UpstreamResponse(status: status, contentType: contentType, body: body, isResult: false)
        case (200..<300, .invalid(let reason)):
            throw .invalidBody(source, status: status, "\(source.displayName) answered \(status) but \(reason)")
        default:
            throw .badStatus(source, status: status, "\(source.displayName) answered HTTP \(status)")
        }
    }

    /// Reads a whole body, at most ``UpstreamConfiguration/maximumBodyBytes``, counting each chunk against
    /// the shared ``UpstreamConfiguration/bodyBudget`` until the body is read.
    private func readBody(_ body: HTTPClientResponse.Body, from source: UpstreamSource) async throws -> ByteBuffer {
        let budget = self.configuration.bodyBudget
        var collected = ByteBuffer()
        var reserved = 0
        defer { budget.release(reserved) }
        for try await chunk in body {
            guard collected.readableBytes + chunk.readableBytes <= self.configuration.maximumBodyBytes else {
                throw NIOTooManyBytesError(maxBytes: self.configuration.maximumBodyBytes)
            }
            guard budget.reserve(chunk.readableBytes) else {
                throw BodyBudgetSpent(
                    description: "the gateway is already reading \(budget.maximumBytes) bytes of upstream answers; "
                        + "\(source.displayName)'s answer was not read"
                )
            }
            reserved += chunk.readableBytes
            var chunk = chunk
            collected.writeBuffer(&chunk)
        }
        return collected
    }
}

/// The shared bound on upstream body bytes being read was reached.
struct BodyBudgetSpent: Error, CustomStringConvertible {
    var description: String
}

/// Whether an exchange's deadline passed (its timer cancelled it), as opposed to its caller going away.
private final class Expiry: Sendable {
    let passed = Atomic<Bool>(false)
}
