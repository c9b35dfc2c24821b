import BioGatewayJSON

/// A request to one of the Data Portal's read-only actions (``NHMAction``), validated with the action's own
/// schema and canonicalised: values typed as CKAN's validators leave them (`"5"` → `5`, JSON strings parsed),
/// defaults applied, undeclared keys dropped (CKAN ignores them), so equal questions share one cache entry
/// whether they came as GET or POST, in any key order.
public struct NHMActionQuery: Sendable, Hashable {
    /// The v6 action.
    public let action: String
    /// The canonical parameters, as sent upstream.
    public let parameters: JSONObject
    /// The size the client asked for, when the action's silent cap changed it.
    public let requestedSize: Int?
    /// A page by offset past the 10,000-record window, accepted because the caller walks such pages by `after`
    /// (`allowingPagesPastTheWindow`); the portal itself would refuse it.
    public var isPastTheWindow = false

    /// Validates `parameters` for `action` as the Data Portal would, reporting every failure at once in the
    /// Data Portal's 409 shape.
    public static func parse(
        _ action: NHMAction,
        _ parameters: JSONObject,
        allowingPagesPastTheWindow: Bool = false
    ) throws(NHMValidationError) -> NHMActionQuery {
        var errors: [String: [String]] = [:]
        var canonical = JSONObject()
        for parameter in action.parameters {
            switch Self.validate(parameters[parameter.name], parameter.rule) {
            case .absent: break
            case .value(let value): canonical[parameter.name] = value
            case .invalid(let message): errors[parameter.name, default: []].append(message)
            }
        }
        guard errors.isEmpty else { throw NHMValidationError(fieldErrors: errors) }
        if case .string(let version)? = canonical["query_version"] {
            if version.isEmpty {
                canonical["query_version"] = nil  // the portal reads "" as the latest
            } else if !NHMQuerySchema.versions.contains(version) {
                throw NHMValidationError(message: NHMQuerySchema.unknownVersionMessage(version))
            }
        }
        if let query = canonical["query"] {
            let normalised = try NHMQuerySchema.checked(query)
            // the portal searches and hashes the normalised query: equal after normalising, equal questions
            let isEmpty = normalised.objectValue?.isEmpty == true
            canonical["query"] = isEmpty ? JSONValue?.none : normalised
        }

        var requestedSize: Int?
        if let size = action.size {
            let asked = Int(clamping: canonical[size.parameter]?.integerValue ?? Int64(size.defaultValue))
            var used = asked
            if size.clamps {
                used = max(0, size.maximum.map { min(asked, $0) } ?? asked)
                if used != asked { requestedSize = asked }
            } else if let maximum = size.maximum, asked <= 0 || asked > maximum {
                throw NHMValidationError(message: "Size must be 0 < size <= \(maximum)")
            }
            canonical[size.parameter] = .integer(Int64(used))
        }
        if action.name == "vds_basic_query" || action.name == "vds_basic_autocomplete" {
            let offset = Int(clamping: canonical["offset"]?.integerValue ?? 0)
            if offset < 0 { throw NHMValidationError(field: "offset", "Must be a non-negative integer") }
            canonical["offset"] = .integer(Int64(offset))
            let limit = Int(clamping: canonical["limit"]?.integerValue ?? 0)
            if offset != 0 && limit != 0, let error = NHMSearchQuery.windowError(offset: offset, limit: limit) {
                guard allowingPagesPastTheWindow, action.name == "vds_basic_query", offset < Int.max - limit else { throw error }
                var query = NHMActionQuery(action: action.name, parameters: canonical, requestedSize: requestedSize)
                query.isPastTheWindow = true
                return query
            }
            if offset > 0 { canonical["after"] = nil }  // v6 uses `after` only when offset is 0
        }
        if case .object(let filters)? = canonical["filters"] {
            canonical["filters"] = filters.isEmpty ? nil : .object(NHMSearchQuery.canonicalFilters(filters))
        }
        return NHMActionQuery(action: action.name, parameters: canonical, requestedSize: requestedSize)
    }

    /// The request sent upstream, with its cache key.
    public var canonicalRequest: CanonicalRequest {
        CanonicalRequest(source: .nhm, endpoint: self.action, parameters: self.parameters)
    }

    /// The data version the question is pinned to (`version`), if any.
    public var version: Int64? { self.parameters["version"]?.integerValue }

