import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// What inner middleware learns about a request that the request log reports (the client's name).
final class RequestFacts: Sendable {
    private let clientName = Mutex<String?>(nil)

    var client: String? {
        get { self.clientName.withLock { $0 } }
        set { self.clientName.withLock { $0 = newValue } }
    }
}

/// Gives every request its id (in every log line of the request, and returned as `X-Request-Id`), counts
/// it and logs one line for it, as ``RequestLog`` says.
struct RequestLogMiddleware: RouterMiddleware {
    let log: RequestLog

    func handle(
        _ request: Request,
        context: GatewayRequestContext,
        next: (Request, GatewayRequestContext) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let id = self.log.id(for: request.headers)
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
        self.log.record(
            method: request.method,
            route: context.endpointPath ?? "unmatched",
            status: status,
            cacheStatus: cacheStatus,
            client: context.facts.client,
            elapsed: ContinuousClock.now - started,
            logger: context.logger
        )
    }
}
