import BioGatewayQuery
import BioGatewayRecords
import Testing

@Suite("Reading upstream pages")
struct SourcePageTests {
    @Test func vertnetsStringCountsAndNullCursor() throws {
        let capped = try SourcePage.read(Array(#"{"recs":[],"matching_records":">10000","cursor":"False:abc"}"#.utf8), source: .vertnet)
        #expect(capped.total == RecordTotal(value: 10_000, isLowerBound: true))
        #expect(capped.cursor == "False:abc")
        let exact = try SourcePage.read(Array(#"{"recs":[{"scientificname":"Bufo"}],"matching_records":"1","cursor":null}"#.utf8), source: .vertnet)
        #expect(exact.total == RecordTotal(value: 1, isLowerBound: false))
        #expect(exact.cursor == nil)
        #expect(exact.records.first?["scientificName"] == "Bufo")
        #expect(exact.records.first?["source"] == "vertnet")
    }

    @Test func nhmsResultAndAfter() throws {
        let body = #"{"success":true,"result":{"total":2,"records":[{"_id":7,"genus":"Bufo"}],"after":["x","7"]}}"#
        let page = try SourcePage.read(Array(body.utf8), source: .nhm)
        #expect(page.total == RecordTotal(value: 2, isLowerBound: false))
        #expect(page.after == ["x", "7"])
        #expect(page.records.first?["id"] == "nhm:7")
        let last = try SourcePage.read(Array(#"{"result":{"total":2,"records":[],"after":null}}"#.utf8), source: .nhm)
        #expect(last.after == nil)
    }

    @Test(arguments: [("<html>", UpstreamSource.vertnet), ("{}", .vertnet), ("{\"result\":{}}", .nhm), ("", .nhm)])
    func unreadableAnswersSaySo(_ body: String, _ source: UpstreamSource) {
        #expect(throws: SourcePage.Unreadable.self) { try SourcePage.read(Array(body.utf8), source: source) }
    }
}
