import BioGatewayJSON

/// A request NHM would refuse, in the shape of NHM's own 409 `Validation Error`.
///
/// CKAN reports either per-field messages (`{"limit": ["Invalid integer"]}`) or one string message
/// (the search-window error). ``envelope`` renders exactly what the Data Portal sends, so ckanapi
/// raises its usual `ValidationError`.
public struct NHMValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Per-field messages, in the order they were found.
    public var fieldErrors: [String: [String]]
    /// A message not tied to one field.
    public var message: String?

    public init(field: String, _ message: String) {
        self.fieldErrors = [field: [message]]
        self.message = nil
    }

    public init(message: String) {
        self.fieldErrors = [:]
        self.message = message
    }

    public init(fieldErrors: [String: [String]]) {
        self.fieldErrors = fieldErrors
        self.message = nil
    }

    /// The URL the Data Portal puts in `help`.
    public static let helpURL = "https://data.nhm.ac.uk/api/3/action/help_show?name=datastore_search"

    /// The complete error body NHM answers with (HTTP 409) for `datastore_search`.
    public var envelope: JSONValue { self.envelope(action: "datastore_search") }

    /// The complete error body NHM answers with (HTTP 409) for `action`.
    public func envelope(action: String) -> JSONValue {
        var error = JSONObject()
        if let message { error["message"] = .string(message) }
        for field in self.fieldErrors.keys.sorted() {
            error[field] = .array(self.fieldErrors[field]!.map { .string($0) })
        }
        error["__type"] = "Validation Error"
        return ["help": .string(NHMAction.helpURL(action)), "success": false, "error": .object(error)]
    }

    /// The same errors as gateway problems (for logs and problem+json).
    public var problems: [QueryProblem] {
        var problems = self.fieldErrors.keys.sorted().flatMap { field in
            self.fieldErrors[field]!.map { QueryProblem(parameter: field, detail: $0) }
        }
        if let message { problems.append(QueryProblem(parameter: "offset", detail: message)) }
        return problems
    }

    public var description: String { self.problems.map(\.description).joined(separator: "; ") }
}
