import BioGatewayJSON
import BioGatewayQuery
import Foundation

/// The Data Portal's read-only `vds_*` actions (and the aliases `datastore_query_extent`, `record_show`) over
/// the generated specimens, in the v6 result shapes (shared/reference/nhm-v6-actions.md): validated with the
/// same schemas the gateway uses, the 409 envelopes, GET refused on POST-only actions, the one datastore
/// resource, and the data versions of ``NHMSearchEngine/ingestVersions``.
struct NHMActionSimulator: Sendable {
    let engine: NHMSearchEngine

    static let contentType = NHMSimulator.contentType

    func answer(_ name: String, _ parameters: JSONObject, isGet: Bool) -> SimulatedAnswer {
        let canonicalName = NHMAction.aliases[name] ?? name
        guard let action = NHMAction.readOnly[canonicalName] else {
            if NHMAction.refused.contains(name) {
                if isGet { return NHMSimulator.badRequest("Bad request - JSON Error: Invalid request. Please use POST method for your request") }
                return Self.envelope(name, error: ["__type": "Authorization Error", "message": "Access denied"], status: 403)
            }
            return NHMSimulator.badRequest("Bad request - Action name not known: \(name)")
        }
        let query: NHMActionQuery
        do {
            query = try NHMActionQuery.parse(action, parameters)
        } catch {
            return .json(409, JSONWriter(style: .compact).bytes(error.envelope(action: name)), contentType: Self.contentType)
        }
        let p = query.parameters
        if let id = p["resource_id"]?.stringValue, id != self.engine.resourceID {
            return self.validationError(name, field: "resource_id", "No resource IDs are datastore resources")
        }
        let version = query.version
        switch canonicalName {
        case "vds_basic_query":
            var search = p
            search["resource_id"] = .string(self.engine.resourceID)
            guard let basic = try? NHMSearchQuery.parse(search), let result = try? self.engine.search(basic) else {
                return NHMSimulator.internalServerError
            }
            return Self.success(name, bytes: result)
        case "vds_basic_count":
            return Self.success(name, .integer(Int64(self.matching(p, version: version).count)))
        case "vds_basic_extent":
            return Self.success(name, self.extent(self.matching(p, version: version)))
        case "vds_basic_autocomplete":
            let limit = Int(p["limit"]?.integerValue ?? 20)
            let values = self.values(of: p["field"]?.stringValue ?? "", in: self.matching(p, version: version), prefix: p["term"]?.stringValue ?? "")
            let page = Array(values.prefix(limit))
            var result: JSONObject = ["values": .array(page.map { .string($0) })]
            if let last = page.last { result["after"] = .string(last) }
            return Self.success(name, .object(result))
        case "vds_multi_query":
            guard let indices = self.multiMatching(p) else { return self.noResources(name) }
            return Self.success(name, self.multiPage(indices, size: Int(p["size"]?.integerValue ?? 100), after: p["after"]?.arrayValue))
        case "vds_multi_count":
            guard let indices = self.multiMatching(p) else { return self.noResources(name) }
            return Self.success(name, ["total": .integer(Int64(indices.count)), "counts": [self.engine.resourceID: .integer(Int64(indices.count))]])
        case "vds_multi_autocomplete_value":
            guard let indices = self.multiMatching(p) else { return self.noResources(name) }
            let size = Int(p["size"]?.integerValue ?? 20)
            var values = self.values(of: p["field"]?.stringValue ?? "", in: indices, prefix: p["prefix"]?.stringValue ?? "")
            if let after = p["after"]?.stringValue { values = values.filter { $0 >= after } }
            // the upstream's quirk: `after` is the (size+1)-th value, which no page returns
            var result: JSONObject = ["values": .array(values.prefix(size).map { .string($0) })]
            if values.count > size { result["after"] = .string(values[size]) }
            return Self.success(name, .object(result))
        case "vds_multi_autocomplete_field":
            return Self.success(name, self.fieldsAutocomplete(text: p["text"]?.stringValue ?? ""))
        case "vds_multi_hash":
            let text = (p["query"] ?? .object(JSONObject())).canonicalString + (p["query_version"]?.stringValue ?? "v1.0.0")
            return Self.success(name, .string(String(SHA256Hex.digest(Array(text.utf8)).prefix(40))))
        case "vds_version_resource":
            return Self.success(name, .array(self.engine.versions.map { .integer($0) }))
        case "vds_version_round":
            return Self.success(name, .integer(Self.round(version, versions: self.engine.versions)))
        case "vds_version_record":
            guard let index = self.index(ofRecord: p["record_id"]?.stringValue) else { return Self.success(name, .array([])) }
            return Self.success(name, [.integer(self.engine.recordVersions[index])])
        case "vds_data_get":
            guard let index = self.index(ofRecord: p["record_id"]?.stringValue), self.engine.isVisible(index, at: version) else {
                return Self.envelope(name, error: ["__type": "Not Found Error", "message": "Not found"], status: 404)
            }
            return Self.success(name, ["data": .object(self.engine.records[index].fields), "resource_id": .string(self.engine.resourceID)])
        case "vds_schema_latest":
            return Self.success(name, "v1.0.0")
        case "vds_options_get":
            return Self.success(
                name,
                [
                    "true_values": ["true", "yes", "y"], "false_values": ["false", "no", "n"],
                    "date_formats": ["%Y-%m-%d", "%Y-%m-%dT%H:%M:%S"],
                    "geo_hints": [["latitude_field": "decimalLatitude", "longitude_field": "decimalLongitude"]],
                ]
            )
        default:
            return NHMSimulator.badRequest("Bad request - Action name not known: \(name)")
        }
    }

