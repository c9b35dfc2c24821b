import BioGatewayFederation
import BioGatewayJSON
import BioGatewayQuery
import BioGatewayRecords
import Testing

@Suite("Planning a federated search")
struct RecordSearchPlanTests {
    @Test("each source gets its own translation of the filters")
    func eachSourceIsTranslated() throws {
        let query = try RecordQuery.parse(["genus": "Bufo", "country": "Peru"])
        let plan = try RecordSearch.plan(query)
        #expect(plan.sources == [.nhm, .vertnet])
        #expect(plan.skipped.isEmpty)
        guard case .vertnet(let q)? = plan.translated[.vertnet] else {
            Issue.record("VertNet was not planned")
            return
        }
        #expect(q == "genus:Bufo country:Peru")
        guard case .nhm(let search)? = plan.translated[.nhm] else {
            Issue.record("the NHM was not planned")
            return
        }
        #expect(search.resourceID == SourceFetcher.nhmResourceID)
    }

    @Test("a source that cannot express the filters is skipped, with why, while the others are searched")
    func aSourceThatCannotExpressTheFiltersIsSkipped() throws {
        // VertNet needs a search; the NHM can list everything
        let plan = try RecordSearch.plan(try RecordQuery.parse([:]))
        #expect(plan.translated.keys.sorted { $0.rawValue < $1.rawValue } == [.nhm])
        #expect(plan.skipped[.vertnet]?.map(\.parameter) == ["q"])
    }

    @Test("when no named source can express the filters, the request is refused naming them")
    func noSourceIsARefusal() throws {
        let query = try RecordQuery.parse(["source": "vertnet"])
        #expect(throws: QueryRejection.self) { try RecordSearch.plan(query) }
        do {
            _ = try RecordSearch.plan(query)
        } catch {
            #expect(error.problems.map(\.parameter) == ["q"])
        }
    }
}
