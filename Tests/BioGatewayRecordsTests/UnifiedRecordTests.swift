import BioGatewayJSON
import BioGatewayQuery
import BioGatewayRecords
import Foundation
import Testing

/// The recorded upstream answers kept in the repository (copies of `shared/fixtures`).
enum Fixtures {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/BioGatewaySimulator/Fixtures")

    static func json(_ path: String) throws -> JSONValue {
        try JSONParser.parse(Array(try Data(contentsOf: self.folder.appendingPathComponent(path))))
    }

    /// The records of a recorded VertNet answer.
    static func vertnetRecords(_ name: String) throws -> [JSONObject] {
        let recordings = try self.json("vertnet/\(name).json").arrayValue ?? []
        return recordings.flatMap { $0["response"]?["body"]?["recs"]?.arrayValue ?? [] }.compactMap(\.objectValue)
    }
}

@Suite("Unified records")
struct UnifiedRecordTests {
    @Test func aVertNetRecordBecomesTypedDarwinCore() throws {
        let record = try #require(try Fixtures.vertnetRecords("vert_id").first)
        let unified = UnifiedRecord.make(from: record, source: .vertnet)
        #expect(unified["source"] == "vertnet")
        #expect(unified["scientificName"] == "BUFO DEBILIS")
        #expect(unified["decimalLatitude"] == .double(32.23))
        #expect(unified["decimalLongitude"] == .double(-104.19))
        #expect(unified["year"] == 1965)
        #expect(unified["month"] == 8)
        #expect(unified["day"] == 4)
        #expect(unified["coordinateUncertaintyInMeters"] == .double(20308))
        #expect(unified["occurrenceID"] == "urn:catalog:CM:Herps:116520")
        #expect(unified["basisOfRecord"] == "PreservedSpecimen")
        #expect(unified["id"]?.stringValue?.hasPrefix("vertnet:") == true)
        #expect(unified["sourceUrl"]?.stringValue?.hasPrefix("http") == true)
        // fields VertNet alone has are kept, under their own names
        let extensions = try #require(unified["extensions"]?["vertnet"]?.objectValue)
        #expect(extensions["networks"] == "HerpNET,VertNet")
        #expect(extensions["vntype"] == "specimen")
        // nothing is lost: every field is either a term or an extension
        for (name, _) in record where DarwinCoreTerm.term(lowercased: name) == nil {
            #expect(extensions[name] != nil, "\(name) was lost")
        }
    }

    @Test func everyRecordedVertNetRecordMaps() throws {
        for name in ["searchbyterm", "searchbyterm_multiyear_param", "spatialsearch", "traitsearch", "vertsummary_prep_vertsearch"] {
            for record in try Fixtures.vertnetRecords(name) {
                let unified = UnifiedRecord.make(from: record, source: .vertnet)
                #expect(unified["id"]?.stringValue != nil, "\(name): a record without an id")
                if let year = unified["year"], !year.isNull { #expect(year.integerValue != nil) }
                if let latitude = unified["decimalLatitude"], !latitude.isNull { #expect(latitude.doubleValue != nil) }
                for term in DarwinCoreTerm.allCases { #expect(unified[term.rawValue] != nil, "\(term) missing") }
            }
        }
    }

    @Test func theNHMSpecimenRecordMaps() throws {
        let record = try #require(try Fixtures.json("nhm/specimen_record_v6.json")["record"]?.objectValue)
        let unified = UnifiedRecord.make(from: record, source: .nhm)
        #expect(unified["id"] == "nhm:2531732")
        #expect(unified["sourceUrl"] == "https://data.nhm.ac.uk/object/4ffbec35-4397-440b-b781-a18b4d958cef")
        #expect(unified["scientificName"] == "Synodontis schall (Bloch & Schneider, 1801)")
        #expect(unified["decimalLatitude"] == .double(10.0833333))
        #expect(unified["year"] == 1968)
        #expect(unified["individualCount"] == 2)
        #expect(unified["eventDate"] == "1968-09-16")  // composed from year, month and day
        #expect(unified["class"] == "Actinopterygii")
        let extensions = try #require(unified["extensions"]?["nhm"]?.objectValue)
        #expect(extensions["subDepartment"] == "LS Fish")
        #expect(extensions["determinationNames"] == ["Synodontis schall (Bloch & Schneider, 1801)"])
    }

    @Test func unparseableValuesBecomeNullAndAreKeptVerbatim() {
        let record = JSONObject([
            ("_id", "7"), ("decimalLatitude", "abc"), ("decimalLongitude", "200"), ("year", "19x5"), ("month", "13"),
            ("recordedBy", ["A. Smith", "B. Jones"]),
        ])
        let unified = UnifiedRecord.make(from: record, source: .nhm)
        #expect(unified["decimalLatitude"] == .null)
        #expect(unified["decimalLongitude"] == .null)
        #expect(unified["year"] == .null)
        #expect(unified["month"] == .null)
        #expect(unified["eventDate"] == .null)
        #expect(unified["recordedBy"] == "A. Smith | B. Jones")
        let extensions = unified["extensions"]?["nhm"]
        #expect(extensions?["decimalLatitude"] == "abc")
        #expect(extensions?["decimalLongitude"] == "200")
        #expect(extensions?["year"] == "19x5")
        #expect(extensions?["month"] == "13")
    }
}
