/// The taxa the generated records are drawn from, with fixed counts per source so tests can rely on
/// exact totals (documented in docs/simulator.md).
enum TaxonCatalogue {
    static func animal(
        _ phylum: String,
        _ taxonClass: String,
        _ order: String,
        _ family: String,
        _ genus: String,
        _ epithet: String,
        _ authorship: String,
        _ vernacular: String
    ) -> Taxon {
        Taxon(
            kingdom: "Animalia",
            phylum: phylum,
            taxonClass: taxonClass,
            order: order,
            family: family,
            genus: genus,
            specificEpithet: epithet,
            authorship: authorship,
            vernacularName: vernacular
        )
    }

    static func plant(
        _ order: String,
        _ family: String,
        _ genus: String,
        _ epithet: String,
        _ authorship: String,
        _ vernacular: String
    )
        -> Taxon
    {
        Taxon(
            kingdom: "Plantae",
            phylum: "Tracheophyta",
            taxonClass: "Magnoliopsida",
            order: order,
            family: family,
            genus: genus,
            specificEpithet: epithet,
            authorship: authorship,
            vernacularName: vernacular
        )
    }

    static let bufoBufo = animal("Chordata", "Amphibia", "Anura", "Bufonidae", "Bufo", "bufo", "(Linnaeus, 1758)", "Common toad")
    static let bufoDebilis = animal("Chordata", "Amphibia", "Anura", "Bufonidae", "Bufo", "debilis", "Girard, 1854", "Green toad")
    static let anaxyrusBoreas = animal("Chordata", "Amphibia", "Anura", "Bufonidae", "Anaxyrus", "boreas", "(Baird & Girard, 1852)", "Western toad")
    static let synodontisSchall = animal(
        "Chordata",
        "Actinopterygii",
        "Siluriformes",
        "Mochokidae",
        "Synodontis",
        "schall",
        "(Bloch & Schneider, 1801)",
        "Wahrindi"
    )
    static let synodontisNigrita = animal(
        "Chordata",
        "Actinopterygii",
        "Siluriformes",
        "Mochokidae",
        "Synodontis",
        "nigrita",
        "Valenciennes, 1840",
        "Squeaker"
    )
    static let salmoTrutta = animal("Chordata", "Actinopterygii", "Salmoniformes", "Salmonidae", "Salmo", "trutta", "Linnaeus, 1758", "Brown trout")
    static let oncorhynchusClarkii = animal(
        "Chordata",
        "Actinopterygii",
        "Salmoniformes",
        "Salmonidae",
        "Oncorhynchus",
        "clarkii",
        "(Richardson, 1836)",
        "Cutthroat trout"
    )
    static let passerDomesticus = animal(
        "Chordata",
        "Aves",
        "Passeriformes",
        "Passeridae",
        "Passer",
        "domesticus",
        "(Linnaeus, 1758)",
        "House sparrow"
    )
    static let turdusMerula = animal("Chordata", "Aves", "Passeriformes", "Turdidae", "Turdus", "merula", "Linnaeus, 1758", "Common blackbird")
    static let juncoHyemalis = animal(
        "Chordata",
        "Aves",
        "Passeriformes",
        "Passerellidae",
        "Junco",
        "hyemalis",
        "(Linnaeus, 1758)",
        "Dark-eyed junco"
    )
    static let juncoPhaeonotus = animal(
        "Chordata",
        "Aves",
        "Passeriformes",
        "Passerellidae",
        "Junco",
        "phaeonotus",
        "Wagler, 1831",
        "Yellow-eyed junco"
    )
    static let zonotrichiaLeucophrys = animal(
        "Chordata",
        "Aves",
        "Passeriformes",
        "Passerellidae",
        "Zonotrichia",
        "leucophrys",
        "(Forster, 1772)",
        "White-crowned sparrow"
    )
    static let calypteAnna = animal("Chordata", "Aves", "Apodiformes", "Trochilidae", "Calypte", "anna", "(Lesson, 1829)", "Anna's hummingbird")
    static let aphelocomaCalifornica = animal(
        "Chordata",
        "Aves",
        "Passeriformes",
        "Corvidae",
        "Aphelocoma",
        "californica",
        "(Vigors, 1839)",
        "California scrub-jay"
    )
    static let picoidesVillosus = animal(
        "Chordata",
        "Aves",
        "Piciformes",
        "Picidae",
        "Leuconotopicus",
        "villosus",
        "(Linnaeus, 1766)",
        "Hairy woodpecker"
    )
    static let buteoJamaicensis = animal(
        "Chordata",
        "Aves",
        "Accipitriformes",
        "Accipitridae",
        "Buteo",
        "jamaicensis",
        "(Gmelin, 1788)",
        "Red-tailed hawk"
    )
    static let ochotonaPrinceps = animal(
        "Chordata",
        "Mammalia",
        "Lagomorpha",
        "Ochotonidae",
        "Ochotona",
        "princeps",
        "(Richardson, 1828)",
        "American pika"
    )
    static let pumaConcolor = animal("Chordata", "Mammalia", "Carnivora", "Felidae", "Puma", "concolor", "(Linnaeus, 1771)", "Cougar")
    static let peromyscusManiculatus = animal(
        "Chordata",
        "Mammalia",
        "Rodentia",
        "Cricetidae",
        "Peromyscus",
        "maniculatus",
        "(Wagner, 1845)",
        "Deer mouse"
    )
    static let pantheraLeo = animal("Chordata", "Mammalia", "Carnivora", "Felidae", "Panthera", "leo", "(Linnaeus, 1758)", "Lion")
    static let sciurusVulgaris = animal("Chordata", "Mammalia", "Rodentia", "Sciuridae", "Sciurus", "vulgaris", "Linnaeus, 1758", "Red squirrel")
    static let scelopororusUndulatus = animal(
        "Chordata",
        "Reptilia",
        "Squamata",
        "Phrynosomatidae",
        "Sceloporus",
        "undulatus",
        "(Bosc & Daudin, 1801)",
        "Eastern fence lizard"
    )
    static let pythonRegius = animal("Chordata", "Reptilia", "Squamata", "Pythonidae", "Python", "regius", "(Shaw, 1802)", "Ball python")
    static let papilioMachaon = animal("Arthropoda", "Insecta", "Lepidoptera", "Papilionidae", "Papilio", "machaon", "Linnaeus, 1758", "Swallowtail")
    static let morphoMenelaus = animal("Arthropoda", "Insecta", "Lepidoptera", "Nymphalidae", "Morpho", "menelaus", "(Linnaeus, 1758)", "Blue morpho")
    static let lucanusCervus = animal("Arthropoda", "Insecta", "Coleoptera", "Lucanidae", "Lucanus", "cervus", "(Linnaeus, 1758)", "Stag beetle")
    static let apisMellifera = animal("Arthropoda", "Insecta", "Hymenoptera", "Apidae", "Apis", "mellifera", "Linnaeus, 1758", "Western honey bee")
    static let quercusRobur = plant("Fagales", "Fagaceae", "Quercus", "robur", "L.", "English oak")
    static let bellisPerennis = plant("Asterales", "Asteraceae", "Bellis", "perennis", "L.", "Common daisy")
    static let coffeaArabica = plant("Gentianales", "Rubiaceae", "Coffea", "arabica", "L.", "Arabica coffee")
    static let digitalisPurpurea = plant("Lamiales", "Plantaginaceae", "Digitalis", "purpurea", "L.", "Foxglove")
    static let ammonite = animal("Mollusca", "Cephalopoda", "Ammonitida", "Hildoceratidae", "Hildoceras", "bifrons", "(Bruguière, 1789)", "Ammonite")
    static let trilobite = animal("Arthropoda", "Trilobita", "Phacopida", "Calymenidae", "Calymene", "blumenbachii", "Brongniart, 1822", "Dudley bug")

