import BioGatewayJSON
import BioGatewayQuery

/// Writes unified records in one of the ``RecordFormat``s, either as a whole page or piece by piece
/// (``head()``, ``write(_:index:into:)``, ``tail(metadata:)``) for a streamed export.
public struct RecordWriter: Sendable {
    public let format: RecordFormat
    /// The fields to keep, in order; nil keeps all.
    public let fields: [String]?
    private let json = JSONWriter(style: .compact)

    /// The CSV columns when `fields` is not given: `source`, `id`, `sourceUrl`, then the Darwin Core terms
    /// in ``DarwinCoreTerm``'s order (extensions are left out; name `extensions` in `fields` to get them as
    /// a JSON column).
    public static let defaultCSVColumns = ["source", "id", "sourceUrl"] + DarwinCoreTerm.allCases.map(\.rawValue)

    public init(format: RecordFormat, fields: [String]?) {
        self.format = format
        self.fields = fields
    }

    /// A record with only the asked-for fields, in the asked-for order.
    public func project(_ record: JSONObject) -> JSONObject {
        guard let fields else { return record }
        return JSONObject(fields.map { ($0, record[$0] ?? .null) })
    }

    /// A whole page: the records, and `metadata` (`total`, `sources`, `next`, `warnings`) in the JSON
    /// envelope or the GeoJSON collection. NDJSON and CSV carry only records (the caller puts the metadata
    /// in headers).
    public func page(_ records: [JSONObject], metadata: JSONObject) -> [UInt8] {
        var output = self.head()
        for (index, record) in records.enumerated() { self.write(record, index: index, into: &output) }
        output += self.tail(metadata: metadata)
        return output
    }

    /// What comes before the first record.
    public func head() -> [UInt8] {
        switch self.format {
        case .json: Array(#"{"records":["#.utf8)
        case .ndjson: []
        case .csv: self.csvRow(self.csvColumns.map { .string($0) })
        case .geojson: Array(#"{"type":"FeatureCollection","features":["#.utf8)
        }
    }

    /// Appends one record; `index` is its place in the output (0 for the first).
    public func write(_ record: JSONObject, index: Int, into output: inout [UInt8]) {
        switch self.format {
        case .json:
            if index > 0 { output.append(UInt8(ascii: ",")) }
            self.json.write(.object(self.project(record)), into: &output)
        case .ndjson:
            self.json.write(.object(self.project(record)), into: &output)
            output.append(UInt8(ascii: "\n"))
        case .csv:
            output += self.csvRow(self.csvColumns.map { record[$0] ?? .null })
        case .geojson:
            if index > 0 { output.append(UInt8(ascii: ",")) }
            self.json.write(.object(self.feature(record)), into: &output)
        }
    }

    /// What comes after the last record: the rest of the envelope with `metadata`'s members.
    public func tail(metadata: JSONObject) -> [UInt8] {
        switch self.format {
        case .ndjson, .csv: return []
        case .json, .geojson:
            var output = Array("]".utf8)
            for (name, value) in metadata {
                output += Array(",".utf8) + self.json.bytes(.string(name)) + Array(":".utf8) + self.json.bytes(value)
            }
            return output + Array("}".utf8)
        }
    }

    /// A GeoJSON Feature: a Point `[decimalLongitude, decimalLatitude]`, or null geometry without both.
    func feature(_ record: JSONObject) -> JSONObject {
        var feature = JSONObject()
        feature["type"] = "Feature"
        feature["id"] = record["id"] ?? .null
        if let latitude = record["decimalLatitude"]?.doubleValue, let longitude = record["decimalLongitude"]?.doubleValue {
            feature["geometry"] = ["type": "Point", "coordinates": [.double(longitude), .double(latitude)]]
        } else {
            feature["geometry"] = .null
        }
        feature["properties"] = .object(self.project(record))
        return feature
    }

    var csvColumns: [String] { self.fields ?? Self.defaultCSVColumns }

    /// One CSV row (RFC 4180): fields quoted when they hold a comma, a quote or a line break, quotes
    /// doubled, CRLF at the end. Null is an empty field; objects are written as JSON.
    func csvRow(_ values: [JSONValue]) -> [UInt8] {
        var output: [UInt8] = []
        for (index, value) in values.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            let text: String
            switch value {
            case .null: text = ""
            case .string(let string): text = string
            default: text = self.json.string(value)
            }
            if text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\r" || $0 == "\n" || $0 == "\r\n" }) {
                output.append(UInt8(ascii: "\""))
                output += Array(text.replacingOccurrences(of: "\"", with: "\"\"").utf8)
                output.append(UInt8(ascii: "\""))
            } else {
                output += Array(text.utf8)
            }
        }
        return output + [UInt8(ascii: "\r"), UInt8(ascii: "\n")]
    }
}
