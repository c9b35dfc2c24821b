import BioGatewayCore
import BioGatewayJSON
import BioGatewayQuery
import HTTPTypes
import Hummingbird

/// The Data Portal's other actions (ckanext-versioned-datastore 6) behind the cache, at
/// `/api/3/action/<action>` and `/api/action/<action>`, at the root and under `/nhm/`: every read-only action
/// (``NHMAction/readOnly``, and the v5 aliases `datastore_query_extent` and `record_show`) is validated with
/// the action's own schema, canonicalised and cached like `datastore_search`. Actions that write or queue
/// work (``NHMAction/refused``) are refused with the portal's `Authorization Error` envelope naming the
/// action, and an unknown action gets the portal's bare-string 400; neither goes upstream.
struct NHMActionController: DropInEndpoint {
    let gateway: SearchGateway
    /// `vds_basic_query` pages past the window, walked by `after` (nil: the portal's 409).
    let deepPaging: DeepPaging?
    /// `datastore_search` itself (its constant routes answer first; this is for completeness).
    let datastoreSearch: NHMDropInController

    static let paths = ["/api/3/action/{action}", "/api/action/{action}", "/nhm/api/3/action/{action}", "/nhm/api/action/{action}"]

    @Sendable func search(_ request: Request, context: GatewayRequestContext) async throws -> Response {
        let name = context.parameters.get("action") ?? ""
        switch NHMAction.lookup(name) {
        case .datastoreSearch:
            return try await self.datastoreSearch.search(request, context: context)
        case .unknown:
            return Self.bareString(
                "Bad request - Action name not known: \(name)",
                problem: ProblemDetails(
                    slug: "unknown-action",
                    title: "Unknown action",
                    status: 400,
                    detail:
                        "The Data Portal has no action '\(name)'. The gateway serves datastore_search and the read-only vds_* actions; see /openapi.yaml."
                ),
                request: request
            )
        case .refused:
            return Self.refusal(name, request: request)
        case .readOnly(let action):
            let question: DropInQuestion
            do {
                if request.method == .get, let text = request.uri.query {
                    question = try Self.question(action, try RequestParameters.read(query: text), deepPaging: self.deepPaging != nil)
                } else {
                    question = try Self.question(
                        action,
                        try await NHMDropInController.parameters(of: request, context: context),
                        deepPaging: self.deepPaging != nil
                    )
                }
            } catch let error as NHMValidationError {
                return NHMDropInController.rejection(error, action: name, request: request)
            }
            if question.walksPastWindow, let deepPaging {
                return await deepPaging.respond(question, request: request, context: context, action: name)
            }
            return await VersionPins(gateway: self.gateway).respond(question, request: request, context: context)
        }
    }

    /// The validated question, with a notice when a silent cap changed the page size.
    static func question(_ action: NHMAction, _ parameters: JSONObject, deepPaging: Bool) throws(NHMValidationError) -> DropInQuestion {
        var query = try NHMActionQuery.parse(action, parameters, allowingPagesPastTheWindow: deepPaging)
        if query.isPastTheWindow, Int(query.parameters["offset"]?.integerValue ?? 0) > DeepPaging.maximumOffset {
            query = try NHMActionQuery.parse(action, parameters)  // throws the portal's window error
        }
        var notices: [String] = []
        if let requested = query.requestedSize, let size = action.size {
            notices.append(
                "\(size.parameter) \(requested) was clamped to \(query.parameters[size.parameter]?.integerValue ?? 0) (the Data Portal's cap for \(action.name))"
            )
        }
        if query.isPastTheWindow {
            notices.append(DeepPaging.notice(offset: Int(query.parameters["offset"]?.integerValue ?? 0)))
        }
        return DropInQuestion(request: query.canonicalRequest, notices: notices, walksPastWindow: query.isPastTheWindow)
    }

    /// An action the gateway does not forward: the portal's 403 envelope (ckanapi raises `NotAuthorized`
    /// with the message), or a problem document when the client asks for one.
    static func refusal(_ name: String, request: Request) -> Response {
        let message =
            "Access denied: BioGateway does not forward \(name), which writes or queues work at the Data Portal; "
            + "call https://data.nhm.ac.uk/api/3/action/\(name) directly"
        if request.headers[.accept]?.contains("application/problem+json") == true {
            return ProblemDetails(slug: "action-not-forwarded", title: "Action not forwarded", status: 403, detail: message).response()
        }
        let envelope: JSONValue = [
            "help": .string(NHMAction.helpURL(name)), "success": false,
            "error": ["__type": "Authorization Error", "message": .string(message)],
        ]
        return Self.json(envelope, status: .forbidden)
    }

    /// CKAN's bare-string answer (no envelope), or `problem` when the client asks for problem documents.
    static func bareString(_ text: String, problem: ProblemDetails, request: Request) -> Response {
        if request.headers[.accept]?.contains("application/problem+json") == true { return problem.response() }
        return Self.json(.string(text), status: HTTPResponse.Status(code: problem.statusCode))
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json;charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter(style: .compact).bytes(value)))
        )
    }
}
