import BioGatewayJSON
import Testing

@Suite("JSON scanner")
struct JSONScannerTests {
    /// Whether the scanner accepts `text` as one document (skipping all of it).
    static func scans(_ text: String) -> Bool {
        Array(text.utf8).withUnsafeBytes { bytes in (try? JSONScanner.scan(bytes) { try $0.skipValue() }) != nil }
    }

    static func parses(_ text: String) -> Bool { (try? JSONParser.parse(text)) != nil }

    @Test(
        arguments: [
            "", "{", "[1,]", "{\"a\" 1}", "tru", "01", "\"\u{01}\"", "{} x", "1.", "-", "1e", "1e+", "[1 2]", "{\"a\":1,}",
            "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\ud800\\u12\"", "1e400", "-1e400", "[1e309]", "{\"a\":nul}", "{1:2}",
            "\"abc", "[", "]", "{\"a\":[}]}",
        ]
    )
    func rejectsWhatTheParserRejects(_ text: String) {
        #expect(!Self.parses(text))
        #expect(!Self.scans(text))
    }

    @Test(
        arguments: [
            "{}", "[]", " 1 ", "-0", "0.5e-3", "1E+2", "123456789012345678901234567890", "-9223372036854775809",
            "1e308", "\"\\ud800\"", "\"\\ud800\\n\"", "\"\\ud83d\\ude00\"", "\"\\/\\b\\f\\n\\r\\t\\\"\\\\\"", "true", "false",
            "null", "{\"a\":{\"b\":[1,{\"c\":null}]},\"a\":2}", "\"\u{e9}\"", "[\"\u{FF}\"]",
        ]
    )
    func acceptsWhatTheParserAccepts(_ text: String) {
        #expect(Self.parses(text))
        #expect(Self.scans(text))
    }

    @Test func nestingIsBoundedAsTheParserBoundsIt() {
        let deepest = String(repeating: "[", count: 512) + String(repeating: "]", count: 512)
        let deeper = "[" + deepest + "]"
        #expect(Self.parses(deepest) && Self.scans(deepest))
        #expect(!Self.parses(deeper) && !Self.scans(deeper))
        #expect(!Self.scans(String(repeating: "[", count: 100_000)))
    }

    @Test func longNumbersAreCheckedForRange() {
        let fraction = "0." + String(repeating: "1", count: 400)
        let huge = String(repeating: "9", count: 400) + ".5"
        #expect(Self.parses(fraction) && Self.scans(fraction))
        #expect(!Self.parses(huge) && !Self.scans(huge))
    }

    @Test func aValueLeftUnreadIsSkipped() throws {
        for text in ["  [1, {\"a\": [true]}]  ", "{\"a\": 1}", " \"x\" "] {
            let kind = try Array(text.utf8).withUnsafeBytes { bytes in try JSONScanner.scan(bytes) { try $0.peek() } }
            #expect(kind != .null)
        }
    }

    @Test func walksMembersAndElementsInOrder() throws {
        let text = #"{"a":[1,"x",{"b":true}],"s\u0065en":"","t":"yes","n":null}"#
        var keys: [String] = []
        var elements = 0
        var flags: [Bool] = []
        var strings: [String: Bool] = [:]
        try Array(text.utf8).withUnsafeBytes { bytes in
            try JSONScanner.scan(bytes) { scanner in
                try scanner.members { scanner, key in
                    keys.append(key.decoded())
                    switch try scanner.peek() {
                    case .array:
                        try scanner.elements { scanner, _ in
                            elements += 1
                            if try scanner.peek() == .object {
                                try scanner.members { scanner, _ in flags.append(try scanner.readBool()) }
                            }
                        }
                    case .string:
                        let token = try scanner.readString()
                        strings[key.decoded()] = token.isEmpty
                        #expect(key.equals("seen") == (key.decoded() == "seen"))
                    default:
                        break
                    }
                }
            }
        }
        #expect(keys == ["a", "seen", "t", "n"])
        #expect(elements == 3)
        #expect(flags == [true])
        #expect(strings == ["seen": true, "t": false])
    }
}
