import BioGatewayPacing
import HTTPTypes
import Logging

extension HTTPField.Name {
    /// The request's id: taken from the client (or a proxy) when usable, generated otherwise.
    static let requestID = HTTPField.Name("X-Request-Id")!
}

/// What every request owes the operators, wherever it is answered (by the router, or by ``ReadyHits``
/// where it was read): an id (`X-Request-Id`, kept from the request when it is 1–128 visible ASCII
/// characters, else a new one from ``RequestIDs``), its metrics, and one log line — method, route, status,
/// duration, cache status and client (a key's name, never the key).
struct RequestLog: Sendable {
    let metrics: GatewayMetrics
    let ids = RequestIDs()

    /// The id of a request with these headers.
    func id(for headers: HTTPFields) -> String {
        Self.usableID(headers[.requestID]) ?? self.ids.next()
    }

    /// Counts an answered request and logs its line (made only when the log level lets it through).
    func record(
        method: HTTPRequest.Method,
        route: String,
        status: Int,
        cacheStatus: String?,
        client: String?,
        elapsed: Duration,
        logger: Logger
    ) {
        self.metrics.recordRequest(route: route, method: method, status: status, duration: elapsed)
        // the logger takes autoclosures: nothing below runs for a line that is not written
        logger.info(
            "request",
            metadata: {
                let milliseconds = elapsed.inSeconds * 1000
                var metadata: Logger.Metadata = [
                    "method": .string(method.rawValue),
                    "route": .string(route),
                    "status": .stringConvertible(status),
                    "duration_ms": .string(String(format: "%.1f", milliseconds)),
                ]
                if let cacheStatus { metadata["cache_status"] = .string(cacheStatus) }
                if let client { metadata["client"] = .string(client) }
                return metadata
            }()
        )
    }

    static func usableID(_ value: String?) -> String? {
        guard let value, (1...128).contains(value.utf8.count), value.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else { return nil }
        return value
    }
}