    /// NHM blocks: taxon, collection, basis of record, count. 26,000 records; `Bufo` 2,500; `ZOO` 15,500.
    static let nhmBlocks: [(Taxon, String, String, Int)] = [
        (bufoBufo, "ZOO", "PreservedSpecimen", 2_000),
        (bufoDebilis, "ZOO", "PreservedSpecimen", 500),
        (synodontisSchall, "ZOO", "PreservedSpecimen", 1_200),
        (synodontisNigrita, "ZOO", "PreservedSpecimen", 800),
        (salmoTrutta, "ZOO", "PreservedSpecimen", 1_500),
        (passerDomesticus, "ZOO", "PreservedSpecimen", 2_500),
        (turdusMerula, "ZOO", "PreservedSpecimen", 2_000),
        (pantheraLeo, "ZOO", "PreservedSpecimen", 600),
        (sciurusVulgaris, "ZOO", "PreservedSpecimen", 1_400),
        (pythonRegius, "ZOO", "PreservedSpecimen", 800),
        (juncoHyemalis, "ZOO", "PreservedSpecimen", 1_200),
        (ochotonaPrinceps, "ZOO", "PreservedSpecimen", 1_000),
        (papilioMachaon, "ENT", "PreservedSpecimen", 1_800),
        (morphoMenelaus, "ENT", "PreservedSpecimen", 1_200),
        (lucanusCervus, "ENT", "PreservedSpecimen", 900),
        (apisMellifera, "ENT", "PreservedSpecimen", 1_100),
        (quercusRobur, "BOT", "PreservedSpecimen", 1_300),
        (bellisPerennis, "BOT", "PreservedSpecimen", 1_100),
        (coffeaArabica, "BOT", "PreservedSpecimen", 900),
        (digitalisPurpurea, "BOT", "PreservedSpecimen", 1_200),
        (ammonite, "PAL", "FossilSpecimen", 600),
        (trilobite, "PAL", "FossilSpecimen", 400),
    ]

    /// VertNet blocks: 14,500 records; `Aves` 10,400 (so `class:aves` reports `">10000"`); `Bufo` 2,500.
    static let vertnetBlocks: [(Taxon, String, String, Int)] = [
        (juncoHyemalis, "MVZ", "Birds", 2_600),
        (juncoPhaeonotus, "MVZ", "Birds", 400),
        (zonotrichiaLeucophrys, "MVZ", "Birds", 2_000),
        (calypteAnna, "LACM", "Birds", 1_400),
        (aphelocomaCalifornica, "CAS", "ORN", 1_600),
        (picoidesVillosus, "UMMZ", "Birds", 1_200),
        (buteoJamaicensis, "FMNH", "Birds", 1_200),
        (bufoBufo, "CM", "Herps", 1_500),
        (bufoDebilis, "CM", "Herps", 1_000),
        (anaxyrusBoreas, "MVZ", "Herp", 100),
        (ochotonaPrinceps, "MVZ", "Mamm", 300),
        (pumaConcolor, "MSB", "Mamm", 300),
        (peromyscusManiculatus, "UAM", "Mamm", 400),
        (scelopororusUndulatus, "KU", "KUH", 300),
        (oncorhynchusClarkii, "UWFC", "Ich", 200),
    ]
}
