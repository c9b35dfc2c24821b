import BioGatewayJSON
import BioGatewayQuery
import BioGatewayTestSupport
import Testing

@Suite("/v1/records: each filter becomes the upstream request it should")
struct RecordsTranslationTests {
    /// A filter, the NHM `filters`/`q` members and the VertNet query it must become.
    struct Case: Sendable, CustomTestStringConvertible {
        var parameter: (String, String)
        var nhm: [(String, JSONValue)]
        var vertnet: String
        var testDescription: String { "\(self.parameter.0)=\(self.parameter.1)" }
    }

    static let cases: [Case] = [
        Case(
            parameter: ("scientificName", "Bufo debilis Girard, 1854"),
            nhm: [("genus", "Bufo"), ("specificEpithet", "debilis")],
            vertnet: #"scientificname:"Bufo debilis""#
        ),
        Case(parameter: ("genus", "Bufo"), nhm: [("genus", "Bufo")], vertnet: "genus:Bufo"),
        Case(parameter: ("family", "Bufonidae"), nhm: [("family", "Bufonidae")], vertnet: "family:Bufonidae"),
        Case(parameter: ("order", "Anura"), nhm: [("order", "Anura")], vertnet: "order:Anura"),
        Case(parameter: ("class", "Amphibia"), nhm: [("class", "Amphibia")], vertnet: "class:Amphibia"),
        Case(parameter: ("country", "United States"), nhm: [("country", "United States")], vertnet: #"country:"United States""#),
        Case(parameter: ("stateProvince", "Texas"), nhm: [("stateProvince", "Texas")], vertnet: "stateprovince:Texas"),
        Case(parameter: ("institutionCode", "NHMUK"), nhm: [("institutionCode", "NHMUK")], vertnet: "institutioncode:NHMUK"),
        Case(parameter: ("collectionCode", "ZOO"), nhm: [("collectionCode", "ZOO")], vertnet: "collectioncode:ZOO"),
        Case(parameter: ("catalogNumber", "1885.6.27.215"), nhm: [("catalogNumber", "1885.6.27.215")], vertnet: "catalognumber:1885.6.27.215"),
        Case(
            parameter: ("basisOfRecord", "PreservedSpecimen"),
            nhm: [("basisOfRecord", "PreservedSpecimen")],
            vertnet: "basisofrecord:PreservedSpecimen"
        ),
        Case(parameter: ("year", "1965"), nhm: [("year", "1965")], vertnet: "year:1965"),
        Case(parameter: ("hasCoordinates", "true"), nhm: [("_has_lat_long", true)], vertnet: "mappable:1"),
    ]

    @Test(arguments: Self.cases)
    func eachFilterOnEachSource(_ filter: Case) async throws {
        try await withRouterStack { simulator, gateway in
            let nhm = try await gateway.get("/v1/records", query: [("source", "nhm"), filter.parameter, ("limit", "7")])
            #expect(nhm.status == 200)
            let sentToNHM = try #require(await simulator.lastParameters(.nhm))
            #expect(sentToNHM["resource_id"] == .string(specimens))
            #expect(sentToNHM["filters"] == .object(JSONObject(filter.nhm)))
            #expect(sentToNHM["limit"] == 7)
            #expect(sentToNHM["offset"] == 0)

            let vertnet = try await gateway.get("/v1/records", query: [("source", "vertnet"), filter.parameter, ("limit", "7")])
            #expect(vertnet.status == 200)
            let sentToVertNet = try #require(await simulator.lastParameters(.vertnet))
            #expect(sentToVertNet["q"] == .string(filter.vertnet))
            #expect(sentToVertNet["l"] == 7)
        }
    }

    @Test func freeTextAndCombinedFilters() async throws {
        try await withRouterStack { simulator, gateway in
            let query = [("q", "toad"), ("genus", "Bufo"), ("year", "1965"), ("limit", "10")]
            let answer = try await gateway.get("/v1/records", query: query)
            #expect(answer.status == 200)
            let nhm = try #require(await simulator.lastParameters(.nhm))
            #expect(nhm["q"] == "toad")
            #expect(nhm["filters"] == ["genus": "Bufo", "year": "1965"])
            #expect(nhm["limit"] == 5)
            #expect(await simulator.lastParameters(.vertnet)?["q"] == "genus:Bufo year:1965 toad")
            #expect(await simulator.lastParameters(.vertnet)?["l"] == 5)
        }
    }

    @Test func yearRangesGoToVertNetOnlyAndNHMSaysWhy() async throws {
        try await withRouterStack { simulator, gateway in
            let federated = try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("yearFrom", "1960"), ("yearTo", "1970")])
            #expect(federated.status == 200)
            let sources = try federated.json()["sources"]
            #expect(sources?["nhm"]?["status"] == "skipped")
            #expect(sources?["nhm"]?["reason"]?.stringValue?.contains("yearFrom") == true)
            #expect(sources?["vertnet"]?["status"] == "ok")
            #expect(await simulator.lastParameters(.vertnet)?["q"] == "genus:Bufo year>=1960 year<=1970")
            #expect(await simulator.calls(.nhm) == 0)

            let nhmAlone = try await gateway.get("/v1/records", query: [("source", "nhm"), ("genus", "Bufo"), ("yearFrom", "1960")])
            #expect(nhmAlone.status == 400)
            #expect(nhmAlone.header("content-type") == "application/problem+json")
            #expect(try nhmAlone.json()["invalid-params"]?.arrayValue?.first?["name"] == "yearFrom")
            #expect(await simulator.calls(.nhm) == 0)
        }
    }

    @Test func aNameFindsItsTaxonInEverySourceWithOrWithoutAuthorship() async throws {
        try await withRouterStack { simulator, gateway in
            for name in ["Bufo bufo", "Bufo bufo (Linnaeus, 1758)", "BUFO BUFO"] {
                let answer = try await gateway.get("/v1/records", query: [("scientificName", name), ("limit", "20")])
                #expect(answer.status == 200)
                let json = try answer.json()
                #expect(json["sources"]?["nhm"]?["status"] == "ok", "\(name)")
                #expect(json["sources"]?["nhm"]?["total"]?["value"] == 2_000, "\(name)")
                #expect(json["sources"]?["vertnet"]?["total"]?["value"] == 1_500, "\(name)")
                let records = json["records"]?.arrayValue ?? []
                #expect(records.count == 20)
                #expect(Set(records.compactMap { $0["source"]?.stringValue }) == ["nhm", "vertnet"])
                #expect(records.allSatisfy { $0["scientificName"]?.stringValue?.lowercased().hasPrefix("bufo bufo") == true })
            }
            // a one-word name cannot be matched exactly on the NHM, and its status says so (not an empty "ok")
            let genusOnly = try await gateway.get("/v1/records", query: [("scientificName", "Bufo")])
            let sources = try genusOnly.json()["sources"]
            #expect(sources?["nhm"]?["status"] == "skipped")
            #expect(sources?["nhm"]?["reason"]?.stringValue?.contains("use genus") == true)
            #expect(await simulator.lastParameters(.vertnet)?["q"] == "scientificname:Bufo")
        }
    }

    @Test func aBackslashInAValueStaysInsideItsQuotes() async throws {
        try await withRouterStack { simulator, gateway in
            let answer = try await gateway.get("/v1/records", query: [("source", "vertnet"), ("genus", "Bufo\\")])
            #expect(answer.status == 200)
            #expect(try answer.json()["sources"]?["vertnet"]?["status"] == "ok")
            #expect(await simulator.lastParameters(.vertnet)?["q"] == .string(#"genus:"Bufo\\""#))
        }
    }

    @Test func recordsWithoutCoordinatesComeFromVertNetOnly() async throws {
        try await withRouterStack { simulator, gateway in
            let answer = try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("hasCoordinates", "false")])
            #expect(try answer.json()["sources"]?["nhm"]?["status"] == "skipped")
            #expect(await simulator.lastParameters(.vertnet)?["q"] == "genus:Bufo mappable:0")
            let records = try answer.json()["records"]?.arrayValue ?? []
            #expect(!records.isEmpty && records.allSatisfy { $0["decimalLatitude"] == .null || $0["decimalLongitude"] == .null })
            let nhmAlone = try await gateway.get("/v1/records", query: [("source", "nhm"), ("hasCoordinates", "false")])
            #expect(nhmAlone.status == 400)
            #expect(await simulator.calls(.nhm) == 0)
        }
    }

    @Test func aUnifiedQueryAndTheEquivalentDropInQueryShareCacheEntries() async throws {
        try await withRouterStack { simulator, gateway in
            let unified = try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("limit", "10")])
            #expect(try unified.json()["sources"]?["vertnet"]?["cache"] == "miss")
            let vertnet = try await gateway.get(vertnetPath, query: [("q", #"{"q":"genus:Bufo","l":5}"#)])
            #expect(vertnet.header("cache-status")?.hasPrefix("BioGateway; hit") == true)
            let nhm = try await gateway.request(
                nhmPath,
                method: .POST,
                headers: [("Content-Type", "application/json")],
                body: #"{"resource_id":"\#(specimens)","filters":{"genus":"Bufo"},"limit":5}"#
            )
            #expect(nhm.header("cache-status")?.hasPrefix("BioGateway; hit") == true)
            let again = try await gateway.get("/v1/records", query: [("genus", "Bufo"), ("limit", "10")])
            #expect(try again.json()["sources"]?["nhm"]?["cache"] == "hit")
            #expect(await simulator.calls(.nhm) == 1)
            #expect(await simulator.calls(.vertnet) == 1)
        }
    }
}
