import BioGatewayJSON
import BioGatewayQuery
import Testing

@Suite("Canonicalisation properties")
struct CanonicalisationPropertyTests {
    /// One random NHM search as (key, GET-encoded values) pairs, with list parameters as lists.
    static func randomSearch(_ random: inout SplitMix64) -> [(String, [String])] {
        let words = ["bufo", "Synodontis", "jones", "ethiopia", "1968", "zoo", "São Paulo", "a&b=c", "50%", "x+y"]
        var parameters: [(String, [String])] = [("resource_id", [NHMResource.specimens])]
        if Bool.random(using: &random) { parameters.append(("q", [words.randomElement(using: &random)!])) }
        if Bool.random(using: &random) { parameters.append(("limit", [String(Int.random(in: 0...5000, using: &random))])) }
        if Bool.random(using: &random) { parameters.append(("offset", [String(Int.random(in: 0...8000, using: &random))])) }
        if Bool.random(using: &random) {
            let fields = Array(Set((0..<Int.random(in: 1...4, using: &random)).map { _ in words.randomElement(using: &random)! }))
            parameters.append(("fields", fields))
        }
        if Bool.random(using: &random) {
            let field = ["genus", "country", "year"].randomElement(using: &random)!
            parameters.append(("filters", ["{\"\(field)\": \"\(words.randomElement(using: &random)!)\"}"]))
        }
        return parameters
    }

    static func encode(_ parameters: [(String, [String])], listsAsCommaStrings: Bool) -> String {
        parameters.flatMap { key, values -> [String] in
            if listsAsCommaStrings && values.count > 1 {
                return ["\(FormParameters.encode(key))=\(FormParameters.encode(values.joined(separator: ",")))"]
            }
            return values.map { "\(FormParameters.encode(key))=\(FormParameters.encode($0))" }
        }.joined(separator: "&")
    }

    @Test func nhmKeysIgnoreParameterOrderAndListSpelling() throws {
        var random = SplitMix64(seed: 42)
        for _ in 0..<500 {
            let search = Self.randomSearch(&random)
            let original = try NHMSearchQuery.parse(FormParameters(encoded: Self.encode(search, listsAsCommaStrings: false)).ckanObject)
            var shuffled = search.shuffled(using: &random)
            shuffled = shuffled.map { ($0.0, $0.0 == "fields" ? $0.1.shuffled(using: &random) : $0.1) }
            let reordered = try NHMSearchQuery.parse(FormParameters(encoded: Self.encode(shuffled, listsAsCommaStrings: true)).ckanObject)
            #expect(original.canonicalRequest.key == reordered.canonicalRequest.key, "\(search) vs \(shuffled)")
            #expect(original.canonicalRequest.canonicalJSON == reordered.canonicalRequest.canonicalJSON)
        }
    }

    @Test func nhmGetAndPostAgree() throws {
        var random = SplitMix64(seed: 7)
        for _ in 0..<300 {
            let search = Self.randomSearch(&random)
            let get = try NHMSearchQuery.parse(FormParameters(encoded: Self.encode(search, listsAsCommaStrings: false)).ckanObject)
            var body = JSONObject()
            for (key, values) in search {
                switch key {
                case "limit", "offset": body[key] = .integer(Int64(values[0])!)
                case "fields": body[key] = .array(values.map { .string($0) })
                case "filters": body[key] = try JSONParser.parse(values[0])
                default: body[key] = .string(values[0])
                }
            }
            let post = try NHMSearchQuery.parse(body)
            #expect(get.canonicalRequest.key == post.canonicalRequest.key, "\(search)")
        }
    }

    @Test func vertnetKeysIgnoreWhitespaceAndKeyOrder() throws {
        var random = SplitMix64(seed: 99)
        let terms = ["genus:puma", "country:mexico", "year>=1916", "\"new mexico\"", "(a OR b)", "hasmass:1"]
        for _ in 0..<500 {
            let q = (0..<Int.random(in: 1...4, using: &random)).map { _ in terms.randomElement(using: &random)! }
            let limit = Int.random(in: 0...3000, using: &random)
            let tidy = #"{"q":"\#(q.joined(separator: " ").replacingOccurrences(of: "\"", with: "\\\""))","l":\#(limit)}"#
            let spaces = String(repeating: " ", count: Int.random(in: 1...3, using: &random))
            let messy = #"{ "l" : \#(limit), "s": "year", "q" : "  \#(q.joined(separator: spaces).replacingOccurrences(of: "\"", with: "\\\"")) " }"#
            #expect(
                try VertNetSearchQuery.parse(queryObject: tidy).canonicalRequest.key
                    == VertNetSearchQuery.parse(queryObject: messy).canonicalRequest.key
            )
        }
    }
}

@Suite("Parsers never crash on input")
struct ParserRobustnessTests {
    @Test func randomBytes() {
        var random = SplitMix64(seed: 2026)
        let alphabet = Array("{}[]\":,0123456789.eE+-tfnrul\\ \u{00}abc%&=".utf8)
        for _ in 0..<3000 {
            let length = Int.random(in: 0...64, using: &random)
            let bytes = (0..<length).map { _ in
                Bool.random(using: &random) ? alphabet.randomElement(using: &random)! : UInt8.random(in: 0...255, using: &random)
            }
            let text = String(decoding: bytes, as: UTF8.self)
            _ = try? JSONParser.parse(bytes)
            _ = try? VertNetSearchQuery.parse(queryObject: text)
            let form = FormParameters(encoded: text)
            if let query = try? NHMSearchQuery.parse(form.ckanObject) {
                _ = try? query.enforcePagingRules()
                _ = query.canonicalRequest
            }
        }
    }

    @Test func jsonRoundTripsThroughTheCanonicalForm() throws {
        var random = SplitMix64(seed: 5)
        func value(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0...(depth > 3 ? 4 : 6), using: &random) {
            case 0: return .null
            case 1: return .bool(Bool.random(using: &random))
            case 2: return .integer(Int64.random(in: Int64.min...Int64.max, using: &random))
            case 3: return .double(Double.random(in: -1e6...1e6, using: &random))
            case 4: return .string(String((0..<Int.random(in: 0...8, using: &random)).map { _ in "aé\"\\\n😀/\u{01}".randomElement(using: &random)! }))
            case 5: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in value(depth + 1) })
            default:
                return .object(JSONObject((0..<Int.random(in: 0...4, using: &random)).map { index in ("k\(index)", value(depth + 1)) }))
            }
        }
        for _ in 0..<1000 {
            let original = value(0)
            for style in [JSONWriter.Style.canonical, .compact, .python] {
                #expect(try JSONParser.parse(JSONWriter(style: style).bytes(original)) == original)
            }
        }
    }
}
