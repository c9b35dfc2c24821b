import BioGatewayJSON
import BioGatewayQuery
import Foundation

/// Turns an upstream's record into the gateway's unified record: Darwin Core terms in camelCase with
/// typed values, `source`, `id` and `sourceUrl` first, and under `extensions.<source>` every field only
/// that source has. A value that does not parse as its term's type (a latitude of `"abc"`) becomes null and
/// is kept verbatim in `extensions`, so nothing a source sent is lost.
public enum UnifiedRecord {
    /// The unified form of a record from `source`.
    public static func make(from record: JSONObject, source: UpstreamSource) -> JSONObject {
        switch source {
        case .nhm: self.fromNHM(record)
        case .vertnet: self.fromVertNet(record)
        }
    }

    /// NHM specimen records already use camelCase Darwin Core names; `_id` is the record's id, and
    /// `occurrenceID` names its page on the Data Portal.
    static func fromNHM(_ record: JSONObject) -> JSONObject {
        var terms: [DarwinCoreTerm: JSONValue] = [:]
        var extensions = JSONObject()
        for (name, value) in record where name != "_id" {
            if let term = DarwinCoreTerm(rawValue: name) {
                Self.assign(value, to: term, originalName: name, terms: &terms, extensions: &extensions)
            } else {
                extensions[name] = value
            }
        }
        let recordID = Self.text(record["_id"])
        let occurrenceID = terms[.occurrenceID]?.stringValue
        return Self.assemble(
            source: .nhm,
            id: recordID.map { "nhm:\($0)" },
            sourceURL: occurrenceID.map { "https://data.nhm.ac.uk/object/\($0)" },
            terms: terms,
            extensions: extensions
        )
    }

    /// VertNet sends lowercase Darwin Core names, every value a string; `references` is the record's page,
    /// `keyname` (or the occurrence id) its id, `iptrecordid` a fallback occurrence id.
    static func fromVertNet(_ record: JSONObject) -> JSONObject {
        var terms: [DarwinCoreTerm: JSONValue] = [:]
        var extensions = JSONObject()
        for (name, value) in record {
            if let term = DarwinCoreTerm.term(lowercased: name) {
                Self.assign(value, to: term, originalName: name, terms: &terms, extensions: &extensions)
            } else {
                extensions[name] = value
            }
        }
        if terms[.occurrenceID] == nil || terms[.occurrenceID] == .null, let fallback = Self.text(record["iptrecordid"]) {
            terms[.occurrenceID] = .string(fallback)
        }
        let id = Self.text(record["keyname"]) ?? terms[.occurrenceID]?.stringValue
        return Self.assemble(
            source: .vertnet,
            id: id.map { "vertnet:\($0)" },
            sourceURL: Self.text(record["references"]),
            terms: terms,
            extensions: extensions
        )
    }

    /// Types one value for its term; what does not fit is kept verbatim in `extensions`.
    static func assign(
        _ value: JSONValue,
        to term: DarwinCoreTerm,
        originalName: String,
        terms: inout [DarwinCoreTerm: JSONValue],
        extensions: inout JSONObject
    ) {
        switch term.kind {
        case .text:
            if let text = Self.text(value) {
                terms[term] = .string(text)
            } else if !value.isNull {
                terms[term] = .null
                extensions[originalName] = value
            }
        case .integer(let range):
            if let number = Self.integer(value), range.contains(number) {
                terms[term] = .integer(number)
            } else if let text = Self.text(value), !text.isEmpty {
                terms[term] = .null
                extensions[originalName] = value
            }
        case .number(let range):
            if let number = Self.number(value), range.contains(number) {
                terms[term] = .double(number)
            } else if let text = Self.text(value), !text.isEmpty {
                terms[term] = .null
                extensions[originalName] = value
            }
        }
    }

    static func assemble(
        source: UpstreamSource,
        id: String?,
        sourceURL: String?,
        terms: [DarwinCoreTerm: JSONValue],
        extensions: JSONObject
    ) -> JSONObject {
        var terms = terms
        if terms[.eventDate]?.stringValue?.isEmpty ?? true {
            terms[.eventDate] = Self.composedDate(year: terms[.year], month: terms[.month], day: terms[.day]).map { .string($0) } ?? .null
        }
        var object = JSONObject()
        object["source"] = .string(source.rawValue)
        object["id"] = id.map { .string($0) } ?? .null
        object["sourceUrl"] = sourceURL.map { .string($0) } ?? .null
        for term in DarwinCoreTerm.allCases { object[term.rawValue] = terms[term] ?? .null }
        object["extensions"] = [source.rawValue: .object(extensions)]
        return object
    }

    /// `1968-09-16`, `1968-09` or `1968` from whichever parts are known.
    static func composedDate(year: JSONValue?, month: JSONValue?, day: JSONValue?) -> String? {
        guard let year = year?.integerValue else { return nil }
        var date = String(format: "%04d", Int(year))
        guard let month = month?.integerValue else { return date }
        date += String(format: "-%02d", Int(month))
        guard let day = day?.integerValue else { return date }
        return date + String(format: "-%02d", Int(day))
    }

    /// A text value: strings as they are (trimmed; empty is nil), numbers written out, arrays joined with
    /// ` | ` (Darwin Core's list separator).
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text):
            // most values have nothing to trim: skip Foundation's trimming for them
            if let first = text.first, let last = text.last, !first.isWhitespace, !last.isWhitespace { return text }
            let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
            return trimmed.isEmpty ? nil : trimmed
        case .integer(let number): return String(number)
        case .double(let number): return String(number)
        case .bool(let flag): return String(flag)
        case .array(let items):
            let parts = items.compactMap { Self.text($0) }
            return parts.isEmpty ? nil : parts.joined(separator: " | ")
        default: return nil
        }
    }

    static func integer(_ value: JSONValue) -> Int64? {
        switch value {
        case .integer(let number): return number
        case .double(let number) where number.rounded() == number && abs(number) < 9e15: return Int64(number)
        case .string(let text):
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if let number = Int64(trimmed) { return number }
            if let number = Double(trimmed), number.rounded() == number, abs(number) < 9e15 { return Int64(number) }
            return nil
        default: return nil
        }
    }

    static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .integer(let number): return Double(number)
        case .double(let number): return number.isFinite ? number : nil
        case .string(let text):
            guard let number = Double(text.trimmingCharacters(in: .whitespaces)), number.isFinite else { return nil }
            return number
        default: return nil
        }
    }
}
