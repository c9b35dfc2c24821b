import BioGatewayJSON
import BioGatewayQuery
import BioGatewayRecords
import Testing

@Suite("Record formats")
struct RecordWriterTests {
    let record = JSONObject([
        ("source", "nhm"), ("id", "nhm:1"), ("locality", "Wicken Fen, \"north\" bank\nUK"), ("year", 1965),
        ("decimalLatitude", 52.3), ("decimalLongitude", 0.28), ("county", .null), ("extensions", ["nhm": ["barcode": "1"]]),
    ])

    @Test func csvQuotesAsRFC4180Asks() {
        let writer = RecordWriter(format: .csv, fields: ["id", "locality", "year", "decimalLatitude", "county", "extensions"])
        let text = String(decoding: writer.page([self.record], metadata: JSONObject()), as: UTF8.self)
        #expect(
            text == "id,locality,year,decimalLatitude,county,extensions\r\n"
                + "nhm:1,\"Wicken Fen, \"\"north\"\" bank\nUK\",1965,52.3,,\"{\"\"nhm\"\":{\"\"barcode\"\":\"\"1\"\"}}\"\r\n"
        )
    }

    @Test func csvHeaderFollowsTheDocumentedOrder() {
        let header = String(decoding: RecordWriter(format: .csv, fields: nil).head(), as: UTF8.self)
        #expect(header.hasPrefix("source,id,sourceUrl,occurrenceID,basisOfRecord,institutionCode,"))
        #expect(header.hasSuffix(",individualCount,modified\r\n"))
        #expect(!header.contains("extensions"))
    }

    @Test func geojsonPointsAreLongitudeThenLatitude() throws {
        let writer = RecordWriter(format: .geojson, fields: ["id"])
        var unlocated = self.record
        unlocated["decimalLatitude"] = .null
        let collection = try JSONParser.parse(writer.page([self.record, unlocated], metadata: JSONObject([("next", .null)])))
        #expect(collection["type"] == "FeatureCollection")
        #expect(collection["next"] == .null)
        let features = collection["features"]?.arrayValue ?? []
        #expect(features.count == 2)
        #expect(features.first?["geometry"] == ["type": "Point", "coordinates": [0.28, 52.3]])
        #expect(features.first?["properties"] == ["id": "nhm:1"])
        #expect(features.last?["geometry"] == .null)
    }

    @Test func jsonEnvelopeAndNDJSON() throws {
        let metadata = JSONObject([("total", ["value": 1, "relation": "eq"]), ("next", .null)])
        let page = try JSONParser.parse(RecordWriter(format: .json, fields: ["id", "year"]).page([self.record, self.record], metadata: metadata))
        #expect(
            page == [
                "records": [["id": "nhm:1", "year": 1965], ["id": "nhm:1", "year": 1965]], "total": ["value": 1, "relation": "eq"], "next": .null,
            ]
        )
        let lines = String(
            decoding: RecordWriter(format: .ndjson, fields: ["id"]).page([self.record, self.record], metadata: metadata),
            as: UTF8.self
        )
        #expect(lines == "{\"id\":\"nhm:1\"}\n{\"id\":\"nhm:1\"}\n")
    }

    @Test(arguments: [
        ("text/csv", RecordFormat.csv), ("application/geo+json", .geojson), ("application/x-ndjson", .ndjson),
        ("text/html, application/json;q=0.9", .json), ("text/html, text/csv", .csv),
    ])
    func acceptPicksAFormat(_ accept: String, _ format: RecordFormat) {
        #expect(RecordFormat(accept: accept) == format)
    }

    @Test func noKnownMediaTypeMeansNoFormat() {
        #expect(RecordFormat(accept: "*/*") == nil)
    }
}
