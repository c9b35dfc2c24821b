import BioGatewayJSON

/// A VertNet search request (the JSON "query object" of `/api/search?q=`), validated strictly and with
/// VertNet's defaults and cap applied.
///
/// VertNet answers malformed input with an HTML 500; the gateway answers it with a 400 naming the
/// problem instead, and never forwards it.
public struct VertNetSearchQuery: Sendable, Hashable {
    /// VertNet's default page size ("based on substantial performance testing").
    public static let defaultLimit = 400
    /// "1000 is the maximum value allowed by Google."
    public static let maximumLimit = 1000

    /// The search string, white space collapsed.
    public var q: String
    /// Page size after VertNet's default and cap.
    public var limit: Int
    /// The `l` the client asked for, when it differs from ``limit``.
    public var requestedLimit: Int?
    /// The cursor of a previous page (`True:…` / `False:…`).
    public var cursor: String?

    public init(q: String, limit: Int = Self.defaultLimit, cursor: String? = nil) {
        self.q = Self.collapsingWhitespace(q)
        self.limit = limit
        self.cursor = cursor
    }

    /// Parses the `q` URL parameter: a JSON object with `q` (string), optional `l` (integer) and `c`
    /// (cursor string). Keys VertNet ignores (`s`, `o`, anything else) are dropped.
    public static func parse(queryObject: String?) throws(QueryRejection) -> VertNetSearchQuery {
        guard let queryObject, !queryObject.isEmpty else {
            throw QueryRejection(
                parameter: "q",
                detail: "The q parameter is required: a JSON query object such as {\"q\":\"genus:puma\",\"l\":10}."
            )
        }
        let value: JSONValue
        do {
            value = try JSONParser.parse(queryObject)
        } catch {
            throw QueryRejection(parameter: "q", detail: "The query object is not valid JSON (\(error)).")
        }
        guard case .object(let object) = value else {
            throw QueryRejection(parameter: "q", detail: "The query object must be a JSON object, like {\"q\":\"genus:puma\"}.")
        }
        return try self.parse(object)
    }

    /// Parses an already decoded query object.
    public static func parse(_ object: JSONObject) throws(QueryRejection) -> VertNetSearchQuery {
        var problems: [QueryProblem] = []
        var searchString = ""
        switch object["q"] {
        case .string(let text): searchString = text
        case nil, .null:
            problems.append(QueryProblem(parameter: "q.q", detail: "The query object needs a \"q\" search string."))
        default:
            problems.append(QueryProblem(parameter: "q.q", detail: "\"q\" must be a string."))
        }

        var limit = Self.defaultLimit
        var requestedLimit: Int?
        switch WholeNumber.vertnet(object["l"]) {
        case .absent: break
        case .value(let number):
            if number < 0 {
                problems.append(QueryProblem(parameter: "q.l", detail: "\"l\" must not be negative (got \(number))."))
            } else if number == 0 {
                break
            } else if number > Self.maximumLimit {
                limit = Self.maximumLimit
                requestedLimit = Int(clamping: number)
            } else {
                limit = Int(number)
            }
        case .invalid:
            problems.append(
                QueryProblem(
                    parameter: "q.l",
                    detail: "\"l\" must be a whole number from 1 to \(Self.maximumLimit), written without quotes (100, 1e2 and 100.0 all mean 100)."
                )
            )
        }

        var cursor: String?
        switch object["c"] {
        case nil, .null: break
        case .string(let text) where text.isEmpty: break
        case .string(let text):
            if text.hasPrefix("True:") || text.hasPrefix("False:") {
                cursor = text
            } else {
                problems.append(
                    QueryProblem(
                        parameter: "q.c",
                        detail: "\"c\" must be a cursor returned by a previous page (it starts with \"True:\" or \"False:\")."
                    )
                )
            }
        default:
            problems.append(QueryProblem(parameter: "q.c", detail: "\"c\" must be a string: the cursor of a previous page."))
        }

        guard problems.isEmpty else { throw QueryRejection(problems) }
        var query = VertNetSearchQuery(q: searchString, limit: limit, cursor: cursor)
        query.requestedLimit = requestedLimit
        return query
    }

    /// The request the gateway sends upstream, canonicalised, with its cache key.
    public var canonicalRequest: CanonicalRequest {
        var parameters = JSONObject()
        parameters["q"] = .string(self.q)
        parameters["l"] = .integer(Int64(self.limit))
        if let cursor { parameters["c"] = .string(cursor) }
        return CanonicalRequest(source: .vertnet, endpoint: "search", parameters: parameters)
    }

    /// GAE search splits terms on white space, so runs of it cannot change the answer.
    static func collapsingWhitespace(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}
