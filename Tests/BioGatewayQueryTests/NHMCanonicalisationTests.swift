import BioGatewayJSON
import BioGatewayQuery
import Testing

@Suite("NHM canonicalisation")
struct NHMCanonicalisationTests {
    let resource = NHMResource.specimens

    func key(get query: String) throws -> String {
        try NHMSearchQuery.parse(FormParameters(encoded: query).ckanObject).canonicalRequest.key
    }

    func key(post json: String) throws -> String {
        guard case .object(let object) = try JSONParser.parse(json) else { throw QueryRejection(parameter: "body", detail: "not an object") }
        return try NHMSearchQuery.parse(object).canonicalRequest.key
    }

    @Test func parameterOrderDoesNotMatter() throws {
        #expect(
            try self.key(get: "resource_id=\(self.resource)&q=bufo&limit=10")
                == self.key(get: "limit=10&q=bufo&resource_id=\(self.resource)")
        )
    }

    @Test func commaStringEqualsRepeatedKeysAndList() throws {
        let comma = try self.key(get: "resource_id=\(self.resource)&sort=country,family+desc&fields=country,family")
        let repeated = try self.key(get: "resource_id=\(self.resource)&sort=country&sort=family+desc&fields=family&fields=country")
        let list = try self.key(post: #"{"resource_id":"\#(self.resource)","sort":["country","family desc"],"fields":["country","family"]}"#)
        #expect(comma == repeated)
        #expect(comma == list)
    }

    @Test func sortOrderMatters() throws {
        #expect(
            try self.key(get: "resource_id=\(self.resource)&sort=country,family")
                != self.key(get: "resource_id=\(self.resource)&sort=family,country")
        )
    }

    @Test func defaultsAreApplied() throws {
        let bare = try self.key(get: "resource_id=\(self.resource)&q=bufo")
        #expect(try bare == self.key(get: "resource_id=\(self.resource)&q=bufo&limit=100"))
        #expect(try bare == self.key(get: "resource_id=\(self.resource)&q=bufo&offset=0&limit=100"))
        #expect(try bare == self.key(get: "resource_id=\(self.resource)&q=bufo&filters=%7B%7D"))
        #expect(try bare == self.key(post: #"{"resource_id":"\#(self.resource)","q":"bufo","limit":100,"offset":0}"#))
    }

    @Test func limitIsClampedLikeNHM() throws {
        let query = try NHMSearchQuery.parse(FormParameters(encoded: "resource_id=\(self.resource)&limit=5000").ckanObject)
        #expect(query.limit == 1000)
        #expect(query.requestedLimit == 5000)
        #expect(try self.key(get: "resource_id=\(self.resource)&limit=5000") == self.key(get: "resource_id=\(self.resource)&limit=1000"))
        #expect(try NHMSearchQuery.parse(FormParameters(encoded: "resource_id=r&limit=-3").ckanObject).limit == 0)
    }

    @Test func getAndPostOfTheSameSearchShareAKey() throws {
        let get = try self.key(
            get: "resource_id=\(self.resource)&q=jones&filters=%7B%22collectionCode%22%3A+%22bot%22%7D&limit=10&offset=50&sort=country+asc"
        )
        let post = try self.key(
            post: #"{"resource_id":"\#(self.resource)","q":"jones","filters":{"collectionCode":"bot"},"limit":"10","offset":50,"sort":"country"}"#
        )
        #expect(get == post)
    }

    @Test func differentQuestionsGetDifferentKeys() throws {
        let base = try self.key(get: "resource_id=\(self.resource)&q=bufo")
        #expect(try base != self.key(get: "resource_id=\(self.resource)&q=bufo&offset=100"))
        #expect(try base != self.key(get: "resource_id=\(self.resource)&q=puma"))
        #expect(try base != self.key(get: "resource_id=\(self.resource)&q=bufo&limit=10"))
        #expect(try base != self.key(get: "resource_id=\(self.resource)&q=bufo&filters=%7B%22genus%22%3A%22bufo%22%7D"))
        #expect(try base != self.key(get: "resource_id=bb909597-dedf-427d-8c04-4c02b3a24db3&q=bufo"))
    }

    @Test func unknownParametersAreDropped() throws {
        #expect(
            try self.key(get: "resource_id=\(self.resource)&q=bufo&distinct=true&records_format=csv")
                == self.key(get: "resource_id=\(self.resource)&q=bufo")
        )
    }

    @Test func filterListsAreANDedSoOrderIsIrrelevant() throws {
        #expect(
            try self.key(post: #"{"resource_id":"r","filters":{"genus":["Bufo","bufo2"]}}"#)
                == self.key(post: #"{"resource_id":"r","filters":{"genus":["bufo2","Bufo","Bufo"]}}"#)
        )
        #expect(
            try self.key(post: #"{"resource_id":"r","filters":{"genus":["Bufo"]}}"#)
                == self.key(post: #"{"resource_id":"r","filters":{"genus":"Bufo"}}"#)
        )
    }

    @Test func objectQIsParsedFromJSONString() throws {
        let query = try NHMSearchQuery.parse(FormParameters(encoded: "resource_id=r&q=%7B%22genus%22%3A%22bufo%22%7D").ckanObject)
        #expect(query.q == .object(JSONObject([("genus", "bufo")])))
    }

    @Test func afterIsDroppedWhenOffsetIsUsed() throws {
        #expect(
            try self.key(post: #"{"resource_id":"r","offset":10,"after":["x","1"]}"#) == self.key(post: #"{"resource_id":"r","offset":10}"#)
        )
    }

    @Test func canonicalJSONIsReadable() throws {
        let request = try NHMSearchQuery.parse(FormParameters(encoded: "q=bufo&resource_id=r").ckanObject).canonicalRequest
        #expect(
            request.canonicalJSON
                == #"{"endpoint":"datastore_search","parameters":{"limit":100,"offset":0,"q":"bufo","resource_id":"r"},"source":"nhm"}"#
        )
        #expect(request.key.count == 64)
    }
}

