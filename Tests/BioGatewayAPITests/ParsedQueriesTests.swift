import BioGatewayQuery
import Testing

@testable import BioGatewayAPI

@Suite("Kept questions of the drop-in endpoints")
struct ParsedQueriesTests {
    private func question(_ text: String) throws -> DropInQuestion {
        let query = try VertNetSearchQuery.parse(queryObject: text)
        return DropInQuestion(request: query.canonicalRequest, notices: [])
    }

    @Test func aRepeatedTextIsReadOnceAtItsEndpointAndAgainAtAnother() throws {
        let kept = ParsedQueries()
        var reads = 0
        let prepare: (String) throws -> DropInQuestion = { text in
            reads += 1
            return try self.question(text)
        }
        let first = try kept.question(for: #"{"q":"genus:puma"}"#, at: .vertnetSearch, prepare: prepare)
        let again = try kept.question(for: #"{"q":"genus:puma"}"#, at: .vertnetSearch, prepare: prepare)
        #expect(first === again)
        #expect(reads == 1)
        // the same text at another endpoint may mean another question: read again, not taken from the other
        _ = try kept.question(for: #"{"q":"genus:puma"}"#, at: .datastoreSearch, prepare: prepare)
        #expect(reads == 2)
    }

    @Test func refusedTextsAreNotKept() throws {
        let kept = ParsedQueries()
        var reads = 0
        for _ in 0..<2 {
            #expect(throws: (any Error).self) {
                try kept.question(for: #"{"q":"genus:puma","l":"many"}"#, at: .vertnetSearch) { text in
                    reads += 1
                    return try self.question(text)
                }
            }
        }
        #expect(reads == 2)
    }

    @Test func theBoundGrowsWithTheMemoryTierAndKeepsAFloor() {
        #expect(ParsedQueries.maximumBytes(besideMemoryTier: 0) == 8 << 20)
        #expect(ParsedQueries.maximumBytes(besideMemoryTier: 16 << 20) == 8 << 20)
        #expect(ParsedQueries.maximumBytes(besideMemoryTier: 256 << 20) == 64 << 20)
    }
}
