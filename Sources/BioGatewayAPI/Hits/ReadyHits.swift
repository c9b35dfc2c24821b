import BioGatewayCore
import BioGatewayQuery
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// The drop-in GETs answered where they are read (``ReadyHitHandler``), without going through the router:
/// fresh answers the memory tier holds for VertNet's search and NHM's `datastore_search`, at their paths.
///
/// A hit is answered here only when nothing about it needs more than the memory tier: a GET with no body,
/// a question the endpoint accepts, a fresh answer the client's `Cache-Control` accepts and that needs no
/// decompression, a client identified and within its request budget, and no cross-origin reply to make.
/// Everything else — every miss, stale answer, refusal and error — is handed to the router, which decides
/// as it always does. A hit answered here carries what the router's answer would: the same answer headers,
/// `304` for a client that holds it, the `RateLimit` headers, `X-Request-Id`, `nosniff`, `Date` and
/// `Server`; and it is counted and logged the same way (``RequestLog``), under its route.
struct ReadyHits: Sendable {
    /// The endpoints by their paths.
    let endpoints: [String: any ReadyHitEndpoint]
    let limits: ClientRateLimits
    let log: RequestLog
    let corsOrigins: CORSOrigins
    let serverName: String
    let logger: Logger
    private let date = DateHeader()

    init(
        endpoints: [any ReadyHitEndpoint],
        limits: ClientRateLimits,
        log: RequestLog,
        corsOrigins: CORSOrigins,
        serverName: String,
        logger: Logger
    ) {
        var byPath: [String: any ReadyHitEndpoint] = [:]
        for endpoint in endpoints {
            for path in type(of: endpoint).paths { byPath[path] = endpoint }
        }
        self.endpoints = byPath
        self.limits = limits
        self.log = log
        self.corsOrigins = corsOrigins
        self.serverName = serverName
        self.logger = logger
    }

    /// The answer to `request` (a GET with no body: ``ReadyHitHandler/mayAnswer(_:)``) from `peer` (its
    /// address), or nil to hand it to the router.
    func answer(_ request: HTTPRequest, peer: String) -> (head: HTTPResponse, body: ByteBuffer?)? {
        let started = ContinuousClock.now
        guard let target = request.path else { return nil }
        let (path, query) = Self.split(target)
        let route = String(path)
        // a question too long to be kept (``ParsedQueries``) would be read twice when it is not a hit
        guard query.utf8.count <= ParsedQueries.maximumTextBytes, let endpoint = self.endpoints[route] else { return nil }
        let headers = request.headerFields
        if let origin = headers[.origin], self.corsOrigins.allowOrigin(for: origin) != nil { return nil }
        guard let question = endpoint.readyQuestion(inQuery: String(query)),
            let hit = endpoint.gateway.freshAnswerInMemory(forKey: question.key, preferences: ClientPreferences(headers: headers)),
            let client = try? self.limits.identify(headers, peer: peer)
        else { return nil }
        let admission = self.limits.spendRequest(of: client)
        // over budget: the router refuses it (nothing was spent)
        guard admission.decision.allowed else { return nil }

        let answer = endpoint.gateway.serve(hit)
        var (status, fields) = answer.head(cacheKey: question.key, notices: question.notices, conditions: headers)
        endpoint.addHeaders(answering: answer, to: &fields)
        admission.addHeaders(to: &fields)
        let id = self.log.id(for: headers)
        // as the outer middleware and Hummingbird add them to every answer
        fields.append(HTTPField(name: .xContentTypeOptions, value: "nosniff"))
        fields.append(HTTPField(name: .requestID, value: id))
        let body = status == .notModified ? nil : answer.body
        fields.append(HTTPField(name: .contentLength, value: String(body?.readableBytes ?? 0)))
        fields.append(HTTPField(name: .date, value: self.date.now()))
        fields.append(HTTPField(name: .server, value: self.serverName))

        var logger = self.logger
        if logger.logLevel <= .info {
            // the metadata of the router's request loggers
            logger[metadataKey: "hb.request.id"] = .stringConvertible(RequestID())
            logger[metadataKey: HandlerMetadata.requestIDKey] = .string(id)
        }
        self.log.metrics.readyHits.increment()
        self.log.record(
            method: .get,
            route: route,
            status: status.code,
            cacheStatus: answer.cacheStatus.description,
            client: client.name,
            elapsed: ContinuousClock.now - started,
            logger: logger
        )
        return (HTTPResponse(status: status, headerFields: fields), body)
    }

    /// A request target's path and query string (empty without one).
    static func split(_ target: String) -> (path: Substring, query: Substring) {
        guard let mark = target.utf8.firstIndex(of: UInt8(ascii: "?")) else { return (target[...], "") }
        return (target[..<mark], target[target.index(after: mark)...])
    }
}

/// The `Date` header's value, made once a second.
final class DateHeader: Sendable {
    private let kept = Mutex<(second: Int, text: String)>((-1, ""))

    func now() -> String {
        let second = Int(Date().timeIntervalSince1970)
        return self.kept.withLock { kept in
            if kept.second != second { kept = (second, HTTPDate.format(Date(timeIntervalSince1970: Double(second)))) }
            return kept.text
        }
    }
}