@Suite("NHM validation")
struct NHMValidationTests {
    func error(_ query: String) -> NHMValidationError? {
        do {
            let parsed = try NHMSearchQuery.parse(FormParameters(encoded: query).ckanObject)
            try parsed.enforcePagingRules()
            return nil
        } catch {
            return error
        }
    }

    @Test func missingResourceID() {
        #expect(self.error("q=bufo")?.fieldErrors["resource_id"] == ["Missing value"])
        #expect(self.error("resource_id=&q=bufo")?.fieldErrors["resource_id"] == ["Missing value"])
    }

    @Test func nonIntegerLimit() {
        #expect(self.error("resource_id=r&limit=ten")?.fieldErrors["limit"] == ["Invalid integer"])
        #expect(self.error("resource_id=r&limit=1.5")?.fieldErrors["limit"] == ["Invalid integer"])
    }

    @Test func invalidFiltersJSON() {
        #expect(self.error("resource_id=r&filters=%7Bgenus")?.fieldErrors["filters"] == ["Cannot parse JSON"])
    }

    @Test func negativeOffset() {
        #expect(self.error("resource_id=r&offset=-1")?.fieldErrors["offset"] != nil)
    }

    @Test func searchWindow() {
        #expect(self.error("resource_id=r&offset=8999&limit=1000") == nil)
        let error = self.error("resource_id=r&offset=9000&limit=1000")
        #expect(error?.message == "Search window size out of bounds: 10001 (from: 9000, size: 1000)")
        // the clamp is applied before the window is computed
        #expect(self.error("resource_id=r&offset=9000&limit=5000")?.message?.contains("10001") == true)
        // no overflow at the edges of Int64
        #expect(self.error("resource_id=r&offset=9223372036854775807&limit=1000")?.message != nil)
        #expect(self.error("resource_id=r&offset=-9223372036854775808")?.fieldErrors["offset"] != nil)
        // Python's int() reads any number of digits, and the limit is then clamped like any other
        #expect(self.error("resource_id=r&limit=99999999999999999999999") == nil)
        #expect(self.error("resource_id=r&offset=99999999999999999999999")?.message?.hasPrefix("Search window size out of bounds") == true)
    }

    @Test func envelopeIsNHMs() throws {
        let envelope = try #require(self.error("resource_id=r&limit=x")).envelope
        #expect(envelope["success"] == .bool(false))
        #expect(envelope["error"]?["__type"] == "Validation Error")
        #expect(envelope["error"]?["limit"] == ["Invalid integer"])
        #expect(envelope["help"]?.stringValue?.hasPrefix("https://data.nhm.ac.uk/api/3/action/help_show") == true)
    }
}
