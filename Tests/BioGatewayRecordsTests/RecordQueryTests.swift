import BioGatewayJSON
import BioGatewayQuery
import BioGatewayRecords
import Testing

@Suite("/v1/records parameters")
struct RecordQueryTests {
    @Test func defaultsAndTypedValues() throws {
        let query = try RecordQuery.parse(["genus": "Bufo", "year": "1965", "hasCoordinates": "yes"])
        #expect(query.sources == [.nhm, .vertnet])
        #expect(query.limit == 100)
        #expect(query.filters.terms == ["genus": "Bufo"])
        #expect(query.filters.year == 1965)
        #expect(query.filters.hasCoordinates == true)
        #expect(query.format == nil)
        #expect(query.warnings.isEmpty)
    }

    @Test func listsAsCommaStringsRepeatedKeysOrArrays() throws {
        #expect(try RecordQuery.parse(["source": "vertnet, nhm"]).sources == [.nhm, .vertnet])
        #expect(try RecordQuery.parse(["source": ["vertnet"]]).sources == [.vertnet])
        #expect(try RecordQuery.parse(["fields": ["id", "year,month"]]).fields == ["id", "year", "month"])
        #expect(try RecordQuery.parse(["fields": "id,id,year"]).fields == ["id", "year"])
    }

    @Test func aJSONBodyMayUseTypes() throws {
        let query = try RecordQuery.parse(["limit": 5, "hasCoordinates": false, "year": 1965, "catalogNumber": 12345])
        #expect(query.limit == 5)
        #expect(query.filters.hasCoordinates == false)
        #expect(query.filters.terms["catalogNumber"] == "12345")
    }

    @Test func limitIsClampedWithAWarning() throws {
        let query = try RecordQuery.parse(["limit": "5000"])
        #expect(query.limit == 1000)
        #expect(query.warnings == ["limit 5000 was clamped to 1000, the largest page /v1/records serves"])
        let export = try RecordQuery.parse(["max": "1000000"], endpoint: .export)
        #expect(export.maximum == 100_000)
        #expect(export.limit == 1000)
        #expect(try RecordQuery.parse([:], endpoint: .export).maximum == 10_000)
    }

    @Test(
        arguments: [
            (JSONObject([("colour", "red")]), "colour"),
            (["limit": "0"], "limit"),
            (["limit": "1.5"], "limit"),
            (["limit": true], "limit"),
            (["year": "10000"], "year"),
            (["yearFrom": "abc"], "yearFrom"),
            (["yearFrom": "2000", "yearTo": "1990"], "yearFrom"),
            (["hasCoordinates": "maybe"], "hasCoordinates"),
            (["hasCoordinates": 1], "hasCoordinates"),
            (["source": "gbif"], "source"),
            (["source": ","], "source"),
            (["fields": "colour"], "fields"),
            (["fields": 3], "fields"),
            (["format": "xml"], "format"),
            (["genus": ""], "genus"),
            (["genus": " \t"], "genus"),
            (["genus": ["Bufo", "Puma"]], "genus"),
            (["genus": ["a": "b"]], "genus"),
            (["cursor": ""], "cursor"),
            (["limit": "10"], "limit"),
        ] as [(JSONObject, String)]
    )
    func eachBadParameterIsNamed(_ parameters: JSONObject, _ name: String) {
        let endpoint: RecordQuery.Endpoint = parameters["limit"] == "10" ? .export : .page
        #expect {
            try RecordQuery.parse(parameters, endpoint: endpoint)
        } throws: { error in
            (error as? QueryRejection)?.problems.map(\.parameter) == [name]
        }
    }

    @Test func everyProblemIsReportedAtOnce() {
        #expect {
            try RecordQuery.parse(["a": "1", "b": "2", "limit": "x", "format": "pdf"])
        } throws: { error in
            Set((error as? QueryRejection)?.problems.map(\.parameter) ?? []) == ["a", "b", "limit", "format"]
        }
    }

    @Test func anExportDoesNotServeJSON() {
        #expect(throws: QueryRejection.self) { try RecordQuery.parse(["format": "json"], endpoint: .export) }
    }
}
