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
        guard case .request(var query) = filters.nhmQuery(resourceID: self.resource) else {
            Issue.record("NHM refused a query it can express")
            return
        }
        #expect(query.q == "skull")
        #expect(
            query.filters
                == ["genus": "Bufo", "stateProvince": "New Mexico", "collectionCode": "ZOO", "year": "1965", "_has_lat_long": true]
        )
        // and it is the request the drop-in endpoint makes of the same parameters, so both share a cache entry
        query.setLimit(50)
        let canonical = query.canonicalRequest
        #expect(canonical.source == .nhm)
        #expect(canonical.canonicalJSON.contains(#""_has_lat_long":true"#))
        let dropIn: JSONObject = [
            "resource_id": .string(self.resource), "q": "  skull ", "limit": "50",
            "filters": #"{"genus":["Bufo"],"stateProvince":"New Mexico","collectionCode":"ZOO","year":"1965","_has_lat_long":true}"#,
        ]
        #expect(try NHMSearchQuery.parse(dropIn).canonicalRequest == canonical)
    }

    @Test func nhmRefusesWhatItCannotExpress() {
        let filters = RecordFilters(terms: ["genus": "Bufo"], yearFrom: 1900, yearTo: 1950, hasCoordinates: false)
        guard case .unsupported(let problems) = filters.nhmQuery(resourceID: self.resource) else {
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
