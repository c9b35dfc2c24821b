import BioGatewayQuery
import Testing

@Suite("VertNet canonicalisation and validation")
struct VertNetCanonicalisationTests {
    func key(_ queryObject: String) throws -> String {
        try VertNetSearchQuery.parse(queryObject: queryObject).canonicalRequest.key
    }

    func problems(_ queryObject: String?) -> [QueryProblem] {
        do {
            _ = try VertNetSearchQuery.parse(queryObject: queryObject)
            return []
        } catch {
            return error.problems
        }
    }

    @Test func defaultLimitIs400() throws {
        #expect(try self.key(#"{"q":"genus:puma"}"#) == self.key(#"{"q":"genus:puma","l":400}"#))
        #expect(try self.key(#"{"q":"genus:puma","l":0}"#) == self.key(#"{"q":"genus:puma","l":400}"#))
        #expect(try VertNetSearchQuery.parse(queryObject: #"{"q":"x"}"#).limit == 400)
    }

    @Test func limitIsCappedAt1000() throws {
        #expect(try self.key(#"{"q":"genus:puma","l":5000}"#) == self.key(#"{"q":"genus:puma","l":1000}"#))
        let query = try VertNetSearchQuery.parse(queryObject: #"{"q":"genus:puma","l":5000}"#)
        #expect(query.limit == 1000)
        #expect(query.requestedLimit == 5000)
    }

    @Test func keyOrderAndWhitespaceDoNotMatter() throws {
        #expect(try self.key(#"{"l":10,"q":"genus:puma  country:mexico "}"#) == self.key(#"{"q":" genus:puma country:mexico","l":10}"#))
    }

    @Test func ignoredKeysAreDropped() throws {
        #expect(try self.key(#"{"q":"genus:puma","s":"year","o":"R"}"#) == self.key(#"{"q":"genus:puma"}"#))
    }

    @Test func differentQuestionsGetDifferentKeys() throws {
        let base = try self.key(#"{"q":"genus:puma","l":10}"#)
        #expect(try base != self.key(#"{"q":"genus:bufo","l":10}"#))
        #expect(try base != self.key(#"{"q":"genus:puma","l":11}"#))
        #expect(try base != self.key(#"{"q":"genus:puma","l":10,"c":"False:abc"}"#))
    }

    @Test func badInputIsRejectedWithTheParameterNamed() {
        #expect(self.problems(nil).map(\.parameter) == ["q"])
        #expect(self.problems("{not json").map(\.parameter) == ["q"])
        #expect(self.problems("[1,2]").map(\.parameter) == ["q"])
        #expect(self.problems(#"{"l":10}"#).map(\.parameter) == ["q.q"])
        #expect(self.problems(#"{"q":5}"#).map(\.parameter) == ["q.q"])
        #expect(self.problems(#"{"q":"x","l":-1}"#).map(\.parameter) == ["q.l"])
        #expect(self.problems(#"{"q":"x","l":10.5}"#).map(\.parameter) == ["q.l"])
        #expect(self.problems(#"{"q":"x","l":"10"}"#).map(\.parameter) == ["q.l"])
        #expect(self.problems(#"{"q":"x","c":12}"#).map(\.parameter) == ["q.c"])
        #expect(self.problems(#"{"q":"x","c":"garbage"}"#).map(\.parameter) == ["q.c"])
        #expect(self.problems(#"{"q":"x","l":"10","c":12}"#).map(\.parameter) == ["q.l", "q.c"])
    }

    @Test func upstreamParametersAreTheCanonicalOnes() throws {
        let request = try VertNetSearchQuery.parse(queryObject: #"{"q":"genus:puma","l":5000,"c":"False:abc"}"#).canonicalRequest
        #expect(request.parametersJSON == #"{"c":"False:abc","l":1000,"q":"genus:puma"}"#)
    }
}
