import BioGatewayJSON
import BioGatewayQuery
import Foundation

/// Runs `datastore_search` over the generated specimens the way the Data Portal (v6) does:
/// full-text `q`, case-insensitive AND term filters, string sorting with `_id desc` tie-breaks,
/// `search_after` paging and the 10,000 window.
struct NHMSearchEngine: Sendable {
    /// Failures the Data Portal reports as 500 `Internal Server Error` (Elasticsearch errors).
    struct SearchFailure: Error {}

    let records: [SimulatedRecord]
    let resourceID: String
    private let encodedRecords: [[UInt8]]
    private let defaultOrder: [Int]
    private let fieldsDescription: JSONValue
    /// The data version (ms since the epoch) each record was ingested at, by index: the generated specimens
    /// arrived in ``ingestVersions``, a fifth at each; records added by ``ingesting(_:at:)`` at later ones.
    let recordVersions: [Int64]
    /// The data versions, ascending.
    let versions: [Int64]

    /// The simulated ingests, ascending: 2020-01-01, 2021-01-01, … 2024-01-01 (ms since the epoch).
    static let ingestVersions: [Int64] = [1_577_836_800_000, 1_609_459_200_000, 1_640_995_200_000, 1_672_531_200_000, 1_704_067_200_000]

    init(records: [SimulatedRecord], resourceID: String, recordVersions: [Int64]? = nil) {
        self.records = records
        self.resourceID = resourceID
        let writer = JSONWriter(style: .compact)
        self.encodedRecords = records.map { writer.bytes(.object($0.fields)) }
        let defaultSort = [SortItem(field: "modified", descending: true)]
        self.defaultOrder = Self.order(Array(records.indices), of: records, by: defaultSort)
        self.fieldsDescription = Self.describeFields(records)
        let versions = recordVersions ?? records.indices.map { Self.ingestVersions[$0 % Self.ingestVersions.count] }
        self.recordVersions = versions
        self.versions = Array(Set(versions)).sorted()
    }

    /// This data with `newRecords` ingested at `version` (later than every version so far).
    func ingesting(_ newRecords: [SimulatedRecord], at version: Int64) -> NHMSearchEngine {
        NHMSearchEngine(
            records: self.records + newRecords,
            resourceID: self.resourceID,
            recordVersions: self.recordVersions + Array(repeating: version, count: newRecords.count)
        )
    }

    /// Whether the record at `index` is in the data as it stood at `version` (all records when nil).
    func isVisible(_ index: Int, at version: Int64?) -> Bool {
        guard let version else { return true }
        return self.recordVersions[index] <= version
    }

    struct SortItem: Hashable {
        var field: String
        var descending: Bool

        init(field: String, descending: Bool) {
            self.field = field
            self.descending = descending
        }

        init(_ text: String) {
            let parts = text.split(separator: " ", omittingEmptySubsequences: true)
            self.field = parts.first.map(String.init) ?? text
            self.descending = parts.count > 1 && parts[1].lowercased() == "desc"
        }
    }

