import BioGatewayJSON
import BioGatewayQuery

/// One upstream answer, read for a federated search: its records (already unified), its total and where
/// the next page starts.
public struct SourcePage: Sendable {
    /// The records, in the gateway's unified shape.
    public var records: [JSONObject]
    /// The source's count of matching records.
    public var total: RecordTotal
    /// NHM: the `after` value for the next page (nil on the last page).
    public var after: [JSONValue]?
    /// VertNet: the cursor of the next page (nil on the last page).
    public var cursor: String?

    /// Why an answer could not be read.
    public struct Unreadable: Error, Sendable, CustomStringConvertible {
        public var description: String

        public init(description: String) { self.description = description }
    }

    /// Reads an upstream's 200 answer.
    public static func read(_ body: some Collection<UInt8>, source: UpstreamSource) throws(Unreadable) -> SourcePage {
        let document: JSONValue
        do {
            document = try JSONParser.parse(body)
        } catch {
            throw Unreadable(description: "\(source.displayName) answered with something that is not JSON")
        }
        switch source {
        case .nhm: return try self.nhm(document)
        case .vertnet: return try self.vertnet(document)
        }
    }

    /// `{"success": true, "result": {"records": [...], "total": N, "after": [...] | null}}`.
    static func nhm(_ document: JSONValue) throws(Unreadable) -> SourcePage {
        guard let result = document.objectValue?["result"]?.objectValue, let records = result["records"]?.arrayValue,
            let total = result["total"]?.integerValue
        else { throw Unreadable(description: "the NHM Data Portal's answer has no result.records or result.total") }
        return SourcePage(
            records: records.compactMap(\.objectValue).map { UnifiedRecord.make(from: $0, source: .nhm) },
            total: RecordTotal(value: Int(total), isLowerBound: false),
            after: result["after"]?.arrayValue
        )
    }

    /// `{"recs": [...], "matching_records": N | "N" | ">10000", "cursor": "..." | null}`.
    static func vertnet(_ document: JSONValue) throws(Unreadable) -> SourcePage {
        guard let object = document.objectValue, let records = object["recs"]?.arrayValue else {
            throw Unreadable(description: "VertNet's answer has no recs")
        }
        let total: RecordTotal
        switch object["matching_records"] {
        case .string(let text) where text.hasPrefix(">"):
            total = RecordTotal(value: Int(text.dropFirst()) ?? 10_000, isLowerBound: true)
        case .string(let text):
            total = RecordTotal(value: Int(text) ?? records.count, isLowerBound: Int(text) == nil)
        case .some(let value) where value.integerValue != nil:
            total = RecordTotal(value: Int(value.integerValue!), isLowerBound: false)
        default:
            total = RecordTotal(value: records.count, isLowerBound: true)
        }
        return SourcePage(
            records: records.compactMap(\.objectValue).map { UnifiedRecord.make(from: $0, source: .vertnet) },
            total: total,
            cursor: object["cursor"]?.stringValue
        )
    }
}
