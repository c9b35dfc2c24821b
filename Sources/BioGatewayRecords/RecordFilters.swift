import BioGatewayJSON
import BioGatewayQuery
import Foundation

/// The filters of a unified search, and their exact translation into each upstream's own language.
///
/// Translation never approximates: a filter an upstream cannot express exactly makes that upstream
/// ``Translation/unsupported(_:)`` (naming the filters), so the caller can refuse (one source named) or
/// skip that source and say so (federated), instead of returning wrong records.
public struct RecordFilters: Sendable, Hashable {
    /// The term filters, by their Darwin Core names, in the order `/v1/records` documents them.
    public static let termNames = [
        "scientificName", "genus", "family", "order", "class", "country", "stateProvince", "institutionCode",
        "collectionCode", "catalogNumber", "basisOfRecord",
    ]

    /// Free text.
    public var q: String?
    /// Term filters: Darwin Core name → value.
    public var terms: [String: String] = [:]
    public var year: Int?
    public var yearFrom: Int?
    public var yearTo: Int?
    public var hasCoordinates: Bool?
    /// The NHM data version to search (ms since the epoch): the data as it stood then, the same on every page
    /// and every later day. VertNet has no data versions.
    public var version: Int64?

    public init(
        q: String? = nil,
        terms: [String: String] = [:],
        year: Int? = nil,
        yearFrom: Int? = nil,
        yearTo: Int? = nil,
        hasCoordinates: Bool? = nil
    ) {
        self.q = q
        self.terms = terms
        self.year = year
        self.yearFrom = yearFrom
        self.yearTo = yearTo
        self.hasCoordinates = hasCoordinates
    }

    /// What a source makes of the filters.
    public enum Translation<Request: Sendable & Hashable>: Sendable, Hashable {
        case request(Request)
        /// The source cannot express these filters exactly (with the reason for each).
        case unsupported([QueryProblem])
    }

    /// The NHM `datastore_search` on `resourceID` (first page, the portal's default size): `q` as full text,
    /// terms as exact case-insensitive `filters` (a scientific name as its parts, see ``addNHMName(_:to:)``),
    /// `year` as a filter, `hasCoordinates=true` as `_has_lat_long`. NHM's basic search has no ranges and
    /// no "lacks coordinates" filter.
    public func nhmQuery(resourceID: String) -> Translation<NHMSearchQuery> {
        var problems: [QueryProblem] = []
        if self.yearFrom != nil {
            problems.append(QueryProblem(parameter: "yearFrom", detail: "the NHM Data Portal's search has no year ranges"))
        }
        if self.yearTo != nil {
            problems.append(QueryProblem(parameter: "yearTo", detail: "the NHM Data Portal's search has no year ranges"))
        }
        if self.hasCoordinates == false {
            problems.append(
                QueryProblem(parameter: "hasCoordinates", detail: "the NHM Data Portal can select records with coordinates, not without")
            )
        }
        var filters = JSONObject()
        for name in Self.termNames where name != "scientificName" {
            if let value = self.terms[name] { filters[name] = .string(value) }
        }
        if let name = self.terms["scientificName"] {
            if let problem = Self.addNHMName(name, to: &filters) { problems.append(problem) }
        }
        guard problems.isEmpty else { return .unsupported(problems) }
        if let year = self.year { filters["year"] = .string(String(year)) }
        if self.hasCoordinates == true { filters["_has_lat_long"] = .bool(true) }
        return .request(NHMSearchQuery(resourceID: resourceID, text: self.q, filters: filters, version: self.version))
    }

    /// NHM records write `scientificName` with its authorship (`Bufo bufo (Linnaeus, 1758)`), so a name is
    /// matched on its parts instead: `genus`, `specificEpithet` and, for a trinomial, `infraspecificEpithet`
    /// (case-insensitive exact terms). A one-word name has no such parts and cannot be matched exactly.
    static func addNHMName(_ text: String, to filters: inout JSONObject) -> QueryProblem? {
        guard let name = ScientificName(text) else {
            filters["scientificName"] = .string(text)
            return nil
        }
        guard let epithet = name.specificEpithet else {
            return QueryProblem(
                parameter: "scientificName",
                detail: "the NHM Data Portal writes names with their authorship, so a one-word name ('\(text)') cannot be matched "
                    + "exactly there; use genus, family or order for a higher taxon"
            )
        }
        if let genus = filters["genus"]?.stringValue, genus.lowercased() != name.genus.lowercased() {
            return QueryProblem(parameter: "scientificName", detail: "names the genus \(name.genus), but genus is \(genus)")
        }
        filters["genus"] = .string(name.genus)
        filters["specificEpithet"] = .string(epithet)
        if let infraspecific = name.infraspecificEpithet { filters["infraspecificEpithet"] = .string(infraspecific) }
        return nil
    }

    /// The VertNet query string: `field:value` with VertNet's lowercase names (values with spaces or
    /// punctuation quoted), `year:…`, `year>=…`, `year<=…`, `mappable:1|0`, and the free text. VertNet
    /// needs something to search for, and cannot match a value containing a double quote exactly.
    public var vertnetQuery: Translation<String> {
        var parts: [String] = []
        var problems: [QueryProblem] = []
        for name in Self.termNames {
            guard let value = self.terms[name] else { continue }
            guard !value.contains("\"") else {
                problems.append(QueryProblem(parameter: name, detail: "VertNet's query language cannot match a value containing '\"'"))
                continue
            }
            // VertNet's names carry no authorship: a scientific name is matched on its canonical form
            let matched = name == "scientificName" ? ScientificName(value)?.canonical ?? value : value
            parts.append("\(name.lowercased()):\(Self.vertnetValue(matched))")
        }
        if let year = self.year { parts.append("year:\(year)") }
        if let from = self.yearFrom { parts.append("year>=\(from)") }
        if let to = self.yearTo { parts.append("year<=\(to)") }
        if let hasCoordinates = self.hasCoordinates { parts.append("mappable:\(hasCoordinates ? 1 : 0)") }
        if let q = self.q?.trimmingCharacters(in: .whitespaces), !q.isEmpty { parts.append(q) }
        if self.version != nil {
            problems.append(QueryProblem(parameter: "version", detail: "VertNet has no data versions; version applies to the NHM only"))
        }
        guard problems.isEmpty else { return .unsupported(problems) }
        guard !parts.isEmpty else {
            return .unsupported([QueryProblem(parameter: "q", detail: "VertNet needs a search: give q or at least one filter")])
        }
        return .request(parts.joined(separator: " "))
    }

    /// A value as VertNet matches it: bare when it is one plain word, quoted otherwise, with a backslash
    /// escaped inside the quotes (unescaped, `Bufo\` would escape the closing quote).
    static func vertnetValue(_ value: String) -> String {
        let plain = value.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0) }
        return plain && !value.isEmpty ? value : "\"\(value.replacingOccurrences(of: "\\", with: "\\\\"))\""
    }
}
