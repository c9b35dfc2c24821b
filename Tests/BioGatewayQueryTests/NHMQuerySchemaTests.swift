import BioGatewayJSON
import BioGatewayQuery
import Testing

/// The multi actions' `query` as the portal treats it: normalised, then validated against schema v1.0.0 with
/// jsonschema's first error as the 409 message. The expected messages and normal forms were produced by the
/// portal's own normaliser and schema files with jsonschema 4.26 (a Python script run by hand, not in CI).
@Suite("NHM query schema")
struct NHMQuerySchemaTests {
    static let multiQuery = NHMAction.readOnly["vds_multi_query"]!

    static func parse(_ query: String, version: String? = nil) throws(NHMValidationError) -> NHMActionQuery {
        var parameters: JSONObject = ["query": .string(query)]
        if let version { parameters["query_version"] = .string(version) }
        return try NHMActionQuery.parse(Self.multiQuery, parameters)
    }

    static func message(_ query: String) -> String? {
        do {
            _ = try Self.parse(query)
            return nil
        } catch {
            return error.message
        }
    }

    /// A query, the portal's message for it (nil when valid), its normal form when valid.
    static let portalAnswers: [(String, String?, String?)] = [
        (#"{"filter": {}}"#, #"Additional properties are not allowed ('filter' was unexpected)"#, nil),
        (#"{"search": 5}"#, #"5 is not of type 'string'"#, nil),
        (
            #"{"search": "bufo", "filters": {"and": [{"string_equals": {"fields": ["genus"], "value": "Bufo"}}]}}"#, nil,
            #"{"filters":{"and":[{"string_equals":{"fields":["genus"],"value":"Bufo"}}]},"search":"bufo"}"#
        ),
        (
            #"{"filters": {"or": [{"string_equals": {"fields": ["genus"], "value": "Bufo"}}]}}"#, nil,
            #"{"filters":{"and":[{"string_equals":{"fields":["genus"],"value":"Bufo"}}]}}"#
        ),
        (#"{"filters": {"and": []}}"#, nil, #"{}"#),
        (#"{"filters": {"or": [{"and": []}]}}"#, #"[] should be non-empty"#, nil),
        (
            #"{"filters": {"and": [{"string_equals": {"fields": ["genus"]}}]}}"#,
            #"{'string_equals': {'fields': ['genus']}} is not valid under any of the given schemas"#, nil
        ),
        (
            #"{"filters": {"string_equals": {"fields": ["genus"], "value": "x"}}}"#,
            #"{'string_equals': {'fields': ['genus'], 'value': 'x'}} is not valid under any of the given schemas"#, nil
        ),
        (
            #"{"filters": {"x": 1, "and": [{"exists": {"geo_field": true}}], "or": [{"exists": {"geo_field": true}}, {"exists": {"fields": ["a"]}}]}}"#,
            #"{'x': 1, 'and': [{'exists': {'geo_field': True}}], 'or': [{'exists': {'geo_field': True}}, {'exists': {'fields': ['a']}}]} is valid under each of {'required': ['or']}, {'required': ['and']}"#,
            nil
        ),
        (#"{"filters": {"x": 1, "and": [{"exists": {"geo_field": true}}]}}"#, #"Additional properties are not allowed ('x' was unexpected)"#, nil),
        (#"{"filters": {"and": [{"exists": {"geo_field": true}}], "zz": 1}}"#, nil, #"{"filters":{"and":[{"exists":{"geo_field":true}}]}}"#),
        (
            #"{"filters": {"or": [{"number_range": {"fields": ["year"], "greater_than": 1900}}, {"geo_point": {"latitude": 51.5, "longitude": -0.1, "radius": 10, "radius_unit": "km"}}]}}"#,
            nil,
            #"{"filters":{"or":[{"number_range":{"fields":["year"],"greater_than":1900}},{"geo_point":{"latitude":51.5,"longitude":-0.1,"radius":10,"radius_unit":"km"}}]}}"#
        ),
        (
            #"{"filters": {"and": [{"geo_point": {"latitude": 91, "longitude": 0}}]}}"#,
            #"{'geo_point': {'latitude': 91, 'longitude': 0}} is not valid under any of the given schemas"#, nil
        ),
        (
            #"{"filters": {"and": [{"string_equals": {"fields": ["a", "a"], "value": "x"}}]}}"#,
            #"{'string_equals': {'fields': ['a', 'a'], 'value': 'x'}} is not valid under any of the given schemas"#, nil
        ),
        (
            #"{"filters": {"not": [{"geo_custom_area": [[[[0, 0], [0, 1], [1, 1], [0, 0]]]]}]}}"#, nil,
            #"{"filters":{"not":[{"geo_custom_area":[[[[0,0],[0,1],[1,1],[0,0]]]]}]}}"#
        ),
        (#"{"search": "it's"}"#, nil, #"{"search":"it's"}"#),
        (#"{"search": ["a\"b'c"]}"#, #"['a"b\'c'] is not of type 'string'"#, nil),
        (
            #"{"filters": {"and": [{"number_equals": {"fields": ["year"], "value": true}}]}}"#,
            #"{'number_equals': {'fields': ['year'], 'value': True}} is not valid under any of the given schemas"#, nil
        ),
        (
            #"{"filters": {"and": [{"and": [{"or": [{"exists": {"fields": ["a"]}}]}]}]}}"#, nil,
            #"{"filters":{"and":[{"and":[{"and":[{"exists":{"fields":["a"]}}]}]}]}}"#
        ),
        (#"[]"#, nil, #"{}"#),
        (#"{"search": 1.5}"#, #"1.5 is not of type 'string'"#, nil),
        (#"{"a": 1, "b": 2, "search": "x"}"#, #"Additional properties are not allowed ('a', 'b' were unexpected)"#, nil),
    ]

    @Test(arguments: Self.portalAnswers)
    func queriesAreNormalisedAndValidatedAsThePortalDoes(_ query: String, _ message: String?, _ normalised: String?) throws {
        #expect(Self.message(query) == message)
        if let normalised {
            let parsed = try Self.parse(query)
            #expect((parsed.parameters["query"] ?? .object(JSONObject())).canonicalString == normalised)
        }
    }

    /// Where the portal's normaliser itself fails (it answers 500), the gateway reports the schema error.
    @Test(arguments: [
        (#"{"filters": {"and": "x"}}"#, "'x' is not of type 'array'"),
        (#"{"filters": {}}"#, "{} is not valid under any of the given schemas"),
        (#"{"filters": []}"#, "[] is not of type 'object'"),
        (#"{"filters": null}"#, "None is not of type 'object'"),
        (#"{"filters": {"and": [5]}}"#, "5 is not valid under any of the given schemas"),
    ])
    func queriesThePortalFailsOnGetTheSchemaError(_ query: String, _ message: String) {
        #expect(Self.message(query) == message)
    }

    @Test func equivalentQueriesShareOneCacheEntry() throws {
        let or = try Self.parse(#"{"filters":{"or":[{"exists":{"fields":["genus"]}}]}}"#)
        let and = try Self.parse(#"{"filters":{"and":[{"and":[]},{"exists":{"fields":["genus"]}}]}}"#)
        let spaced = try Self.parse(#"{ "filters" : { "and" : [ { "exists" : { "fields" : [ "genus" ] } } ] } }"#)
        #expect(or.canonicalRequest.key == and.canonicalRequest.key)
        #expect(or.canonicalRequest.key == spaced.canonicalRequest.key)
        #expect(try Self.parse("{}").canonicalRequest.key == Self.parse(#"{"filters":{"and":[]}}"#).canonicalRequest.key)
    }

    @Test func anUnknownQueryVersionIsRefusedAndTheDefaultIsAccepted() throws {
        #expect(throws: NHMValidationError(message: "Invalid query version: v9.9.9")) { try Self.parse("{}", version: "v9.9.9") }
        #expect(try Self.parse("{}", version: "v1.0.0").parameters["query_version"] == "v1.0.0")
        #expect(try Self.parse("{}", version: "").parameters["query_version"] == nil)
    }

    /// Natural Earth's names are the portal's to check: the gateway passes a named area on.
    @Test func namedAreaNamesAreLeftToThePortal() throws {
        #expect(Self.message(#"{"filters":{"and":[{"geo_named_area":{"country":"Nowhere"}}]}}"#) == nil)
        #expect(
            Self.message(#"{"filters":{"and":[{"geo_named_area":{"country":"France","marine":"x"}}]}}"#)
                == "{'geo_named_area': {'country': 'France', 'marine': 'x'}} is not valid under any of the given schemas"
        )
    }

    @Test func stringsArePrintedAsPythonPrintsThem() {
        #expect(Self.message(#"{"search":["it's"]}"#) == #"["it's"] is not of type 'string'"#)
        #expect(Self.message(#"{"search":["a\\b\n"]}"#) == #"['a\\b\n'] is not of type 'string'"#)
    }

    @Test func aQueryNestedDeeperThanAnyRealOneIsRefusedWithoutRecursingThroughIt() {
        let deep = String(repeating: #"{"and":["#, count: 200) + #"{"exists":{"fields":["a"]}}"# + String(repeating: "]}", count: 200)
        #expect(Self.message(#"{"filters":"# + deep + "}") == "The query is nested more than 64 levels deep")
        let shallow = String(repeating: #"{"and":["#, count: 20) + #"{"exists":{"fields":["a"]}}"# + String(repeating: "]}", count: 20)
        #expect(Self.message(#"{"filters":"# + shallow + "}") == nil)
    }
}