    // MARK: Matching

    /// The basic family's matches: `q` and `filters` as `datastore_search` reads them, at `version`.
    func matching(_ p: JSONObject, version: Int64?) -> [Int] {
        var search: JSONObject = ["resource_id": .string(self.engine.resourceID)]
        search["q"] = p["q"]
        search["filters"] = p["filters"]
        guard let query = try? NHMSearchQuery.parse(search) else { return [] }
        return self.engine.records.indices.filter {
            self.engine.isVisible($0, at: version) && self.engine.matches(self.engine.records[$0], query)
        }
    }

    /// The multi family's matches (the `query` schema's `search`, and its filter groups and terms but the
    /// named and custom areas, which match every record with coordinates), or nil when none of `resource_ids`
    /// is the one resource. The gateway sends the query normalised and valid; the simulator validates it too.
    func multiMatching(_ p: JSONObject) -> [Int]? {
        if let ids = p["resource_ids"]?.arrayValue, !ids.contains(.string(self.engine.resourceID)) { return nil }
        let query = p["query"]?.objectValue ?? JSONObject()
        let version = p["version"]?.integerValue
        let words = Tokenizer.tokens(query["search"]?.stringValue ?? "")
        return self.engine.records.indices.filter { index in
            guard self.engine.isVisible(index, at: version) else { return false }
            let record = self.engine.records[index]
            if !words.allSatisfy(record.tokens.contains) { return false }
            guard let filters = query["filters"] else { return true }
            return Self.matches(record, group: filters)
        }
    }

    static func matches(_ record: SimulatedRecord, group: JSONValue) -> Bool {
        guard let object = group.objectValue, let kind = object.keys.first else { return true }
        return Self.matches(record, kind: kind, body: object[kind]!)
    }

