import BioGatewayJSON
import BioGatewayQuery
import NIOCore

/// Recognises each upstream's JSON envelope, so only real answers are passed on as answers and cached.
public enum UpstreamEnvelope {
    /// What a body turned out to be.
    public enum Kind: Sendable, Equatable {
        /// A successful search result (cacheable), with the number of records on this page.
        case result(records: Int)
        /// The upstream's own structured error (NHM `success: false`), safe to pass on, never cached.
        case error
        /// Not the upstream's JSON at all.
        case invalid(String)
    }

    /// Classifies a body answering `endpoint` (the NHM action or the VertNet API): a search's records must
    /// be records; other NHM actions' results are checked for presence only (a count, a list of versions, …).
    ///
    /// The body is scanned, not parsed: nothing is built from it (see ``scanned(_:from:endpoint:)``). A body
    /// the scan rejects is parsed, to say what is wrong with it.
    public static func classify(_ body: ByteBuffer, from source: UpstreamSource, endpoint: String = "") -> Kind {
        body.withUnsafeReadableBytes { bytes in
            (try? Self.scanned(bytes, from: source, endpoint: endpoint)) ?? Self.parsed(bytes, from: source, endpoint: endpoint)
        }
    }

    /// The classification made by parsing the whole body into a ``JSONValue``: what ``scanned(_:from:endpoint:)``
    /// must agree with, and what explains a body the scan rejects.
    static func parsed(_ body: some Collection<UInt8>, from source: UpstreamSource, endpoint: String) -> Kind {
        let document: JSONValue
        do {
            document = try JSONParser.parse(body)
        } catch {
            return .invalid("the body is not valid JSON (\(error))")
        }
        guard case .object(let object) = document else { return .invalid("the body is not a JSON object") }
        switch source {
        case .nhm:
            switch object["success"] {
            case .bool(true):
                guard Self.searches(endpoint) else {
                    guard object["result"] != nil else { return .invalid("a successful NHM answer without a result") }
                    return .result(records: 0)
                }
                guard case .object(let result) = object["result"] else {
                    return .invalid("a successful NHM answer without a result object")
                }
                guard case .array(let records) = result["records"] else { return .invalid("an NHM result without a records array") }
                if let problem = Self.recordProblem(records, ids: Self.recordIDs(from: source, endpoint: endpoint)) {
                    return .invalid(problem)
                }
                return .result(records: records.count)
            case .bool(false):
                guard case .object = object["error"] else { return .invalid("a failed NHM answer without an error object") }
                return .error
            default:
                return .invalid("the body is not a CKAN action envelope (no success flag)")
            }
        case .vertnet:
            guard case .array(let records) = object["recs"] else { return .invalid("the body has no recs array") }
            if let problem = Self.recordProblem(records, ids: Self.recordIDs(from: source, endpoint: endpoint)) { return .invalid(problem) }
            return .result(records: records.count)
        }
    }

    /// Why a page's records are not records, if they are not: each must be an object and, where the upstream
    /// always identifies its records (VertNet: `keyname`, else an occurrence id), carry one of `ids`. (NHM may
    /// leave `_id` out when `fields` is given, so only the shape is checked there.)
    static func recordProblem(_ records: [JSONValue], ids: [StaticString]) -> String? {
        for (index, record) in records.enumerated() {
            guard case .object(let fields) = record else { return "record \(index) is not an object" }
            if !ids.isEmpty, !ids.contains(where: { fields[$0.description]?.stringValue?.isEmpty == false }) {
                return Self.unidentified(index, ids: ids)
            }
        }
        return nil
    }

    /// The fields one of which must name each record of a page answering `endpoint`: VertNet's `keyname`, else
    /// an occurrence id; the resource of each of NHM's multi-resource records; none for NHM's other pages.
    static func recordIDs(from source: UpstreamSource, endpoint: String) -> [StaticString] {
        switch source {
        case .vertnet: ["keyname", "occurrenceid", "iptrecordid"]
        case .nhm: endpoint == "vds_multi_query" ? ["resource"] : []
        }
    }

    /// Why record `index` is not a record: it names itself with none of `ids`.
    static func unidentified(_ index: Int, ids: [StaticString]) -> String {
        "record \(index) has no \(ids.map(\.description).joined(separator: " or "))"
    }

    /// Whether `endpoint`'s answers are pages of records (NHM; VertNet's always are).
    static func searches(_ endpoint: String) -> Bool {
        switch endpoint {
        case "", "datastore_search", "vds_basic_query", "vds_multi_query": true
        default: false
        }
    }
}
