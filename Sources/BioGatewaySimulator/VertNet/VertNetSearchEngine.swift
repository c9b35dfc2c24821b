import BioGatewayJSON
import BioGatewayQuery
import Foundation

/// Runs VertNet searches over the generated records: GAE query semantics per index field type,
/// results by descending rank, `number_found_accuracy=10000`.
struct VertNetSearchEngine: Sendable {
    let records: [SimulatedRecord]
    let encodedRecords: [[UInt8]]
    private let rankOrder: [Int]

    /// Index field types from VertNet's `dwc-indexer`.
    static let atomFields: Set<String> = [
        "dctype", "basisofrecord", "iptrecordid", "kingdom", "phylum", "class", "order", "family", "genus",
        "gbifdatasetid", "gbifpublisherid", "vntype", "haslicense", "hasmedia", "hastissue", "hastypestatus", "isfossil",
        "isarch", "mappable", "wascaptive", "wasinvasive", "haslength", "haslifestage", "hasmass", "hassex",
    ]
    static let numberFields: Set<String> = [
        "rank", "hashid", "year", "month", "day", "startdayofyear", "enddayofyear", "lengthinmm", "massing",
        "coordinateuncertaintyinmeters",
    ]

    init(records: [SimulatedRecord]) {
        self.records = records
        let writer = JSONWriter(style: .python)
        self.encodedRecords = records.map { writer.bytes(.object($0.fields)) }
        self.rankOrder = records.indices.sorted { lhs, rhs in
            let left = records[lhs].fields["rank"]?.integerValue ?? 0
            let right = records[rhs].fields["rank"]?.integerValue ?? 0
            return left != right ? left > right : lhs < rhs
        }
    }

    /// Indices of matching records in result order.
    func search(_ query: VertNetQuery) -> [Int] {
        self.rankOrder.filter { self.matches(self.records[$0], query) }
    }

    /// VertNet's `id:` special case: the first document whose id (keyname) is at least `id`.
    func firstRecord(atOrAfterID id: String) -> Int? {
        self.records.indices
            .filter { (self.records[$0].string("keyname") ?? "") >= id }
            .min { (self.records[$0].string("keyname") ?? "") < (self.records[$1].string("keyname") ?? "") }
    }

    func matches(_ record: SimulatedRecord, _ query: VertNetQuery) -> Bool {
        switch query {
        case .all(let parts): return parts.allSatisfy { self.matches(record, $0) }
        case .any(let parts): return parts.contains { self.matches(record, $0) }
        case .not(let inner): return !self.matches(record, inner)
        case .term(nil, let value):
            let wanted = Tokenizer.tokens(value)
            return !wanted.isEmpty && wanted.allSatisfy(record.tokens.contains)
        case .term(let field?, let value):
            if Self.numberFields.contains(field) {
                guard let number = Double(value), let actual = record.string(field).flatMap(Double.init) else { return false }
                return number == actual
            }
            if Self.atomFields.contains(field) {
                return record.terms(field).contains(value.lowercased())
            }
            let wanted = Tokenizer.tokens(value)
            return !wanted.isEmpty && wanted.allSatisfy(record.fieldTokens(field).contains)
        case .phrase(let field, let value):
            if let field, Self.numberFields.contains(field) || Self.atomFields.contains(field) {
                return self.matches(record, .term(field: field, value: value))
            }
            let wanted = Tokenizer.tokens(value)
            guard !wanted.isEmpty, wanted.allSatisfy(record.tokens.contains) else { return false }
            return record.values(of: field).contains { Self.contains(Tokenizer.tokens($0), phrase: wanted) }
        case .compare(let field, let op, let number):
            guard let actual = record.string(field).flatMap(Double.init) else { return false }
            return Self.compare(actual, op, number)
        case .distance(let latitude, let longitude, let op, let metres):
            guard record.string("mappable") == "1",
                let recordLatitude = record.string("decimallatitude").flatMap(Double.init),
                let recordLongitude = record.string("decimallongitude").flatMap(Double.init)
            else { return false }
            return Self.compare(Haversine.metres(recordLatitude, recordLongitude, latitude, longitude), op, metres)
        }
    }

    /// Whether `words` holds `phrase` as a contiguous run.
    static func contains(_ words: [String], phrase: [String]) -> Bool {
        guard words.count >= phrase.count else { return false }
        return (0...(words.count - phrase.count)).contains { start in words[start..<(start + phrase.count)].elementsEqual(phrase) }
    }

    static func compare(_ actual: Double, _ op: String, _ number: Double) -> Bool {
        switch op {
        case "<": actual < number
        case "<=": actual <= number
        case ">": actual > number
        case ">=": actual >= number
        default: actual == number
        }
    }
}
