/// The formats `/v1/records` writes.
public enum RecordFormat: String, Sendable, CaseIterable {
    /// The page envelope: records, totals, per-source status, `next`, warnings.
    case json
    /// One record per line (the page's metadata goes in headers).
    case ndjson
    /// A header row of the record's fields in a fixed order, then one row per record (RFC 4180).
    case csv
    /// A FeatureCollection of Points `[decimalLongitude, decimalLatitude]`.
    case geojson

    /// The `Content-Type` of an answer in this format.
    public var contentType: String {
        switch self {
        case .json: "application/json; charset=utf-8"
        case .ndjson: "application/x-ndjson; charset=utf-8"
        case .csv: "text/csv; charset=utf-8; header=present"
        case .geojson: "application/geo+json; charset=utf-8"
        }
    }

    /// The format an `Accept` header asks for: the first media type listed that names one (quality values
    /// are not weighed), or nil when none does.
    public init?(accept: String) {
        for item in accept.split(separator: ",") {
            let mediaType = item.split(separator: ";").first?.trimmingCharacters(in: .whitespaces).lowercased() ?? ""
            switch mediaType {
            case "application/json": self = .json
            case "application/x-ndjson", "application/ndjson", "application/jsonl", "application/x-jsonlines": self = .ndjson
            case "text/csv": self = .csv
            case "application/geo+json", "application/vnd.geo+json": self = .geojson
            default: continue
            }
            return
        }
        return nil
    }
}