    /// The `result` object of a successful search, encoded.
    func search(_ query: NHMSearchQuery) throws(SearchFailure) -> [UInt8] {
        let sortItems = query.sort.map { $0.map(SortItem.init) } ?? [SortItem(field: "modified", descending: true)]
        let matching: [Int]
        let candidates = self.defaultOrder.filter { self.isVisible($0, at: query.version) && self.matches(self.records[$0], query) }
        if query.sort == nil || sortItems == [SortItem(field: "modified", descending: true)] {
            matching = candidates
        } else {
            matching = Self.order(candidates, of: self.records, by: sortItems)
        }
        var start = query.offset
        if query.offset == 0, let after = query.after {
            guard after.count >= sortItems.count + 1 else { throw SearchFailure() }
            let afterKey: [String?] = try after.prefix(sortItems.count + 1).map { value throws(SearchFailure) in
                switch value {
                case .null: return nil
                case .string(let text): return text.lowercased()
                case .integer(let number): return String(number)
                case .double(let number): return String(number)
                default: throw SearchFailure()
                }
            }
            let position = matching.firstIndex { index in
                Self.compare(Self.sortKey(self.records[index], sortItems), afterKey, sortItems) == .orderedDescending
            }
            start = position ?? matching.count
        }
        let total = matching.count
        let page = start < matching.count ? Array(matching[start..<min(matching.count, start + query.limit)]) : []
        let hasMore = start + page.count < matching.count && !page.isEmpty

        var output: [UInt8] = []
        output.reserveCapacity(page.count * 2_000 + 2_000)
        output.append(contentsOf: "{\"total\":\(total),\"records\":[".utf8)
        let writer = JSONWriter(style: .compact)
        for (offset, index) in page.enumerated() {
            if offset > 0 { output.append(UInt8(ascii: ",")) }
            if let fields = query.fields {
                var projected = JSONObject()
                for key in self.records[index].fields.keys where fields.contains(key) {
                    projected[key] = self.records[index].fields[key]
                }
                output.append(contentsOf: writer.bytes(.object(projected)))
            } else if query.includeURLs {
                var record = self.records[index].fields
                record["permanentUrl"] = .string("https://data.nhm.ac.uk/object/\(record["occurrenceID"]?.stringValue ?? "")")
                output.append(contentsOf: writer.bytes(.object(record)))
            } else {
                output.append(contentsOf: self.encodedRecords[index])
            }
        }
        output.append(contentsOf: "],\"facets\":".utf8)
        output.append(contentsOf: writer.bytes(self.facets(matching, query)))
        output.append(contentsOf: ",\"fields\":".utf8)
        output.append(contentsOf: writer.bytes(self.fieldsDescription))
        output.append(contentsOf: ",\"after\":".utf8)
        if hasMore, let last = page.last {
            var after = Self.sortKey(self.records[last], sortItems).map { $0.map(JSONValue.string) ?? .null }
            after.append(.string("data-\(self.resourceID)-latest"))
            output.append(contentsOf: writer.bytes(.array(after)))
        } else {
            output.append(contentsOf: "null".utf8)
        }
        output.append(UInt8(ascii: "}"))
        return output
    }

    /// What `run_query: false` returns: the indexes and the search body instead of results.
    func describeQuery(_ query: NHMSearchQuery) -> JSONValue {
        var search = JSONObject()
        search["from"] = .integer(Int64(query.offset))
        search["size"] = .integer(Int64(query.limit + 1))
        if let q = query.q { search["query"] = ["match": ["meta.all": q]] }
        if let filters = query.filters { search["filter"] = .object(filters) }
        return ["indexes": [.string("data-\(self.resourceID)")], "search": .object(search)]
    }

    // MARK: Matching

    func matches(_ record: SimulatedRecord, _ query: NHMSearchQuery) -> Bool {
        switch query.q {
        case .string(let text):
            if !Tokenizer.tokens(text).allSatisfy(record.tokens.contains) { return false }
            if Tokenizer.tokens(text).isEmpty { return false }
        case .object(let object):
            for (field, value) in object {
                let wanted = Tokenizer.tokens(value.stringValue ?? JSONWriter(style: .compact).string(value))
                let haystack = field.isEmpty ? record.tokens : record.fieldTokens(field)
                if !wanted.allSatisfy(haystack.contains) { return false }
            }
        default: break
        }
        guard let filters = query.filters else { return true }
        for (field, value) in filters {
            switch field {
            case "_has_lat_long":
                if Self.isTruthy(value) != (record.fields["decimalLatitude"] != nil && record.fields["decimalLongitude"] != nil) {
                    return false
                }
            case "_has_image":
                if Self.isTruthy(value) != (record.fields["associatedMedia"] != nil) { return false }
            case "_exclude_mineralogy":
                if Self.isTruthy(value) && record.string("collectionCode") == "MIN" { return false }
            case "__version__":
                continue
            case "__geo__":
                if !Self.matchesGeo(record, value) { return false }
            default:
                let wanted: [JSONValue] = value.arrayValue ?? [value]
                let terms = record.terms(field)
                for item in wanted {
                    let text: String
                    switch item {
                    case .string(let string): text = string.lowercased()
                    case .integer(let number): text = String(number)
                    case .double(let number): text = String(number)
                    case .bool(let flag): text = flag ? "true" : "false"
                    default: return false
                    }
                    if !terms.contains(text) { return false }
                }
            }
        }
        return true
    }

    static func isTruthy(_ value: JSONValue) -> Bool {
        switch value {
        case .bool(let flag): return flag
        case .string(let text): return ["true", "1", "yes", "t"].contains(text.lowercased())
        case .integer(let number): return number != 0
        default: return false
        }
    }

