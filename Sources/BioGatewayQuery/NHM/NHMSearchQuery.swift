import BioGatewayJSON

/// A `datastore_search` request, validated the way the Data Portal validates it (CKAN schema in
/// `ckanext-versioned-datastore`), with NHM's defaults and caps applied.
public struct NHMSearchQuery: Sendable, Hashable {
    /// NHM's default page size.
    public static let defaultLimit = 100
    /// NHM silently clamps `limit` to this.
    public static let maximumLimit = 1000
    /// Elasticsearch's result window: `offset + limit + 1` may not exceed it.
    public static let searchWindow = 10_000

    /// The datastore resource searched (required).
    public var resourceID: String
    /// Free text (`.string`) or a per-field match (`.object`; the key `""` means all fields).
    public var q: JSONValue?
    /// Exact, case-insensitive term filters; list values must all match.
    public var filters: JSONObject?
    /// Page size after NHM's clamp to 0…1000.
    public var limit: Int
    /// The `limit` the client asked for, when it differs from ``limit``.
    public var requestedLimit: Int?
    /// Records skipped.
    public var offset: Int
    /// The `search_after` cursor of a previous page (used only when `offset` is 0).
    public var after: [JSONValue]?
    /// Sort items: `"field"` or `"field desc"`.
    public var sort: [String]?
    /// The record fields to return.
    public var fields: [String]?
    /// Fields to facet on.
    public var facets: [String]?
    /// `{field: n}` sizes of facet lists.
    public var facetLimits: JSONObject?
    /// A version timestamp in epoch milliseconds.
    public var version: Int64?
    /// `false` returns the Elasticsearch query instead of results.
    public var runQuery: Bool?
    /// Adds `permanentUrl` to specimen records.
    public var includeURLs: Bool = false

    /// Parses parameters as CKAN receives them: from a GET query string (``FormParameters/ckanObject``:
    /// strings, lists for repeated keys) or from a POST JSON body (typed values). Unknown parameters are
    /// dropped, as CKAN drops them. Defaults and the `limit` clamp are applied; the paging rules are checked
    /// separately by ``enforcePagingRules()``.
    public static func parse(_ parameters: JSONObject) throws(NHMValidationError) -> NHMSearchQuery {
        var errors: [String: [String]] = [:]
        func fail(_ field: String, _ message: String) { errors[field, default: []].append(message) }

        var resourceID = ""
        switch parameters["resource_id"] {
        case .string(let value) where !value.isEmpty: resourceID = value
        case nil, .null, .string: fail("resource_id", "Missing value")
        default: fail("resource_id", "Must be a string")
        }

        var query = NHMSearchQuery(resourceID: resourceID, limit: Self.defaultLimit, offset: 0)

        switch parameters["q"] {
        case nil, .null: break
        case .object(let object): query.q = .object(object)
        case .string(let text): query.q = Self.query(text)
        case .integer(let number): query.q = .string(String(number))
        case .double(let number): query.q = .string(JSONWriter.format(number))
        default: fail("q", "Must be a string or a JSON object")
        }

        switch Self.parseJSONParameter(parameters["filters"]) {
        case .absent: break
        case .value(.object(let object)): query.filters = object.isEmpty ? nil : Self.canonicalFilters(object)
        case .value: fail("filters", "Must be a JSON object")
        case .unparseable: fail("filters", "Cannot parse JSON")
        }

        switch Self.parseInteger(parameters["limit"]) {
        case .absent: break
        case .value(let limit): query.setLimit(Int(clamping: limit))
        case .invalid: fail("limit", "Invalid integer")
        }

        switch Self.parseInteger(parameters["offset"]) {
        case .absent: break
        case .value(let offset): query.offset = Int(clamping: offset)
        case .invalid: fail("offset", "Invalid integer")
        }

        switch Self.parseJSONParameter(parameters["after"]) {
        case .absent: break
        case .value(.array(let values)): query.after = values
        case .value: fail("after", "Must be a JSON list")
        case .unparseable: fail("after", "Cannot parse JSON")
        }

        for (name, keyPath) in [("sort", \NHMSearchQuery.sort), ("fields", \.fields), ("facets", \.facets)] {
            switch Self.parseListOfStrings(parameters[name]) {
            case .absent: break
            case .value(let list): query[keyPath: keyPath] = list
            case .invalid: fail(name, "Must be a list of strings or a comma-separated string")
            }
        }
        if let sort = query.sort {
            query.sort = sort.map { $0.hasSuffix(" asc") ? String($0.dropLast(4)) : $0 }
        }
        if let fields = query.fields {
            query.fields = Array(Set(fields)).sorted()
        }

        switch Self.parseJSONParameter(parameters["facet_limits"]) {
        case .absent: break
        case .value(.object(let object)): query.facetLimits = object
        case .value: fail("facet_limits", "Must be a JSON object")
        case .unparseable: fail("facet_limits", "Cannot parse JSON")
        }

        switch Self.parseInteger(parameters["version"]) {
        case .absent: break
        case .value(let version): query.version = version
        case .invalid: fail("version", "Invalid integer")
        }

        switch parameters["run_query"] {
        case nil, .null: break
        case .bool(let flag): query.runQuery = flag
        case .string(let text) where ["true", "yes", "on", "1", "t", "y"].contains(text.lowercased()):
            query.runQuery = true
        case .string(let text) where ["false", "no", "off", "0", "f", "n"].contains(text.lowercased()):
            query.runQuery = false
        case .integer(let number) where number == 0 || number == 1: query.runQuery = number == 1
        default: fail("run_query", "Must be a boolean")
        }

        query.includeURLs = parameters["include_urls"] != nil

        guard errors.isEmpty else { throw NHMValidationError(fieldErrors: errors) }
        if query.offset > 0 { query.after = nil }  // v6 uses `after` only when offset is 0
        return query
    }

