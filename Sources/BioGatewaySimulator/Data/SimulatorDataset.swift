import BioGatewayJSON
import BioGatewayQuery

/// The simulator's deterministic data: 26,000 NHM specimen records and 14,500 VertNet records.
///
/// Generated once per process from a fixed seed; records look like the real ones (NHM: camelCase
/// Darwin Core, string values, arrays for multi-valued fields, empty fields absent; VertNet: lowercase
/// names, string values, an integer `rank`).
public struct SimulatorDataset: Sendable {
    /// The NHM specimens resource id.
    public static let nhmSpecimenResourceID = NHMResource.specimens

    let nhmRecords: [SimulatedRecord]
    let vertnetRecords: [SimulatedRecord]

    /// Number of NHM specimen records.
    public var nhmCount: Int { self.nhmRecords.count }
    /// Number of VertNet records.
    public var vertnetCount: Int { self.vertnetRecords.count }

    /// The shared, lazily generated data set.
    public static let shared = SimulatorDataset()

    init() {
        (self.nhmRecords, self.vertnetRecords) = bothAtOnce(Self.makeNHMRecords, Self.makeVertNetRecords)
    }

    static func makeNHMRecords() -> [SimulatedRecord] {
        var random = SeededGenerator(seed: 0x4E48_4D00)
        var drafts: [(Taxon, String, String)] = []
        for (taxon, collection, basis, count) in TaxonCatalogue.nhmBlocks {
            drafts.append(contentsOf: repeatElement((taxon, collection, basis), count: count))
        }
        drafts.shuffle(using: &random)
        let collectors = ["Jones, A.", "Darwin, C.", "Wallace, A.R.", "Bates, H.W.", "Smith, J.", "Kingdon, J.", "Gray, J.E."]
        return drafts.enumerated().map { index, draft in
            let (taxon, collection, basis) = draft
            let id = 1_000_000 + index * 7
            let place = random.pick(Gazetteer.places)
            let locality = random.pick(place.localities)
            var record = JSONObject()
            record["_id"] = .string(String(id))
            record["barcode"] = .string(String(format6: 10_000_000 + index * 3))
            record["basisOfRecord"] = .string(basis)
            let year = random.int(1830...2022)
            record["catalogNumber"] = .string("\(year).\(random.int(1...12)).\(random.int(1...28)).\(random.int(1...400))")
            record["class"] = .string(taxon.taxonClass)
            record["collectionCode"] = .string(collection)
            record["continent"] = .string(place.continent)
            record["country"] = .string(place.country)
            let created =
                "20\(String(format2: random.int(3...22)))-\(String(format2: random.int(1...12)))-\(String(format2: random.int(1...28)))T09:24:24+00:00"
            record["created"] = .string(created)
            let hasDate = random.chance(0.9)
            let month = random.int(1...12)
            let day = random.int(1...28)
            if hasDate { record["day"] = .string(String(day)) }
            if random.chance(0.8) {
                record["decimalLatitude"] = .string(String(coordinate: random.around(locality.latitude)))
                record["decimalLongitude"] = .string(String(coordinate: random.around(locality.longitude)))
                record["geodeticDatum"] = "WGS84"
            }
            record["determinationNames"] = .array([.string(taxon.scientificName)])
            record["family"] = .string(taxon.family)
            record["genus"] = .string(taxon.genus)
            record["higherClassification"] = .string("\(taxon.taxonClass); \(taxon.order); \(taxon.family)")
            record["higherGeography"] = .string("\(place.continent); \(place.country); \(locality.state)")
            record["individualCount"] = .string(String(random.int(1...4)))
            record["institutionCode"] = "NHMUK"
            record["kingdom"] = .string(taxon.kingdom)
            if random.chance(0.3) { record["lifeStage"] = .string(random.pick(["adult", "juvenile", "larva", "egg"])) }
            record["locality"] = .string("\(locality.name), \(place.country)")
            record["modified"] = .string(
                "20\(String(format2: random.int(15...25)))-\(String(format2: random.int(1...12)))-\(String(format2: random.int(1...28)))T\(String(format2: random.int(0...23))):\(String(format2: random.int(0...59))):01+00:00"
            )
            if hasDate { record["month"] = .string(String(month)) }
            record["occurrenceID"] = .string(random.uuid())
            record["order"] = .string(taxon.order)
            record["otherCatalogNumbers"] = .string("NHMUK:ecatalogue:\(id)")
            record["phylum"] = .string(taxon.phylum)
            if random.chance(0.7) {
                record["recordedBy"] = .array([.string(random.pick(collectors))])
            }
            record["recordType"] = "Specimen"
            record["scientificName"] = .string(taxon.scientificName)
            record["scientificNameAuthorship"] = .string(taxon.authorship)
            if random.chance(0.4) { record["sex"] = .string(random.pick(["male", "female"])) }
            record["specificEpithet"] = .string(taxon.specificEpithet)
            record["stateProvince"] = .string(locality.state)
            if random.chance(0.03) { record["typeStatus"] = .string(random.pick(["Holotype", "Paratype", "Syntype", "Lectotype"])) }
            if hasDate { record["year"] = .string(String(year)) }
            if random.chance(0.2) {
                let assetID = String(random.int(100_000...999_999))
                record["associatedMedia"] = .array([
                    [
                        "_id": .string(assetID), "assetID": .string(assetID),
                        "identifier": .string("https://data.nhm.ac.uk/media/\(random.uuid())"),
                        "title": .string("\(taxon.binomial) specimen \(id)"), "creator": "NHM Image Resources",
                        "type": "StillImage", "license": "http://creativecommons.org/licenses/by/4.0/",
                        "format": "image/jpeg", "width": .integer(4000), "height": .integer(3000),
                    ]
                ])
                record["associatedMediaCount"] = .integer(1)
            }
            return SimulatedRecord(fields: record)
        }
    }