    /// `{"type": "Point", "coordinates": [lon, lat], "distance": metres}`.
    static func matchesGeo(_ record: SimulatedRecord, _ value: JSONValue) -> Bool {
        guard let latitude = record.string("decimalLatitude").flatMap(Double.init),
            let longitude = record.string("decimalLongitude").flatMap(Double.init),
            value["type"]?.stringValue == "Point",
            let coordinates = value["coordinates"]?.arrayValue, coordinates.count == 2,
            let centreLongitude = coordinates[0].doubleValue, let centreLatitude = coordinates[1].doubleValue,
            let distance = value["distance"]?.doubleValue
        else { return false }
        return Haversine.metres(latitude, longitude, centreLatitude, centreLongitude) <= distance
    }

    // MARK: Sorting

    static func sortKey(_ record: SimulatedRecord, _ items: [SortItem]) -> [String?] {
        items.map { record.string($0.field)?.lowercased() } + [record.string("_id")?.lowercased()]
    }

    /// Orders two sort keys; missing values sort last in both directions; `_id` breaks ties descending.
    static func compare(_ lhs: [String?], _ rhs: [String?], _ items: [SortItem]) -> ComparisonResult {
        for position in 0..<min(lhs.count, rhs.count) {
            let descending = position < items.count ? items[position].descending : true
            switch (lhs[position], rhs[position]) {
            case (nil, nil): continue
            case (nil, _): return .orderedDescending
            case (_, nil): return .orderedAscending
            case (let left?, let right?):
                if left == right { continue }
                let ascending = left < right
                return ascending != descending ? .orderedAscending : .orderedDescending
            }
        }
        return .orderedSame
    }

    static func order(_ indices: [Int], of records: [SimulatedRecord], by items: [SortItem]) -> [Int] {
        let keys = Dictionary(uniqueKeysWithValues: indices.map { ($0, sortKey(records[$0], items)) })
        return indices.sorted { compare(keys[$0]!, keys[$1]!, items) == .orderedAscending }
    }

    // MARK: Envelope parts

    func facets(_ matching: [Int], _ query: NHMSearchQuery) -> JSONValue {
        guard let facets = query.facets, !facets.isEmpty else { return .object(JSONObject()) }
        var result = JSONObject()
        for field in facets {
            var counts: [String: Int] = [:]
            for index in matching {
                for term in Set(self.records[index].terms(field)) { counts[term, default: 0] += 1 }
            }
            let size = Int(query.facetLimits?[field]?.integerValue ?? 10)
            let top = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            var values = JSONObject()
            for (term, count) in top.prefix(size) { values[term] = .integer(Int64(count)) }
            let other = top.dropFirst(size).reduce(0) { $0 + $1.value }
            result[field] = [
                "details": ["sum_other_doc_count": .integer(Int64(other)), "doc_count_error_upper_bound": 0],
                "values": .object(values),
            ]
        }
        return .object(result)
    }

    /// The `fields` list: `_id` first, then each field with the type 80% of its values parse as.
    static func describeFields(_ records: [SimulatedRecord]) -> JSONValue {
        var names = Set<String>()
        for record in records { names.formUnion(record.fields.keys) }
        names.remove("_id")
        var fields: [JSONValue] = [["id": "_id", "type": "string"]]
        for name in names.sorted() {
            var numbers = 0
            var total = 0
            var kind = "string"
            for record in records.prefix(2_000) {
                guard let value = record.fields[name] else { continue }
                total += 1
                switch value {
                case .array: kind = "array"
                case .object: kind = "object"
                case .integer: numbers += 1
                case .string(let text) where Double(text) != nil: numbers += 1
                default: break
                }
            }
            if kind == "string", total > 0, Double(numbers) / Double(total) >= 0.8 { kind = "number" }
            if kind == "string", name == "created" || name == "modified" { kind = "date" }
            fields.append(["id": .string(name), "type": .string(kind), "sortable": .bool(kind != "array" && kind != "object")])
        }
        return .array(fields)
    }
}

/// Great-circle distance.
enum Haversine {
    static func metres(_ lat1: Double, _ lon1: Double, _ lat2: Double, _ lon2: Double) -> Double {
        let radians = Double.pi / 180
        let dLat = (lat2 - lat1) * radians
        let dLon = (lon2 - lon1) * radians
        let a = sin(dLat / 2) * sin(dLat / 2) + cos(lat1 * radians) * cos(lat2 * radians) * sin(dLon / 2) * sin(dLon / 2)
        return 6_371_000 * 2 * atan2(sqrt(a), sqrt(1 - a))
    }
}
