import BioGatewayJSON
import BioGatewayQuery
import Testing

@Suite("Form encoding")
struct FormParametersTests {
    @Test func formDecodingHandlesPlusAndPercent() {
        let form = FormParameters(encoded: "q=country+asc&sort=a&sort=b%2Cc&x=%ZZ")
        #expect(form["q"] == "country asc")
        #expect(form.values(for: "sort") == ["a", "b,c"])
        #expect(form["x"] == "%ZZ")
        #expect(form.ckanObject["sort"] == ["a", "b,c"])
        #expect(FormParameters.decode(FormParameters.encode("{\"q\":\"a b&c\"}")) == "{\"q\":\"a b&c\"}")
    }

    @Test func manyDistinctKeysGroupInOrderWithRepeatsAsLists() {
        // a hostile form body: tens of thousands of distinct keys (grouped in one pass, not one scan per key)
        let body = (0..<20_000).map { "k\($0)=v\($0)" }.joined(separator: "&") + "&k7=again&k19999=last"
        let object = FormParameters(encoded: body).ckanObject
        #expect(object.count == 20_000)
        #expect(object.keys.first == "k0" && object.keys.last == "k19999")
        #expect(object["k7"] == ["v7", "again"])
        #expect(object["k19999"] == ["v19999", "last"])
        #expect(object["k8"] == "v8")
    }
}