    /// A JSON value as Python's `repr` writes the value `json.loads` makes of it (jsonschema's messages use it).
    static func pythonRepr(_ value: JSONValue) -> String {
        switch value {
        case .null: return "None"
        case .bool(let flag): return flag ? "True" : "False"
        case .integer(let number): return String(number)
        case .double(let number): return JSONWriter.format(number)
        case .string(let text): return Self.pythonRepr(text)
        case .array(let elements): return "[" + elements.map(Self.pythonRepr).joined(separator: ", ") + "]"
        case .object(let object):
            return "{" + object.map { key, value in "\(Self.pythonRepr(key)): \(Self.pythonRepr(value))" }.joined(separator: ", ") + "}"
        }
    }

    /// A string as Python's `repr` writes it: single quotes unless it holds one and no double quote.
    static func pythonRepr(_ text: String) -> String {
        let quote: Character = text.contains("'") && !text.contains("\"") ? "\"" : "'"
        var written = String(quote)
        for character in text {
            switch character {
            case "\\": written += "\\\\"
            case "\n": written += "\\n"
            case "\r": written += "\\r"
            case "\t": written += "\\t"
            case quote: written += "\\" + String(quote)
            default: written.append(character)
            }
        }
        written.append(quote)
        return written
    }

    enum Validated {
        case absent
        case value(JSONValue)
        case invalid(String)
    }

    static func validate(_ value: JSONValue?, _ rule: NHMAction.Rule) -> Validated {
        switch rule {
        case .requiredString:
            switch value {
            case .string(let text) where !text.isEmpty: return .value(.string(text))
            case .integer(let number): return .value(.string(String(number)))
            case nil, .null, .string: return .invalid("Missing value")
            default: return .invalid("Must be a string")
            }
        case .presentString:
            switch value {
            case .string(let text): return .value(.string(text))
            case .integer(let number): return .value(.string(String(number)))
            case nil, .null: return .invalid("Missing value")
            default: return .invalid("Must be a string")
            }
        case .string:
            switch value {
            case nil, .null: return .absent
            case .string(let text): return .value(.string(text))
            case .integer(let number): return .value(.string(String(number)))
            default: return .invalid("Must be a string")
            }
        case .integer:
            switch NHMSearchQuery.parseInteger(value) {
            case .absent: return .absent
            case .value(let number): return .value(.integer(number))
            case .invalid: return .invalid("Invalid integer")
            }
        case .json:
            switch NHMSearchQuery.parseJSONParameter(value) {
            case .absent: return .absent
            case .value(let parsed): return .value(parsed)
            case .unparseable: return .invalid("Cannot parse JSON")
            }
        case .textOrJSON:
            switch value {
            case nil, .null: return .absent
            case .object(let object): return .value(.object(object))
            case .string(let text):
                if text.first == "{", case .object(let object)? = try? JSONParser.parse(text) { return .value(.object(object)) }
                return .value(.string(NHMSearchQuery.collapsingWhitespace(text)))
            case .integer(let number): return .value(.string(String(number)))
            default: return .invalid("Must be a string or a JSON object")
            }
        case .list:
            switch value {
            case nil, .null: return .absent
            case .array(let elements): return .value(.array(elements))
            case .string(let text):
                guard let parsed = try? JSONParser.parse(text) else { return .invalid("Cannot parse JSON list") }
                guard case .array = parsed else { return .invalid("Value must be a list") }
                return .value(parsed)
            default: return .invalid("Value must be a list")
            }
        case .boolean:
            switch value {
            case nil, .null: return .absent
            case .bool(let flag): return .value(.bool(flag))
            case .string(let text) where ["true", "yes", "on", "1", "t", "y"].contains(text.lowercased()): return .value(true)
            case .string(let text) where ["false", "no", "off", "0", "f", "n"].contains(text.lowercased()): return .value(false)
            case .integer(let number) where number == 0 || number == 1: return .value(.bool(number == 1))
            default: return .invalid("Must be a boolean")
            }
        case .resourceIDs(let required):
            switch value {
            case nil, .null:
                return required ? .invalid("Invalid list of resource ID strings") : .absent
            case .string(let text):
                let ids = text.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
                // "" means every resource
                return ids.isEmpty ? (required ? .value(.array([])) : .absent) : .value(.array(ids.map { .string($0) }))
            case .array(let elements):
                var ids: [JSONValue] = []
                for element in elements {
                    guard case .string(let id) = element else { return .invalid("Invalid list of resource ID strings") }
                    ids.append(.string(id))
                }
                return ids.isEmpty ? (required ? .value(.array([])) : .absent) : .value(.array(ids))
            default: return .invalid("Invalid list of resource ID strings")
            }
        }
    }
}
