import BioGatewayJSON
import BioGatewayQuery
import Testing

@Suite("Whole numbers in every spelling the upstreams accept")
struct WholeNumberTests {
    @Test(arguments: [
        (JSONValue.integer(100), WholeNumber.Reading.value(100)),
        (.double(100), .value(100)),
        (.double(1e2), .value(100)),
        (.string("100"), .value(100)),
        (.string(" 100 "), .value(100)),
        (.string("+5"), .value(5)),
        (.string("-5"), .value(-5)),
        (.string("1_000"), .value(1_000)),
        (.string("99999999999999999999999"), .value(.max)),
        (.bool(true), .value(1)),
        (.bool(false), .value(0)),
        (.double(1e300), .value(.max)),
        (.string(""), .absent),
        (.string("   "), .absent),
        (.null, .absent),
        (.string("1e2"), .invalid),
        (.string("100.0"), .invalid),
        (.string("1__000"), .invalid),
        (.string("_1"), .invalid),
        (.string("ten"), .invalid),
        (.double(100.5), .invalid),
        (.array([.integer(1)]), .invalid),
    ])
    func ckanIntValidator(_ value: JSONValue, _ reading: WholeNumber.Reading) {
        #expect(WholeNumber.ckan(value) == reading)
    }

    @Test func vertnetReadsAnyJSONSpellingOfAWholeNumberButNoStrings() {
        #expect(WholeNumber.vertnet(.integer(10)) == .value(10))
        #expect(WholeNumber.vertnet(.double(1e5)) == .value(100_000))
        #expect(WholeNumber.vertnet(.double(10)) == .value(10))
        #expect(WholeNumber.vertnet(.double(10.5)) == .invalid)
        #expect(WholeNumber.vertnet(.string("10")) == .invalid)
        #expect(WholeNumber.vertnet(nil) == .absent)
    }

    @Test func rsExponentFormIsCappedAndSharesTheKeyOfItsPlainSpelling() throws {
        let fromR = try VertNetSearchQuery.parse(queryObject: #"{"q":"genus:Thomomys","l":1e+05}"#)
        #expect(fromR.limit == 1_000)
        #expect(fromR.requestedLimit == 100_000)
        let plain = try VertNetSearchQuery.parse(queryObject: #"{"q":"genus:Thomomys","l":1000}"#)
        #expect(fromR.canonicalRequest.key == plain.canonicalRequest.key)
        let spellings = try [#"100"#, #"1e2"#, #"100.0"#, #"1.0E+2"#].map {
            try VertNetSearchQuery.parse(queryObject: #"{"q":"genus:Thomomys","l":\#($0)}"#).canonicalRequest.key
        }
        #expect(Set(spellings).count == 1)
    }

    @Test func nhmLimitAndOffsetShareTheKeyOfEverySpellingCKANAccepts() throws {
        let resource = NHMResource.specimens
        func key(_ limit: String) throws -> String {
            guard case .object(let body) = try JSONParser.parse(#"{"resource_id":"\#(resource)","limit":\#(limit),"offset":\#(limit)}"#)
            else { return "" }
            return try NHMSearchQuery.parse(body).canonicalRequest.key
        }
        let keys = try [#"100"#, #""100""#, #"100.0"#, #"1e2"#, #"" 100 ""#].map(key)
        #expect(Set(keys).count == 1)
        #expect(throws: NHMValidationError.self) { try key(#""1e2""#) }
        #expect(throws: NHMValidationError.self) { try key(#"100.5"#) }
    }
}
