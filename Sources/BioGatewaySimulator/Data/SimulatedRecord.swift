import BioGatewayJSON
import BioGatewayQuery

/// One generated record with the token set free-text search needs precomputed; per-field tokens and
/// terms are computed on demand to keep the 40,000-record data set small in memory.
struct SimulatedRecord: Sendable {
    /// The record as the upstream returns it (field order as generated).
    let fields: JSONObject
    /// Lowercased tokens of every value, for free-text search.
    let tokens: Set<String>

    init(fields: JSONObject) {
        self.fields = fields
        var tokens = Set<String>()
        for (_, value) in fields {
            for string in Self.strings(in: value) { tokens.formUnion(Tokenizer.tokens(string)) }
        }
        self.tokens = tokens
    }

    /// Lowercased tokens of one field, for per-field text matches.
    func fieldTokens(_ key: String) -> Set<String> {
        guard let value = self.fields[key] else { return [] }
        return Set(Self.strings(in: value).flatMap(Tokenizer.tokens))
    }

    /// The text of one field's values (every element for arrays), or of every field's when `key` is nil.
    func values(of key: String?) -> [String] {
        guard let key else { return self.fields.flatMap { Self.strings(in: $0.value) } }
        return self.fields[key].map(Self.strings(in:)) ?? []
    }

    /// Lowercased values of one field (every element for arrays), for exact term filters.
    func terms(_ key: String) -> [String] {
        guard let value = self.fields[key] else { return [] }
        return Self.strings(in: value).map { $0.lowercased() }
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
        var tokens: [String] = []
        var current = String.UnicodeScalarView()
        for scalar in text.lowercased().unicodeScalars {
            if Self.isWordScalar(scalar) {
                current.append(scalar)
            } else if !current.isEmpty {
                tokens.append(String(current))
                current = String.UnicodeScalarView()
            }
        }
        if !current.isEmpty { tokens.append(String(current)) }
        return tokens
    }

    /// Letters and digits: ASCII at once, anything else by its Unicode properties.
    static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x30...0x39, 0x61...0x7A, 0x41...0x5A: return true
        case 0..<0x80: return false
        default: return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
        }
    }
}
