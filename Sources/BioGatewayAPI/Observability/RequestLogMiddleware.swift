import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

extension HTTPField.Name {
    /// The request's id: taken from the client (or a proxy) when usable, generated otherwise.
    static let requestID = HTTPField.Name("X-Request-Id")!
}

/// What inner middleware learns about a request that the request log reports (the client's name).
final class RequestFacts: Sendable {
    private let clientName = Mutex<String?>(nil)

    var client: String? {
        get { self.clientName.withLock { $0 } }
        set { self.clientName.withLock { $0 = newValue } }
    }
}

/// Gives every request an id (`X-Request-Id`, kept from the request when it is 1–128 visible ASCII
/// characters, else a new UUID from ``RequestIDs``) that is returned and present in every log line of the request, and logs
/// one line per request: method, route, status, duration, cache status and client (a key's name, never
/// the key).
struct RequestLogMiddleware: RouterMiddleware {
    let metrics: GatewayMetrics
    let ids = RequestIDs()
    func handle(
        _ request: Request,
        context: GatewayRequestContext,
        next: (Request, GatewayRequestContext) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let id = Self.usableID(request.headers[.requestID]) ?? self.ids.next()
        var context = context
        context.logger[metadataKey: HandlerMetadata.requestIDKey] = .string(id)
        do {
            var response = try await next(request, context)
            // appended: nothing else writes it (a setter would search every field first)
            response.headers.append(HTTPField(name: .requestID, value: id))
            self.record(request, context: context, status: response.status.code, cacheStatus: response.headers[.cacheStatus], since: started)
            return response
        } catch {
            // only reached if an error escaped ProblemMiddleware, which renders every error: Hummingbird
            // renders this one (an HTTPResponseError) or answers 500; it is logged and counted all the same
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            self.record(request, context: context, status: status, cacheStatus: nil, since: started)
            throw error
        }
    }

    private func record(_ request: Request, context: GatewayRequestContext, status: Int, cacheStatus: String?, since started: ContinuousClock.Instant)
    {
        let elapsed = ContinuousClock.now - started
        let route = context.endpointPath ?? "unmatched"
        self.metrics.recordRequest(route: route, method: request.method, status: status, duration: elapsed)
        // the line is made only when the log level lets it through (the logger takes autoclosures)
        context.logger.info(
            "request",
            metadata: {
                let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
                var metadata: Logger.Metadata = [
                    "method": .string(request.method.rawValue),
                    "route": .string(route),
                    "status": .stringConvertible(status),
                    "duration_ms": .string(String(format: "%.1f", milliseconds)),
                ]
                if let cacheStatus { metadata["cache_status"] = .string(cacheStatus) }
                if let client = context.facts.client { metadata["client"] = .string(client) }
                return metadata
            }()
        )
    }

    static func usableID(_ value: String?) -> String? {
        guard let value, (1...128).contains(value.utf8.count), value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        return value
    }
}
