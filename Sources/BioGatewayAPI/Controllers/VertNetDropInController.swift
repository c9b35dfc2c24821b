import BioGatewayCore
import BioGatewayQuery
import HTTPTypes
import Hummingbird

/// VertNet's search API behind the cache, for rvertnet and plain HTTP clients: at VertNet's own paths
/// (`/api/search`, `/api/v1/search`), so a client's base URL is simply the gateway's address (R's crul and
/// httr2 replace the base URL's path rather than append to it), and the same under `/vertnet/`.
///
/// `l` gets VertNet's default (400) and cap (1000) before going upstream. Input VertNet would crash on
/// (an HTML 500) is answered here with a 400 `application/problem+json` naming the problem.
struct VertNetDropInController: DropInEndpoint {
    let gateway: SearchGateway
    /// The questions of hits answered where they are read, by their `q` text (shared by the drop-in endpoints).
    let parsed: ParsedQueries

    static let paths = ["/api/search", "/api/v1/search", "/vertnet/api/search", "/vertnet/api/v1/search"]

    @Sendable func search(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let question: DropInQuestion
        do {
            question = try Self.question(try await Self.queryObject(of: request, context: context))
        } catch let rejection as QueryRejection {
            return ProblemDetails.invalidRequest(rejection.problems).response()
        }
        return await self.forward(question, headers: request.headers, method: request.method, context: context)
    }

    /// The question of a GET's query string as ``queryObject(of:context:)`` reads it, for ``ReadyHits``:
    /// kept in ``parsed``; nil for a question VertNet refuses.
    func readyQuestion(inQuery text: String) -> ReadyQuestion? {
        let query = FormParameters(encoded: text)
        guard (try? RequestParameters.checkCount(query.pairs.count)) != nil else { return nil }
        guard let q = query["q"] else { return (try? Self.question(nil)).map(ReadyQuestion.init) }
        return self.parsed.readyQuestion(for: q, at: .vertnetSearch, prepare: Self.question)
    }

    /// The validated question in a `q` query object.
    static func question(_ text: String?) throws -> DropInQuestion {
        let query = try VertNetSearchQuery.parse(queryObject: text)
        var notices: [String] = []
        if let requested = query.requestedLimit {
            notices.append("l \(requested) was capped to \(query.limit) (VertNet's maximum)")
        }
        return DropInQuestion(request: query.canonicalRequest, notices: notices)
    }

    /// The `q` query object: from the URL, else from a form body, else a JSON body taken as the object.
    static func queryObject(of request: Request, context: GatewayRequestContext) async throws -> String? {
        let query = FormParameters(encoded: request.uri.query ?? "")
        try RequestParameters.checkCount(query.pairs.count)
        if let q = query["q"] { return q }
        guard request.method == .post else { return nil }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        guard body.readableBytes > 0 else { return nil }
        let text = String(buffer: body)
        if request.headers[.contentType]?.lowercased().contains("application/json") == true { return text }
        let form = FormParameters(encoded: text)
        try RequestParameters.checkCount(query.pairs.count + form.pairs.count)
        return form["q"]
    }
}
