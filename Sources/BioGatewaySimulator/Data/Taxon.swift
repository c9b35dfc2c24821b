/// A species with its Darwin Core classification, used to generate realistic records.
struct Taxon: Sendable {
    var kingdom: String
    var phylum: String
    var taxonClass: String
    var order: String
    var family: String
    var genus: String
    var specificEpithet: String
    var authorship: String
    var vernacularName: String

    var binomial: String { "\(self.genus) \(self.specificEpithet)" }
    var scientificName: String { "\(self.binomial) \(self.authorship)" }
}

/// A named place where records were collected: its state or province, county (where the country has them
/// in Darwin Core records) and the point records there are scattered around (within ``Locality/spread``
/// degrees), so that a record's locality, state, country and coordinates agree with each other.
struct Locality: Sendable {
    var name: String
    var state: String
    var county: String?
    var latitude: Double
    var longitude: Double

    /// Degrees of latitude and longitude a record's coordinates may lie from the locality's point.
    static let spread = 0.15
}

/// A country and the localities records come from.
struct Place: Sendable {
    var continent: String
    var country: String
    var countryCode: String
    var localities: [Locality]
}

enum Gazetteer {
    static let places: [Place] = [
        Place(
            continent: "Europe",
            country: "United Kingdom",
            countryCode: "GB",
            localities: [
                Locality(name: "Wicken Fen", state: "England", county: "Cambridgeshire", latitude: 52.31, longitude: 0.28),
                Locality(name: "Epping Forest", state: "England", county: "Essex", latitude: 51.66, longitude: 0.05),
                Locality(name: "New Forest", state: "England", county: "Hampshire", latitude: 50.87, longitude: -1.6),
                Locality(name: "Cairngorms", state: "Scotland", county: "Highland", latitude: 57.08, longitude: -3.67),
                Locality(name: "Loch Lomond", state: "Scotland", county: "Stirling", latitude: 56.08, longitude: -4.58),
                Locality(name: "Snowdonia", state: "Wales", county: "Gwynedd", latitude: 53.07, longitude: -3.92),
                Locality(name: "Brecon Beacons", state: "Wales", county: "Powys", latitude: 51.88, longitude: -3.44),
            ]
        ),
        Place(
            continent: "Africa",
            country: "Ethiopia",
            countryCode: "ET",
            localities: [
                Locality(name: "Blue Nile Gorge", state: "Amhara", county: nil, latitude: 10.05, longitude: 38.2),
                Locality(name: "Lake Tana shore", state: "Amhara", county: nil, latitude: 11.95, longitude: 37.3),
                Locality(name: "Bale Mountains", state: "Oromia", county: nil, latitude: 6.85, longitude: 39.85),
                Locality(name: "Assosa", state: "Benshangul-Gumaz", county: nil, latitude: 10.07, longitude: 34.53),
            ]
        ),
        Place(
            continent: "Africa",
            country: "Kenya",
            countryCode: "KE",
            localities: [
                Locality(name: "Lake Naivasha", state: "Rift Valley", county: nil, latitude: -0.77, longitude: 36.4),
                Locality(name: "Tsavo East", state: "Coast", county: nil, latitude: -2.98, longitude: 38.55),
                Locality(name: "Mount Kenya forest", state: "Eastern", county: nil, latitude: -0.15, longitude: 37.45),
            ]
        ),
        Place(
            continent: "South America",
            country: "Brazil",
            countryCode: "BR",
            localities: [
                Locality(name: "Rio Negro", state: "Amazonas", county: nil, latitude: -2.6, longitude: -60.9),
                Locality(name: "Chapada Diamantina", state: "Bahia", county: nil, latitude: -12.6, longitude: -41.4),
                Locality(name: "Serra do Mar", state: "São Paulo", county: nil, latitude: -23.55, longitude: -45.3),
                Locality(name: "Floresta Nacional do Tapajós", state: "Pará", county: nil, latitude: -3.3, longitude: -55.0),
            ]
        ),
        Place(
            continent: "Asia",
            country: "Malaysia",
            countryCode: "MY",
            localities: [
                Locality(name: "Danum Valley", state: "Sabah", county: nil, latitude: 4.96, longitude: 117.8),
                Locality(name: "Gunung Mulu", state: "Sarawak", county: nil, latitude: 4.05, longitude: 114.85),
                Locality(name: "Taman Negara", state: "Pahang", county: nil, latitude: 4.6, longitude: 102.4),
            ]
        ),
        Place(
            continent: "Oceania",
            country: "Australia",
            countryCode: "AU",
            localities: [
                Locality(name: "Daintree", state: "Queensland", county: nil, latitude: -16.17, longitude: 145.4),
                Locality(name: "Blue Mountains", state: "New South Wales", county: nil, latitude: -33.7, longitude: 150.3),
                Locality(name: "Kimberley", state: "Western Australia", county: nil, latitude: -16.5, longitude: 126.0),
            ]
        ),
        Place(
            continent: "North America",
            country: "United States",
            countryCode: "US",
            localities: [
                Locality(name: "Sierra Nevada", state: "California", county: "Tuolumne County", latitude: 37.85, longitude: -119.55),
                Locality(name: "Point Reyes", state: "California", county: "Marin County", latitude: 38.05, longitude: -122.85),
                Locality(name: "Sacramento Mountains", state: "New Mexico", county: "Otero County", latitude: 32.85, longitude: -105.75),
                Locality(name: "Rocky Mountain NP", state: "Colorado", county: "Larimer County", latitude: 40.35, longitude: -105.7),
                Locality(name: "Big Bend", state: "Texas", county: "Brewster County", latitude: 29.25, longitude: -103.25),
                Locality(name: "Davis Mountains", state: "Texas", county: "Jeff Davis County", latitude: 30.6, longitude: -104.1),
                Locality(name: "Itasca State Park", state: "Minnesota", county: "Clearwater County", latitude: 47.2, longitude: -95.2),
                Locality(name: "Cascade Range", state: "Oregon", county: "Lane County", latitude: 44.1, longitude: -122.0),
            ]
        ),
        Place(
            continent: "North America",
            country: "Mexico",
            countryCode: "MX",
            localities: [
                Locality(name: "Sierra Madre Occidental", state: "Chihuahua", county: nil, latitude: 28.2, longitude: -107.8),
                Locality(name: "Valle de Oaxaca", state: "Oaxaca", county: nil, latitude: 17.0, longitude: -96.7),
                Locality(name: "Desierto de Altar", state: "Sonora", county: nil, latitude: 31.9, longitude: -113.4),
            ]
        ),
        Place(
            continent: "North America",
            country: "Canada",
            countryCode: "CA",
            localities: [
                Locality(name: "Vancouver Island", state: "British Columbia", county: nil, latitude: 49.6, longitude: -125.5),
                Locality(name: "Banff", state: "Alberta", county: nil, latitude: 51.2, longitude: -115.6),
                Locality(name: "Algonquin", state: "Ontario", county: nil, latitude: 45.55, longitude: -78.4),
            ]
        ),
        Place(
            continent: "Asia",
            country: "China",
            countryCode: "CN",
            localities: [
                Locality(name: "Xishuangbanna", state: "Yunnan", county: nil, latitude: 21.95, longitude: 100.9),
                Locality(name: "Wolong", state: "Sichuan", county: nil, latitude: 31.0, longitude: 103.2),
                Locality(name: "Hengduan Mountains", state: "Sichuan", county: nil, latitude: 29.5, longitude: 101.5),
                Locality(name: "Nyingchi", state: "Tibet", county: nil, latitude: 29.65, longitude: 94.35),
            ]
        ),
        Place(
            continent: "Europe",
            country: "France",
            countryCode: "FR",
            localities: [
                Locality(name: "Camargue", state: "Provence-Alpes-Côte d'Azur", county: nil, latitude: 43.55, longitude: 4.55),
                Locality(name: "Forêt de Brocéliande", state: "Bretagne", county: nil, latitude: 48.0, longitude: -2.2),
                Locality(name: "Pyrénées", state: "Occitanie", county: nil, latitude: 42.85, longitude: 0.15),
            ]
        ),
        Place(
            continent: "Asia",
            country: "India",
            countryCode: "IN",
            localities: [
                Locality(name: "Western Ghats", state: "Kerala", county: nil, latitude: 10.1, longitude: 77.05),
                Locality(name: "Kaziranga", state: "Assam", county: nil, latitude: 26.6, longitude: 93.4),
                Locality(name: "Khangchendzonga", state: "Sikkim", county: nil, latitude: 27.6, longitude: 88.4),
            ]
        ),
    ]
}
