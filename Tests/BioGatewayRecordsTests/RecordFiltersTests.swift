import BioGatewayJSON
import BioGatewayQuery
import BioGatewayRecords
import Testing

@Suite("Filter translation")
struct RecordFiltersTests {
    let resource = NHMResource.specimens

    @Test func everyFilterBecomesAnNHMFilterOrQuery() throws {
        let filters = RecordFilters(
            q: "skull",
            terms: ["genus": "Bufo", "stateProvince": "New Mexico", "collectionCode": "ZOO"],
            year: 1965,
            hasCoordinates: true
        )
        guard case .request(let parameters) = filters.nhmParameters(resourceID: self.resource) else {
            Issue.record("NHM refused a query it can express")
            return
        }
        #expect(parameters["q"] == "skull")
        #expect(
            parameters["filters"]
                == ["genus": "Bufo", "stateProvince": "New Mexico", "collectionCode": "ZOO", "year": "1965", "_has_lat_long": true]
        )
        // and it goes through the drop-in endpoint's own validation and canonicalisation
        var withPaging = parameters
        withPaging["limit"] = 50
        let canonical = try NHMSearchQuery.parse(withPaging).canonicalRequest
        #expect(canonical.source == .nhm)
        #expect(canonical.canonicalJSON.contains(#""_has_lat_long":true"#))
    }

    @Test func nhmRefusesWhatItCannotExpress() {
        let filters = RecordFilters(terms: ["genus": "Bufo"], yearFrom: 1900, yearTo: 1950, hasCoordinates: false)
        guard case .unsupported(let problems) = filters.nhmParameters(resourceID: self.resource) else {
            Issue.record("NHM accepted a year range")
            return
        }
        #expect(problems.map(\.parameter) == ["yearFrom", "yearTo", "hasCoordinates"])
    }

    @Test func everyFilterBecomesVertNetQueryLanguage() throws {
        let filters = RecordFilters(
            q: "skull",
            terms: ["scientificName": "Bufo debilis", "genus": "Bufo", "country": "United States", "institutionCode": "CM"],
            yearFrom: 1916,
            yearTo: 1920,
            hasCoordinates: true
        )
        #expect(
            filters.vertnetQuery
                == .request(
                    #"scientificname:"Bufo debilis" genus:Bufo country:"United States" institutioncode:CM year>=1916 year<=1920 mappable:1 skull"#
                )
        )
        #expect(RecordFilters(year: 1965, hasCoordinates: false).vertnetQuery == .request("year:1965 mappable:0"))
        guard case .request(let q) = filters.vertnetQuery else { return }
        let canonical = try VertNetSearchQuery.parse(queryObject: #"{"q":\#(JSONWriter(style: .compact).string(.string(q))),"l":1000}"#)
        #expect(canonical.canonicalRequest.source == .vertnet)
    }

    @Test func vertnetRefusesWhatItCannotExpress() {
        #expect(
            RecordFilters().vertnetQuery
                == .unsupported([QueryProblem(parameter: "q", detail: "VertNet needs a search: give q or at least one filter")])
        )
        guard case .unsupported(let problems) = RecordFilters(terms: ["locality": "x", "catalogNumber": #"12"3"#]).vertnetQuery else {
            Issue.record("a value with a double quote was accepted")
            return
        }
        #expect(problems.map(\.parameter) == ["catalogNumber"])
    }
}
