import BioGatewayJSON
import Testing

@Suite("JSON")
struct JSONTests {
    @Test func parsesTypesExactly() throws {
        let value = try JSONParser.parse(#"{"a":1,"b":1.5,"c":true,"d":null,"e":"x\u00e9\ud83d\ude00","f":[1,"2"]}"#)
        #expect(value["a"] == .integer(1))
        #expect(value["b"] == .double(1.5))
        #expect(value["c"] == .bool(true))
        #expect(value["d"] == .null)
        #expect(value["e"] == .string("xé😀"))
        #expect(value["f"] == [1, "2"])
        #expect(value.objectValue?.keys == ["a", "b", "c", "d", "e", "f"])
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "tru", "01", "\"\u{01}\"", "{} x", "1.", "-"])
    func rejectsInvalidDocuments(_ text: String) {
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsDeepNesting() {
        #expect(throws: JSONParser.ParseError.self) { try JSONParser.parse(String(repeating: "[", count: 100_000)) }
    }

    @Test func canonicalFormSortsKeys() throws {
        #expect(try JSONParser.parse(#"{"b":1, "a":[true, null]}"#).canonicalString == #"{"a":[true,null],"b":1}"#)
    }

    @Test func pythonStyleMatchesJSONDumps() {
        let value: JSONValue = ["a": "é", "b": [1, 2.0]]
        #expect(JSONWriter(style: .python).string(value) == #"{"a": "\u00e9", "b": [1, 2.0]}"#)
    }
}
