import BioGatewayJSON
import BioGatewayQuery

/// A `/v1/records` request, validated: which sources, the filters, the page size, the cursor, the fields
/// and the format. Built from a GET query string or a POST JSON body with the same names.
///
/// Every bad parameter is reported at once (``QueryRejection`` lists each), never silently ignored:
/// unknown names, values of the wrong type, numbers out of range, a repeated single-valued parameter.
public struct RecordQuery: Sendable, Hashable {
    /// Where the query is served: a page of `/v1/records`, or `/v1/records/export`.
    public enum Endpoint: Sendable {
        case page
        case export
    }

    /// Page size bounds (`limit`).
    public static let defaultLimit = 100
    public static let maximumLimit = 1000
    /// Export size bounds (`max`).
    public static let defaultExportMaximum = 10_000
    public static let exportMaximum = 100_000

    /// The sources asked for, in a fixed order (NHM, then VertNet).
    public var sources: [UpstreamSource] = UpstreamSource.allCases
    public var filters = RecordFilters()
    /// Records per page (1…1000).
    public var limit = Self.defaultLimit
    /// For export: how many records at most.
    public var maximum = Self.defaultExportMaximum
    /// The `next` value of the previous page, still to be verified.
    public var cursor: String?
    /// The record fields to return, in the order given; nil means all.
    public var fields: [String]?
    /// The format asked for in `format` (the `Accept` header is read by the caller).
    public var format: RecordFormat?
    /// What was changed in the request rather than refused (a clamped `limit`).
    public var warnings: [String] = []

    public init() {}

    /// The names `/v1/records` accepts.
    public static func parameterNames(for endpoint: Endpoint) -> [String] {
        let filters = ["q"] + RecordFilters.termNames + ["year", "yearFrom", "yearTo", "hasCoordinates", "version"]
        switch endpoint {
        case .page: return ["source"] + filters + ["limit", "cursor", "fields", "format"]
        case .export: return ["source"] + filters + ["max", "cursor", "fields", "format"]
        }
    }

    /// The record fields `fields` may name.
    public static let fieldNames: [String] = ["source", "id", "sourceUrl"] + DarwinCoreTerm.allCases.map(\.rawValue) + ["extensions"]

    /// Parses parameters: strings (or lists of strings for repeated keys) from a query string, or typed
    /// JSON values from a POST body.
    public static func parse(_ parameters: JSONObject, endpoint: Endpoint = .page) throws(QueryRejection) -> RecordQuery {
        var reader = ParameterReader(parameters: parameters)
        var query = RecordQuery()
        let known = Set(Self.parameterNames(for: endpoint))
        for (name, _) in parameters where !known.contains(name) {
            reader.fail(name, "unknown parameter; the parameters are \(Self.parameterNames(for: endpoint).joined(separator: ", "))")
        }

        if let names = reader.list("source") {
            var sources = Set<UpstreamSource>()
            for name in names {
                if let source = UpstreamSource(rawValue: name.lowercased()) {
                    sources.insert(source)
                } else {
                    reader.fail("source", "'\(name)' is not a source; use nhm, vertnet or both, comma-separated")
                }
            }
            if names.isEmpty { reader.fail("source", "name at least one source: nhm, vertnet") }
            query.sources = UpstreamSource.allCases.filter(sources.contains)
        }
        query.filters.q = reader.text("q")
        for name in RecordFilters.termNames {
            if let value = reader.text(name) { query.filters.terms[name] = value }
        }
        query.filters.year = reader.integer("year", in: 0...9999)
        query.filters.yearFrom = reader.integer("yearFrom", in: 0...9999)
        query.filters.yearTo = reader.integer("yearTo", in: 0...9999)
        if let from = query.filters.yearFrom, let to = query.filters.yearTo, from > to {
            reader.fail("yearFrom", "is after yearTo (\(from) > \(to))")
        }
        query.filters.hasCoordinates = reader.boolean("hasCoordinates")
        query.filters.version = reader.integer("version", in: 0...Int.max).map { Int64($0) }
        switch endpoint {
        case .page:
            if let limit = reader.integer("limit", in: 1...Int.max) {
                query.limit = min(limit, Self.maximumLimit)
                if limit > Self.maximumLimit {
                    query.warnings.append("limit \(limit) was clamped to \(Self.maximumLimit), the largest page /v1/records serves")
                }
            }
        case .export:
            query.limit = Self.maximumLimit
            if let maximum = reader.integer("max", in: 1...Int.max) {
                query.maximum = min(maximum, Self.exportMaximum)
                if maximum > Self.exportMaximum {
                    query.warnings.append("max \(maximum) was clamped to \(Self.exportMaximum), the largest export")
                }
            }
        }
        if let cursor = reader.text("cursor") { query.cursor = cursor }
        if let fields = reader.list("fields") {
            let allowed = Set(Self.fieldNames)
            for field in fields where !allowed.contains(field) {
                reader.fail("fields", "'\(field)' is not a record field; the fields are \(Self.fieldNames.joined(separator: ", "))")
            }
            if fields.isEmpty { reader.fail("fields", "name at least one record field") }
            var seen = Set<String>()
            query.fields = fields.filter { seen.insert($0).inserted }
        }
        if let name = reader.text("format") {
            if let format = RecordFormat(rawValue: name.lowercased()) {
                query.format = format
            } else {
                reader.fail("format", "'\(name)' is not a format; use json, ndjson, csv or geojson")
            }
        }
        if endpoint == .export, query.format == .json {
            reader.fail("format", "an export streams ndjson, csv or geojson; page through /v1/records for json")
        }
        guard reader.problems.isEmpty else { throw QueryRejection(reader.problems) }
        return query
    }