    static func matches(_ record: SimulatedRecord, kind: String, body: JSONValue) -> Bool {
        let fields = body["fields"]?.arrayValue?.compactMap { $0.stringValue } ?? []
        switch kind {
        case "and": return (body.arrayValue ?? []).allSatisfy { matches(record, group: $0) }
        case "or": return (body.arrayValue ?? []).contains { matches(record, group: $0) }
        case "not": return !(body.arrayValue ?? []).contains { matches(record, group: $0) }
        case "string_equals", "string_contains":
            let value = body["value"]?.stringValue?.lowercased() ?? ""
            // string_contains with no fields searches every field, as the top-level search does
            let searched: [String?] = kind == "string_contains" && fields.isEmpty ? [nil] : fields
            return searched.contains { field in
                let values = record.values(of: field).map { $0.lowercased() }
                return kind == "string_equals" ? values.contains(value) : values.contains { $0.contains(value) }
            }
        case "number_equals", "number_range":
            return fields.contains { field in
                record.values(of: field).compactMap { Double($0) }.contains { Self.number($0, matches: kind, body) }
            }
        case "exists":
            if body["geo_field"] == .bool(true) { return Self.coordinates(of: record) != nil }
            return fields.contains { !record.values(of: $0).isEmpty }
        case "geo_point":
            guard let (latitude, longitude) = Self.coordinates(of: record),
                let centreLatitude = body["latitude"]?.doubleValue, let centreLongitude = body["longitude"]?.doubleValue
            else { return false }
            let metres = Self.metres(body["radius"]?.doubleValue ?? 0, unit: body["radius_unit"]?.stringValue ?? "m")
            return Self.distance(latitude, longitude, centreLatitude, centreLongitude) <= metres
        default:  // geo_named_area, geo_custom_area: any record with coordinates
            return Self.coordinates(of: record) != nil
        }
    }

    static func number(_ number: Double, matches kind: String, _ body: JSONValue) -> Bool {
        if kind == "number_equals" { return body["value"]?.doubleValue == number }
        if let bound = body["greater_than"]?.doubleValue {
            let inclusive = body["greater_than_inclusive"] != .bool(false)
            if inclusive ? number < bound : number <= bound { return false }
        }
        if let bound = body["less_than"]?.doubleValue {
            let inclusive = body["less_than_inclusive"] != .bool(false)
            if inclusive ? number > bound : number >= bound { return false }
        }
        return true
    }

    static func coordinates(of record: SimulatedRecord) -> (Double, Double)? {
        guard let latitude = record.string("decimalLatitude").flatMap(Double.init),
            let longitude = record.string("decimalLongitude").flatMap(Double.init)
        else { return nil }
        return (latitude, longitude)
    }

    static func metres(_ radius: Double, unit: String) -> Double {
        let perUnit: [String: Double] = [
            "mi": 1609.344, "yd": 0.9144, "ft": 0.3048, "in": 0.0254, "km": 1000, "m": 1, "cm": 0.01, "mm": 0.001, "nmi": 1852,
        ]
        return radius * (perUnit[unit] ?? 1)
    }

    /// Great-circle distance in metres (haversine), as Elasticsearch's `geo_distance` measures it.
    static func distance(_ latitude1: Double, _ longitude1: Double, _ latitude2: Double, _ longitude2: Double) -> Double {
        let radians = Double.pi / 180
        let dLatitude = (latitude2 - latitude1) * radians
        let dLongitude = (longitude2 - longitude1) * radians
        let a = pow(sin(dLatitude / 2), 2) + cos(latitude1 * radians) * cos(latitude2 * radians) * pow(sin(dLongitude / 2), 2)
        return 2 * 6_371_008.8 * asin(min(1, a.squareRoot()))
    }

    // MARK: Results

    /// A multi page: sorted by version desc, `_id` desc; `after` is the last hit's `[version, _id, index]`.
    func multiPage(_ indices: [Int], size: Int, after: [JSONValue]?) -> JSONValue {
        let id: (Int) -> String = { self.engine.records[$0].string("_id")?.lowercased() ?? "" }
        var ordered = indices.sorted { lhs, rhs in
            let (left, right) = (self.engine.recordVersions[lhs], self.engine.recordVersions[rhs])
            return left != right ? left > right : id(lhs) > id(rhs)
        }
        if let after, after.count >= 2, let afterVersion = after[0].integerValue, let afterID = after[1].stringValue {
            ordered = ordered.filter { index in
                let version = self.engine.recordVersions[index]
                return version < afterVersion || (version == afterVersion && id(index) < afterID)
            }
        }
        let page = Array(ordered.prefix(size))
        let records: [JSONValue] = page.map { ["data": .object(self.engine.records[$0].fields), "resource": .string(self.engine.resourceID)] }
        var afterValue: JSONValue = .null
        if ordered.count > page.count, let last = page.last {
            afterValue = [.integer(self.engine.recordVersions[last]), .string(id(last)), .string("data-\(self.engine.resourceID)-latest")]
        }
        return ["total": .integer(Int64(indices.count)), "after": afterValue, "records": .array(records)]
    }

