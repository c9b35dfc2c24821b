import BioGatewayQuery
import BioGatewayRecords
import Testing

@Suite("Scientific names: with or without authorship")
struct ScientificNameTests {
    @Test(
        arguments: [
            ("Bufo bufo", "Bufo bufo", nil),
            ("Bufo bufo (Linnaeus, 1758)", "Bufo bufo", "(Linnaeus, 1758)"),
            ("Bufo debilis Girard, 1854", "Bufo debilis", "Girard, 1854"),
            ("Bufo bufo spinosus Daudin, 1803", "Bufo bufo spinosus", "Daudin, 1803"),
            ("Canis lupus subsp. familiaris", "Canis lupus familiaris", nil),
            ("Quercus robur L.", "Quercus robur", "L."),
            ("BUFO DEBILIS", "BUFO DEBILIS", nil),
            ("Bufo", "Bufo", nil),
            ("Pica  pica   (Linnaeus, 1758)", "Pica pica", "(Linnaeus, 1758)"),
        ] as [(String, String, String?)]
    )
    func readsTheCanonicalNameAndTheAuthorship(_ text: String, _ canonical: String, _ authorship: String?) throws {
        let name = try #require(ScientificName(text))
        #expect(name.canonical == canonical)
        #expect(name.authorship == authorship)
    }

    @Test func somethingThatIsNotANameIsNotRead() {
        #expect(ScientificName("") == nil)
        #expect(ScientificName("(Linnaeus, 1758)") == nil)
        #expect(ScientificName("1758") == nil)
    }

    @Test func nhmMatchesANameOnItsPartsWhateverItsAuthorship() {
        for text in ["Bufo bufo", "Bufo bufo (Linnaeus, 1758)", "Bufo bufo Linnaeus"] {
            guard case .request(let query) = RecordFilters(terms: ["scientificName": text]).nhmQuery(resourceID: "r") else {
                Issue.record("NHM refused \(text)")
                continue
            }
            #expect(query.filters == ["genus": "Bufo", "specificEpithet": "bufo"], "\(text)")
        }
        guard case .request(let trinomial) = RecordFilters(terms: ["scientificName": "Bufo bufo spinosus"]).nhmQuery(resourceID: "r")
        else {
            Issue.record("NHM refused a trinomial")
            return
        }
        #expect(trinomial.filters == ["genus": "Bufo", "specificEpithet": "bufo", "infraspecificEpithet": "spinosus"])
    }

    @Test func nhmSaysWhyItCannotMatchAOneWordNameOrTwoGenera() {
        guard case .unsupported(let oneWord) = RecordFilters(terms: ["scientificName": "Bufo"]).nhmQuery(resourceID: "r") else {
            Issue.record("NHM accepted a one-word name it cannot match exactly")
            return
        }
        #expect(oneWord.map(\.parameter) == ["scientificName"])
        #expect(oneWord.first?.detail.contains("use genus") == true)
        let conflicting = RecordFilters(terms: ["scientificName": "Bufo bufo", "genus": "Rana"]).nhmQuery(resourceID: "r")
        guard case .unsupported(let problems) = conflicting else {
            Issue.record("NHM accepted two genera")
            return
        }
        #expect(problems.map(\.parameter) == ["scientificName"])
    }

    @Test func vertnetMatchesTheCanonicalName() {
        #expect(RecordFilters(terms: ["scientificName": "Bufo bufo (Linnaeus, 1758)"]).vertnetQuery == .request(#"scientificname:"Bufo bufo""#))
        #expect(RecordFilters(terms: ["scientificName": "Bufo"]).vertnetQuery == .request("scientificname:Bufo"))
    }

    @Test func aBackslashIsEscapedInsideVertNetQuotes() {
        #expect(RecordFilters(terms: ["genus": "Bufo\\"]).vertnetQuery == .request(#"genus:"Bufo\\""#))
    }
}
