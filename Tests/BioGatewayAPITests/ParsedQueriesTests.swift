import BioGatewayQuery
import Testing

@testable import BioGatewayAPI

@Suite("Kept questions of the hits answered where they are read")
struct ParsedQueriesTests {
    private func question(_ text: String) throws -> DropInQuestion {
        let query = try VertNetSearchQuery.parse(queryObject: text)
        return DropInQuestion(request: query.canonicalRequest, notices: ["a notice"])
    }

    @Test func aRepeatedTextIsReadOnceAtItsEndpointAndAgainAtAnother() throws {
        let kept = ParsedQueries(maximumBytes: 8 << 20)
        var reads = 0
        let prepare: (String) throws -> DropInQuestion? = { text in
            reads += 1
            return try self.question(text)
        }
        let first = try #require(kept.readyQuestion(for: #"{"q":"genus:puma"}"#, at: .vertnetSearch, prepare: prepare))
        let again = kept.readyQuestion(for: #"{"q":"genus:puma"}"#, at: .vertnetSearch, prepare: prepare)
        #expect(first === again)
        #expect(reads == 1)
        // only what a hit needs is kept: the key and the notices
        #expect(first.key == (try self.question(#"{"q":"genus:puma"}"#)).request.key)
        #expect(first.notices == ["a notice"])
        // the same text at another endpoint may mean another question: read again, not taken from the other
        _ = kept.readyQuestion(for: #"{"q":"genus:puma"}"#, at: .datastoreSearch, prepare: prepare)
        #expect(reads == 2)
    }

    @Test func refusedTextsAreNotKeptAndQuestionsTheShortPathMayNotAnswerAre() throws {
        let kept = ParsedQueries(maximumBytes: 8 << 20)
        var reads = 0
        for _ in 0..<2 {
            let question = kept.readyQuestion(for: #"{"q":"genus:puma","l":"many"}"#, at: .vertnetSearch) { text in
                reads += 1
                return try self.question(text)
            }
            #expect(question == nil)
        }
        #expect(reads == 2)
        for _ in 0..<2 {
            let question = kept.readyQuestion(for: #"{"q":"genus:puma"}"#, at: .vertnetSearch) { _ in
                reads += 1
                return nil
            }
            #expect(question == nil)
        }
        #expect(reads == 3)
    }

    @Test func theQuestionsTakeAFifthOfTheMemoryTheTierHasTheRest() {
        #expect(ParsedQueries.share(ofMemory: 0) == 0)
        #expect(ParsedQueries.share(ofMemory: 256 << 20) == (256 << 20) / 5)
        #expect(ParsedQueries.share(ofMemory: 1_000) == 200)
    }
}
