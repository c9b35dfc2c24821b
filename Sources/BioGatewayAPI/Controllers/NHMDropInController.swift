import BioGatewayCore
import BioGatewayJSON
import BioGatewayQuery
import HTTPTypes
import Hummingbird

/// The Data Portal's `datastore_search`, behind the cache, for ckanapi, pyportal and plain HTTP clients: at
/// the portal's own paths (`/api/3/action/datastore_search`, ckanapi's `/api/action/datastore_search`), so
/// a client's base URL is simply the gateway's address, and the same under `/nhm/`.
///
/// NHM's defaults and caps are applied before anything goes upstream; requests NHM would refuse (and
/// requests past the 10,000 window) are answered here with NHM's own 409 envelope, or with
/// `application/problem+json` when the client asks for it in `Accept`.
struct NHMDropInController: DropInEndpoint {
    let gateway: SearchGateway
    /// Pages past the 10,000-record window, walked by `after`; nil keeps the portal's 409 (`nhm.deep.paging`).
    let deepPaging: DeepPaging?
    /// The questions of hits answered where they are read, by their query string (shared by the drop-in
    /// endpoints).
    let parsed: ParsedQueries

    static let paths = [
        "/api/3/action/datastore_search", "/api/action/datastore_search",
        "/nhm/api/3/action/datastore_search", "/nhm/api/action/datastore_search",
    ]

    @Sendable func search(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let question: DropInQuestion
        do {
            if request.method == .get, let text = request.uri.query {
                question = try self.question(inQuery: text)
            } else {
                question = try Self.question(try await Self.parameters(of: request, context: context), deepPaging: self.deepPaging != nil)
            }
        } catch let error as NHMValidationError {
            return Self.rejection(error, request: request)
        }
        if question.walksPastWindow, let deepPaging {
            return await deepPaging.respond(question, request: request, context: context, action: "datastore_search")
        }
        return await VersionPins(gateway: self.gateway).respond(question, request: request, context: context)
    }

    /// The question of a GET's query string.
    func question(inQuery text: String) throws -> DropInQuestion {
        try Self.question(try RequestParameters.read(query: text), deepPaging: self.deepPaging != nil)
    }

    /// The validated question, paging rules included (a page past the window is marked to be walked when
    /// `deepPaging` is on, and refused otherwise).
    static func question(_ parameters: JSONObject, deepPaging: Bool) throws -> DropInQuestion {
        let query = try NHMSearchQuery.parse(parameters)
        var walks = false
        do {
            try query.enforcePagingRules()
        } catch {
            guard deepPaging, error.message != nil, query.offset > 0, query.limit > 0, query.runQuery != false,
                query.offset <= DeepPaging.maximumOffset
            else { throw error }
            walks = true
        }
        var notices: [String] = []
        if let requested = query.requestedLimit {
            notices.append("limit \(requested) was clamped to \(query.limit) (NHM allows 0 to \(NHMSearchQuery.maximumLimit))")
        }
        if walks { notices.append(DeepPaging.notice(offset: query.offset)) }
        return DropInQuestion(request: query.canonicalRequest, notices: notices, walksPastWindow: walks)
    }

    /// CKAN's reading of a request (``RequestParameters``), a bad body refused as CKAN refuses it.
    static func parameters(of request: Request, context: GatewayRequestContext) async throws -> JSONObject {
        do {
            return try await RequestParameters.read(request, context: context)
        } catch RequestParameters.BodyProblem.unparseable(let message) {
            throw NHMValidationError(field: "body", "Cannot parse JSON: \(message)")
        } catch RequestParameters.BodyProblem.notAnObject {
            throw NHMValidationError(field: "body", "Request data JSON decoded to a non-dict")
        }
    }

    /// The portal's 409 envelope for `action`, or a problem document when the client asks for one.
    static func rejection(_ error: NHMValidationError, action: String = "datastore_search", request: Request) -> Response {
        if request.headers[.accept]?.contains("application/problem+json") == true {
            return ProblemDetails.invalidRequest(error.problems, status: 409).response()
        }
        return Response(
            status: .conflict,
            headers: [.contentType: "application/json;charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter(style: .compact).bytes(error.envelope(action: action))))
        )
    }
}