    /// Sets the page size, clamped as the portal clamps it, remembering what was asked when it differs.
    public mutating func setLimit(_ limit: Int) {
        let clamped = max(0, min(limit, Self.maximumLimit))
        self.limit = clamped
        self.requestedLimit = clamped == limit ? nil : limit
    }

    /// A `q` given as text: a JSON object in text is a per-field query; other text is free text, its runs of
    /// white space collapsed (full-text analysis splits on them, so they cannot change the answer).
    static func query(_ text: String) -> JSONValue {
        if text.first == "{", case .object(let object)? = try? JSONParser.parse(text) { return .object(object) }
        return .string(Self.collapsingWhitespace(text))
    }

    /// Checks the gateway's paging rules: a non-negative offset and `offset + limit + 1 <= 10000`.
    public func enforcePagingRules() throws(NHMValidationError) {
        if self.offset < 0 {
            throw NHMValidationError(field: "offset", "Must be a non-negative integer")
        }
        if let error = Self.windowError(offset: self.offset, limit: self.limit) { throw error }
    }

    /// The portal's refusal of a page past Elasticsearch's window (`offset + limit + 1 > 10000`), if it is one.
    static func windowError(offset: Int, limit: Int) -> NHMValidationError? {
        // offset may be as large as Int64 allows: compute the window without overflowing
        let (sum, overflow) = offset.addingReportingOverflow(limit + 1)
        guard overflow || sum > Self.searchWindow else { return nil }
        let window = overflow ? "more than \(Int.max)" : String(sum)
        return NHMValidationError(message: "Search window size out of bounds: \(window) (from: \(offset), size: \(limit))")
    }

