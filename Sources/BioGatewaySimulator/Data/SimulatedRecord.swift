import BioGatewayQuery

/// One generated record with what the search engines need precomputed.
struct SimulatedRecord: Sendable {
    /// The record as the upstream returns it (field order as generated).
    let fields: JSONObject
    /// Lowercased tokens of every value, for free-text search.
    let tokens: Set<String>
    /// Lowercased tokens per field, for per-field text matches.
    let fieldTokens: [String: Set<String>]
    /// Lowercased values per field (every element for arrays), for exact term filters.
    let terms: [String: [String]]

    init(fields: JSONObject) {
        self.fields = fields
        var tokens = Set<String>()
        var fieldTokens: [String: Set<String>] = [:]
        var terms: [String: [String]] = [:]
        for (key, value) in fields {
            let strings = Self.strings(in: value)
            terms[key] = strings.map { $0.lowercased() }
            let fieldSet = Set(strings.flatMap(Tokenizer.tokens))
            fieldTokens[key] = fieldSet
            tokens.formUnion(fieldSet)
        }
        self.tokens = tokens
        self.fieldTokens = fieldTokens
        self.terms = terms
    }

    /// The string value of a field (first element for arrays), as the upstream would compare it.
    func string(_ key: String) -> String? {
        switch self.fields[key] {
        case .string(let text): return text
        case .integer(let number): return String(number)
        case .array(let elements): return elements.first.flatMap { Self.strings(in: $0).first }
        default: return nil
        }
    }

    private static func strings(in value: JSONValue) -> [String] {
        switch value {
        case .string(let text): return [text]
        case .integer(let number): return [String(number)]
        case .double(let number): return [String(number)]
        case .bool(let flag): return [flag ? "true" : "false"]
        case .array(let elements): return elements.flatMap { strings(in: $0) }
        case .object(let object): return object.flatMap { strings(in: $0.value) }
        case .null: return []
        }
    }
}

/// Splits text into lowercase alphanumeric tokens, as a standard analyzer would.
enum Tokenizer {
    static func tokens(_ text: String) -> [String] {
        text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    }
}
