import BioGatewayJSON
import BioGatewayQuery
import Foundation

/// The Data Portal's `datastore_search` (v6) over the generated specimens, with its envelopes:
/// 409 validation errors, 500 `Internal Server Error` for Elasticsearch failures, bare-string 400s for
/// bad JSON bodies, and the 2015 recorded answer for its exact query on the old route.
struct NHMSimulator: Sendable {
    let recordedJones: JSONValue?

    static let contentType = "application/json;charset=utf-8"

    init(fixturesDirectory: URL?) {
        if let url = fixturesDirectory?.appendingPathComponent("nhm/datastore_search_jones_2015_first50.json"),
            let data = try? Data(contentsOf: url),
            let interaction = try? JSONParser.parse(Array(data))
        {
            self.recordedJones = interaction["response"]?["body"]
        } else {
            self.recordedJones = nil
        }
    }

    /// Parameters from a request: GET query string, JSON body, or form body.
    enum Parameters {
        case object(JSONObject)
        case badJSON(String)
    }

    static func parameters(query: String?, body: [UInt8], contentType: String?) -> Parameters {
        var object = FormParameters(encoded: query ?? "").ckanObject
        guard !body.isEmpty else { return .object(object) }
        if contentType?.lowercased().contains("application/x-www-form-urlencoded") == true {
            for (key, value) in FormParameters(encoded: String(decoding: body, as: UTF8.self)).ckanObject { object[key] = value }
            return .object(object)
        }
        do {
            guard case .object(let bodyObject) = try JSONParser.parse(body) else {
                return .badJSON("Bad request - JSON Error: Request data JSON decoded to a non-dict")
            }
            for (key, value) in bodyObject { object[key] = value }
            return .object(object)
        } catch {
            return .badJSON("Bad request - JSON Error: Could not decode request body: \(error)")
        }
    }

    /// The answer over `engine`'s data (the generated specimens and what was ingested since).
    func answer(_ parameters: JSONObject, oldRoute: Bool, engine: NHMSearchEngine) -> SimulatedAnswer {
        let query: NHMSearchQuery
        do {
            query = try NHMSearchQuery.parse(parameters)
        } catch {
            return .json(409, JSONWriter(style: .compact).bytes(error.envelope), contentType: Self.contentType)
        }
        guard query.resourceID == engine.resourceID else {
            let error = NHMValidationError(field: "resource_id", "No resource IDs are datastore resources")
            return .json(409, JSONWriter(style: .compact).bytes(error.envelope), contentType: Self.contentType)
        }
        if query.offset < 0 { return Self.internalServerError }
        do {
            try query.enforcePagingRules()
        } catch {
            return .json(409, JSONWriter(style: .compact).bytes(error.envelope), contentType: Self.contentType)
        }
        if oldRoute, let recordedJones, query.q == .string("jones"), query.limit == 50, query.offset == 0,
            query.filters == nil, query.sort == nil, query.fields == nil
        {
            return .json(200, JSONWriter(style: .compact).bytes(recordedJones), contentType: Self.contentType)
        }
        let result: [UInt8]
        if query.runQuery == false {
            result = JSONWriter(style: .compact).bytes(engine.describeQuery(query))
        } else {
            do {
                result = try engine.search(query)
            } catch {
                return Self.internalServerError
            }
        }
        var body: [UInt8] = Array("{\"help\":\"\(NHMValidationError.helpURL)\",\"success\":true,\"result\":".utf8)
        body.append(contentsOf: result)
        body.append(UInt8(ascii: "}"))
        return .json(200, body, contentType: Self.contentType)
    }

    static func errorEnvelope(status: Int, type: String, message: String) -> SimulatedAnswer {
        let body: JSONValue = [
            "help": .string(NHMValidationError.helpURL), "success": false,
            "error": ["message": .string(message), "__type": .string(type)],
        ]
        return .json(status, JSONWriter(style: .compact).bytes(body), contentType: Self.contentType)
    }

    static let internalServerError = errorEnvelope(status: 500, type: "Internal Server Error", message: "Internal Server Error")

    /// CKAN's bare-string 400 (no envelope).
    static func badRequest(_ message: String) -> SimulatedAnswer {
        .json(400, JSONWriter(style: .compact).bytes(.string(message)), contentType: Self.contentType)
    }
}
