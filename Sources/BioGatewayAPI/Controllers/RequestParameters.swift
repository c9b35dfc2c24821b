import BioGatewayJSON
import BioGatewayQuery
import Hummingbird

/// The parameters of a search request, read as CKAN reads them: the query string (a repeated key becomes a
/// list), overridden by a POST body, which may be a JSON object or a form.
enum RequestParameters {
    /// A POST body that is not a parameter object.
    enum BodyProblem: Error {
        /// Not JSON (with the parser's message).
        case unparseable(String)
        /// JSON, but not an object.
        case notAnObject
    }

    /// The most parameters (query and body together) a request may carry: the upstreams' searches take a
    /// dozen or so, and each one costs work.
    static let maximumCount = 1_000

    /// The request's parameters; throws ``BodyProblem`` for an unusable body, a 400 problem for more than
    /// ``maximumCount`` parameters (and Hummingbird's 413 for an oversized body).
    static func read(_ request: Request, context: GatewayRequestContext) async throws -> JSONObject {
        let query = try Self.readQuery(request.uri.query ?? "")
        guard request.method == .post else { return query.parameters }
        return try await Self.addBody(of: request, to: query.parameters, queryCount: query.count, context: context)
    }

    /// CKAN's reading of a query string alone (a GET).
    static func read(query text: String) throws -> JSONObject {
        try Self.readQuery(text).parameters
    }

    /// A query string's parameters and how many pairs it had (bounded by ``maximumCount``).
    private static func readQuery(_ text: String) throws -> (parameters: JSONObject, count: Int) {
        let query = FormParameters(encoded: text)
        try Self.checkCount(query.pairs.count)
        return (query.ckanObject, query.pairs.count)
    }

    private static func addBody(
        of request: Request,
        to parameters: JSONObject,
        queryCount: Int,
        context: GatewayRequestContext
    ) async throws -> JSONObject {
        var parameters = parameters
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        guard body.readableBytes > 0 else { return parameters }
        if request.headers[.contentType]?.lowercased().contains("application/x-www-form-urlencoded") == true {
            let form = FormParameters(encoded: String(buffer: body))
            try Self.checkCount(queryCount + form.pairs.count)
            for (key, value) in form.ckanObject { parameters[key] = value }
            return parameters
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(body.readableBytesView)
        } catch {
            throw BodyProblem.unparseable("\(error)")
        }
        guard case .object(let object) = document else { throw BodyProblem.notAnObject }
        try Self.checkCount(queryCount + object.count)
        for (key, value) in object { parameters[key] = value }
        return parameters
    }

    /// Refuses a request with more than ``maximumCount`` parameters, before any is read further.
    static func checkCount(_ count: Int) throws(ProblemDetails) {
        guard count > Self.maximumCount else { return }
        throw ProblemDetails(
            slug: "too-many-parameters",
            title: "Too many parameters",
            status: 400,
            detail: "The request has \(count) parameters; the gateway reads at most \(Self.maximumCount). "
                + "A search needs a dozen or so: see /openapi.yaml for the parameters each endpoint takes."
        )
    }
}