    func extent(_ indices: [Int]) -> JSONValue {
        var result: JSONObject = ["total_count": .integer(Int64(indices.count))]
        var points: [(Double, Double)] = []
        for index in indices {
            let record = self.engine.records[index]
            if let lat = record.string("decimalLatitude").flatMap(Double.init), let lon = record.string("decimalLongitude").flatMap(Double.init) {
                points.append((lat, lon))
            }
        }
        result["geom_count"] = .integer(Int64(points.count))
        if !points.isEmpty {
            let top = points.map(\.0).max()!
            let bottom = points.map(\.0).min()!
            let left = points.map(\.1).min()!
            let right = points.map(\.1).max()!
            result["bounds"] = [[.double(top), .double(left)], [.double(bottom), .double(right)]]
        }
        return .object(result)
    }

    /// Distinct values of `field` starting with `prefix`, lowercased, ascending.
    func values(of field: String, in indices: [Int], prefix: String) -> [String] {
        let prefix = prefix.lowercased()
        var values = Set<String>()
        for index in indices {
            for value in self.engine.records[index].values(of: field) where value.lowercased().hasPrefix(prefix) {
                values.insert(value.lowercased())
            }
        }
        return values.sorted()
    }

    func fieldsAutocomplete(text: String) -> JSONValue {
        var names = Set<String>()
        for record in self.engine.records.prefix(2_000) { names.formUnion(record.fields.keys) }
        var fields = JSONObject()
        for name in names.sorted() where text.isEmpty || name.lowercased().contains(text.lowercased()) {
            fields[name] = [
                self.engine.resourceID: [
                    "name": .string(name), "path": .string(name), "count": .integer(Int64(self.engine.records.count)),
                    "text": true, "keyword": true,
                ]
            ]
        }
        return ["count": .integer(Int64(fields.count)), "fields": .object(fields)]
    }

    func index(ofRecord id: String?) -> Int? {
        guard let id else { return nil }
        return self.engine.records.firstIndex { $0.string("_id") == id }
    }

    /// `vds_version_round`: none or one at or past the latest → the latest; below the earliest → unchanged;
    /// otherwise the greatest version at or below it.
    static func round(_ version: Int64?, versions: [Int64]) -> Int64 {
        guard let version, version < versions.last! else { return versions.last! }
        return versions.last { $0 <= version } ?? version
    }

    // MARK: Envelopes

    func validationError(_ action: String, field: String, _ message: String) -> SimulatedAnswer {
        .json(
            409,
            JSONWriter(style: .compact).bytes(NHMValidationError(field: field, message).envelope(action: action)),
            contentType: Self.contentType
        )
    }

    func noResources(_ action: String) -> SimulatedAnswer {
        self.validationError(action, field: "resource_ids", "No resource IDs are datastore resources")
    }

    static func success(_ action: String, _ result: JSONValue) -> SimulatedAnswer {
        Self.success(action, bytes: JSONWriter(style: .compact).bytes(result))
    }

    static func success(_ action: String, bytes result: [UInt8]) -> SimulatedAnswer {
        var body: [UInt8] = Array("{\"help\":\"\(NHMAction.helpURL(action))\",\"success\":true,\"result\":".utf8)
        body.append(contentsOf: result)
        body.append(UInt8(ascii: "}"))
        return .json(200, body, contentType: Self.contentType)
    }

    static func envelope(_ action: String, error: JSONValue, status: Int) -> SimulatedAnswer {
        let body: JSONValue = ["help": .string(NHMAction.helpURL(action)), "success": false, "error": error]
        return .json(status, JSONWriter(style: .compact).bytes(body), contentType: Self.contentType)
    }
}