    /// The request the gateway sends upstream, canonicalised, with its cache key.
    public var canonicalRequest: CanonicalRequest {
        var parameters = JSONObject()
        parameters["resource_id"] = .string(self.resourceID)
        if let q { parameters["q"] = q }
        if let filters { parameters["filters"] = .object(filters) }
        parameters["limit"] = .integer(Int64(self.limit))
        parameters["offset"] = .integer(Int64(self.offset))
        if let after { parameters["after"] = .array(after) }
        if let sort { parameters["sort"] = .array(sort.map { .string($0) }) }
        if let fields { parameters["fields"] = .array(fields.map { .string($0) }) }
        if let facets { parameters["facets"] = .array(facets.map { .string($0) }) }
        if let facetLimits { parameters["facet_limits"] = .object(facetLimits) }
        if let version { parameters["version"] = .integer(version) }
        if let runQuery { parameters["run_query"] = .bool(runQuery) }
        if self.includeURLs { parameters["include_urls"] = true }
        return CanonicalRequest(source: .nhm, endpoint: "datastore_search", parameters: parameters)
    }

    // MARK: CKAN validators

    enum Parsed<Value> {
        case absent
        case value(Value)
        case invalid
    }

    enum ParsedJSON {
        case absent
        case value(JSONValue)
        case unparseable
    }

    /// `json_validator`: a string is parsed as JSON, anything else is taken as it is.
    static func parseJSONParameter(_ value: JSONValue?) -> ParsedJSON {
        switch value {
        case nil, .null: return .absent
        case .string(let text):
            guard let parsed = try? JSONParser.parse(text) else { return .unparseable }
            return .value(parsed)
        case .some(let value): return .value(value)
        }
    }

    /// `int_validator`: integers, integral numbers and strings of digits; an empty string means absent.
    static func parseInteger(_ value: JSONValue?) -> Parsed<Int64> {
        switch WholeNumber.ckan(value) {
        case .absent: return .absent
        case .value(let number): return .value(number)
        case .invalid: return .invalid
        }
    }

    /// `list_of_strings`: a list of strings, or one string split on `,` with no trimming.
    static func parseListOfStrings(_ value: JSONValue?) -> Parsed<[String]> {
        switch value {
        case nil, .null: return .absent
        case .string(let text): return .value(text.split(separator: ",", omittingEmptySubsequences: false).map(String.init))
        case .array(let elements):
            var list: [String] = []
            for element in elements {
                guard case .string(let text) = element else { return .invalid }
                list.append(text)
            }
            return .value(list)
        default: return .invalid
        }
    }

    /// Filters are ANDed, so list order and duplicates cannot change the answer; a one-element list
    /// is the same filter as its element. Special keys (`__geo__`, …) are left exactly as sent.
    static func canonicalFilters(_ filters: JSONObject) -> JSONObject {
        var canonical = JSONObject()
        for (key, value) in filters {
            guard !key.hasPrefix("__"), case .array(let elements) = value,
                elements.allSatisfy({ $0.stringValue != nil })
            else {
                canonical[key] = value
                continue
            }
            let unique = Array(Set(elements.compactMap(\.stringValue))).sorted()
            canonical[key] = unique.count == 1 ? .string(unique[0]) : .array(unique.map { .string($0) })
        }
        return canonical
    }

    /// Full-text analysis splits on white space, so runs of it cannot change the answer.
    static func collapsingWhitespace(_ text: String) -> String {
        text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }
}

extension String {
    func trimmingWhitespace() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}

// in an extension, so that the synthesized memberwise initializer stays
extension NHMSearchQuery {
    /// A search the gateway composes itself (the federated `/v1/records`), in the canonical form ``parse(_:)``
    /// gives the same parameters, without writing them out and reading them back.
    /// - Parameters:
    ///   - text: free text (`q`).
    ///   - filters: exact term filters.
    ///   - version: the data version searched (ms since the epoch).
    public init(resourceID: String, text: String? = nil, filters: JSONObject = JSONObject(), version: Int64? = nil) {
        self.init(resourceID: resourceID, limit: Self.defaultLimit, offset: 0)
        self.q = text.map(Self.query)
        self.filters = filters.isEmpty ? nil : Self.canonicalFilters(filters)
        self.version = version
    }
}