    /// What identifies the question a cursor belongs to: the sources and the filters (not the page size,
    /// fields or format, which may change from page to page).
    public var fingerprint: String {
        var object = JSONObject()
        object["source"] = .array(self.sources.map { .string($0.rawValue) })
        if let q = self.filters.q { object["q"] = .string(q) }
        for (name, value) in self.filters.terms { object[name] = .string(value) }
        if let year = self.filters.year { object["year"] = .integer(Int64(year)) }
        if let from = self.filters.yearFrom { object["yearFrom"] = .integer(Int64(from)) }
        if let to = self.filters.yearTo { object["yearTo"] = .integer(Int64(to)) }
        if let flag = self.filters.hasCoordinates { object["hasCoordinates"] = .bool(flag) }
        if let version = self.filters.version { object["version"] = .integer(version) }
        return String(SHA256Hex.digest(Array(JSONValue.object(object).canonicalString.utf8)).prefix(32))
    }
}

/// Reads typed values out of request parameters, collecting a problem per bad parameter.
struct ParameterReader {
    let parameters: JSONObject
    var problems: [QueryProblem] = []

    mutating func fail(_ name: String, _ detail: String) {
        self.problems.append(QueryProblem(parameter: name, detail: detail))
    }

    /// One scalar value as text: a string, or a number in a JSON body. Empty text is refused.
    mutating func text(_ name: String) -> String? {
        switch self.parameters[name] {
        case nil, .null: return nil
        case .string(let text):
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                self.fail(name, "is empty; leave it out or give a value")
                return nil
            }
            return text
        case .integer(let number): return String(number)
        case .double(let number): return String(number)
        case .array: self.fail(name, "was given more than once; give one value")
        default: self.fail(name, "must be a string")
        }
        return nil
    }

    /// A whole number in `range`.
    mutating func integer(_ name: String, in range: ClosedRange<Int>) -> Int? {
        let number: Int?
        switch self.parameters[name] {
        case nil, .null: return nil
        case .integer(let value): number = Int(exactly: value)
        case .double(let value): number = value.rounded() == value && abs(value) < 9e15 ? Int(value) : nil
        case .string(let text): number = Int(text.trimmingCharacters(in: .whitespaces))
        case .array:
            self.fail(name, "was given more than once; give one value")
            return nil
        default: number = nil
        }
        guard let number else {
            self.fail(name, "must be a whole number")
            return nil
        }
        guard range.contains(number) else {
            let bounds = range.upperBound == Int.max ? "at least \(range.lowerBound)" : "between \(range.lowerBound) and \(range.upperBound)"
            self.fail(name, "must be \(bounds); got \(number)")
            return nil
        }
        return number
    }

    /// `true`/`false` (also `1`/`0`, `yes`/`no` in a query string).
    mutating func boolean(_ name: String) -> Bool? {
        switch self.parameters[name] {
        case nil, .null: return nil
        case .bool(let flag): return flag
        case .string(let text):
            switch text.lowercased() {
            case "true", "1", "yes": return true
            case "false", "0", "no": return false
            default: break
            }
        case .array:
            self.fail(name, "was given more than once; give one value")
            return nil
        default: break
        }
        self.fail(name, "must be true or false")
        return nil
    }

    /// A list: a JSON array of strings, a comma-separated string, or a repeated query parameter.
    mutating func list(_ name: String) -> [String]? {
        let items: [JSONValue]
        switch self.parameters[name] {
        case nil, .null: return nil
        case .string(let text): items = [.string(text)]
        case .array(let values): items = values
        default:
            self.fail(name, "must be a list of names or a comma-separated string")
            return nil
        }
        var names: [String] = []
        for item in items {
            guard case .string(let text) = item else {
                self.fail(name, "must be a list of names or a comma-separated string")
                return nil
            }
            names += text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        return names
    }
}
