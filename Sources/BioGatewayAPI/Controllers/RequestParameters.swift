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

    /// The request's parameters; throws ``BodyProblem`` for an unusable body (and Hummingbird's 413 for an
    /// oversized one).
    static func read(_ request: Request, context: GatewayRequestContext) async throws -> JSONObject {
        var parameters = FormParameters(encoded: request.uri.query ?? "").ckanObject
        guard request.method == .post else { return parameters }
        var request = request
        let body = try await request.collectBody(upTo: context.maxUploadSize)
        guard body.readableBytes > 0 else { return parameters }
        if request.headers[.contentType]?.lowercased().contains("application/x-www-form-urlencoded") == true {
            for (key, value) in FormParameters(encoded: String(buffer: body)).ckanObject { parameters[key] = value }
            return parameters
        }
        let document: JSONValue
        do {
            document = try JSONParser.parse(body.readableBytesView)
        } catch {
            throw BodyProblem.unparseable("\(error)")
        }
        guard case .object(let object) = document else { throw BodyProblem.notAnObject }
        for (key, value) in object { parameters[key] = value }
        return parameters
    }
}
