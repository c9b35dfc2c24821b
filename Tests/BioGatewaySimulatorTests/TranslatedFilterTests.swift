import BioGatewayJSON
import BioGatewayQuery
import BioGatewayRecords
import BioGatewaySimulator
import BioGatewayTestSupport
import Foundation
import Testing

/// The unified filters' VertNet translations select what they say, on the simulator's data.
@Suite("Simulator: translated unified filters")
struct TranslatedFilterTests {
    func total(_ client: GatewayClient, _ filters: RecordFilters) async throws -> (Int, [JSONValue]) {
        guard case .request(let q) = filters.vertnetQuery else { throw QueryRejection(parameter: "q", detail: "unsupported") }
        let object = JSONWriter(style: .compact).string(["q": .string(q), "l": 1000])
        let body = try await client.get("/api/search", query: [("q", object)]).json()
        return (Int(body["matching_records"]?.integerValue ?? -1), body["recs"]?.arrayValue ?? [])
    }

    @Test func coordinatesYearsAndQuotedValues() async throws {
        try await withSimulator { simulator async throws in
            let client = GatewayClient(baseURL: simulator.baseURL)
            let (all, _) = try await self.total(client, RecordFilters(terms: ["genus": "Bufo"]))
            let (mappable, withCoordinates) = try await self.total(client, RecordFilters(terms: ["genus": "Bufo"], hasCoordinates: true))
            let (unmappable, withoutCoordinates) = try await self.total(client, RecordFilters(terms: ["genus": "Bufo"], hasCoordinates: false))
            #expect(all == 2_500)
            #expect(mappable + unmappable == all)
            #expect(withCoordinates.allSatisfy { $0["mappable"] == "1" })
            #expect(withoutCoordinates.allSatisfy { $0["mappable"] == "0" })

            let (_, fifties) = try await self.total(client, RecordFilters(terms: ["genus": "Bufo"], yearFrom: 1950, yearTo: 1959))
            #expect(!fifties.isEmpty)
            #expect(fifties.allSatisfy { (1950...1959).contains(Int($0["year"]?.stringValue ?? "") ?? 0) })

            let (_, american) = try await self.total(client, RecordFilters(terms: ["genus": "Bufo", "country": "United States"]))
            #expect(!american.isEmpty)
            #expect(american.allSatisfy { $0["country"] == "United States" })
        }
    }
}