    static func makeVertNetRecords() -> [SimulatedRecord] {
        var random = SeededGenerator(seed: 0x5645_5254)
        var drafts: [(Taxon, String, String)] = []
        for (taxon, institution, collection, count) in TaxonCatalogue.vertnetBlocks {
            drafts.append(contentsOf: repeatElement((taxon, institution, collection), count: count))
        }
        drafts.shuffle(using: &random)
        let northAmerica = Gazetteer.places.filter { $0.continent == "North America" }
        let collectors = ["Joseph Grinnell", "Annie M. Alexander", "Tracy I. Storer", "Alden H. Miller", "Louise Kellogg", "J. Dixon"]
        return drafts.enumerated().map { index, draft in
            let (taxon, institution, collection) = draft
            let place = random.chance(0.85) ? random.pick(northAmerica) : random.pick(Gazetteer.places)
            let locality = random.pick(place.localities)
            let catalogNumber = String(10_000 + index * 3)
            let occurrenceID = "urn:catalog:\(institution):\(collection):\(catalogNumber)"
            let year = random.int(1880...2016)
            let month = random.int(1...12)
            let day = random.int(1...28)
            let mappable = random.chance(0.8)
            let hasMass = taxon.taxonClass != "Amphibia" && random.chance(0.4)
            var record = JSONObject()
            record["institutioncode"] = .string(institution)
            record["collectioncode"] = .string(collection)
            record["catalognumber"] = .string(catalogNumber)
            record["occurrenceid"] = .string(occurrenceID)
            record["iptrecordid"] = .string(occurrenceID)
            record["basisofrecord"] = "PreservedSpecimen"
            record["dctype"] = "PhysicalObject"
            record["kingdom"] = "Animalia"
            record["phylum"] = .string(taxon.phylum)
            record["class"] = .string(taxon.taxonClass)
            record["order"] = .string(taxon.order)
            record["family"] = .string(taxon.family)
            record["genus"] = .string(taxon.genus)
            record["specificepithet"] = .string(taxon.specificEpithet)
            record["scientificname"] = .string(random.chance(0.3) ? taxon.binomial.uppercased() : taxon.binomial)
            record["vernacularname"] = .string(taxon.vernacularName)
            record["continent"] = .string(place.continent)
            record["country"] = .string(place.country)
            record["countrycode"] = .string(place.countryCode)
            record["stateprovince"] = .string(locality.state)
            if let county = locality.county { record["county"] = .string(county) }
            record["locality"] = .string(locality.name)
            if mappable {
                record["decimallatitude"] = .string(String(coordinate: random.around(locality.latitude)))
                record["decimallongitude"] = .string(String(coordinate: random.around(locality.longitude)))
                record["coordinateuncertaintyinmeters"] = .string(String(random.int(10...30_000)))
                record["geodeticdatum"] = "WGS84"
            }
            record["eventdate"] = .string("\(year)-\(String(format2: month))-\(String(format2: day))")
            record["year"] = .string(String(year))
            record["month"] = .string(String(month))
            record["day"] = .string(String(day))
            record["recordedby"] = .string(random.pick(collectors))
            let sex = random.chance(0.6) ? random.pick(["male", "female"]) : ""
            if !sex.isEmpty { record["sex"] = .string(sex) }
            let lifeStage = random.chance(0.4) ? random.pick(["adult", "juvenile", "immature"]) : ""
            if !lifeStage.isEmpty { record["lifestage"] = .string(lifeStage) }
            record["preparations"] = .string(random.pick(["study skin", "skeleton", "whole organism (ethanol)", "skin; skull"]))
            record["individualcount"] = "1"
            if hasMass { record["massing"] = .string(String(random.int(5...4000))) }
            record["license"] = "http://creativecommons.org/publicdomain/zero/1.0/legalcode"
            record["mappable"] = .string(mappable ? "1" : "0")
            record["hasmass"] = .string(hasMass ? "1" : "0")
            record["haslength"] = "0"
            record["hassex"] = .string(sex.isEmpty ? "0" : "1")
            record["haslifestage"] = .string(lifeStage.isEmpty ? "0" : "1")
            record["hasmedia"] = "0"
            record["hastissue"] = .string(random.chance(0.2) ? "1" : "0")
            record["hastypestatus"] = "0"
            record["isfossil"] = "0"
            record["wascaptive"] = "0"
            record["networks"] = "VertNet"
            record["keyname"] = .string(
                "\(institution.lowercased())/\(collection.lowercased())/\(occurrenceID.lowercased().replacingColons())"
            )
            record["rank"] = .integer(Int64(random.int(1...12)))
            record["lastindexed"] = "2017-10-19"
            return SimulatedRecord(fields: record)
        }
    }
}

extension String {
    init(format2 value: Int) { self = value < 10 ? "0\(value)" : String(value) }
    init(format6 value: Int) { self = String(value) }
    init(coordinate value: Double) {
        self = String((value * 10_000).rounded() / 10_000)
    }
    func replacingColons() -> String { self.map { $0 == ":" ? "-" : String($0) }.joined() }
}
