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

/// A country with a few states and a coordinate box that records are scattered in.
struct Place: Sendable {
    var continent: String
    var country: String
    var countryCode: String
    var states: [String]
    var latitude: Range<Double>
    var longitude: Range<Double>
    var localities: [String]
}

enum Gazetteer {
    static let places: [Place] = [
        Place(
            continent: "Europe",
            country: "United Kingdom",
            countryCode: "GB",
            states: ["England", "Scotland", "Wales"],
            latitude: 50.2..<57.5,
            longitude: -5.5..<1.5,
            localities: ["Wicken Fen", "Epping Forest", "Cairngorms", "Snowdonia"]
        ),
        Place(
            continent: "Africa",
            country: "Ethiopia",
            countryCode: "ET",
            states: ["Benshangul-Gumaz", "Oromia", "Amhara"],
            latitude: 4.0..<14.0,
            longitude: 34.0..<44.0,
            localities: ["Blue Nile Gorge", "Bale Mountains", "Lake Tana shore"]
        ),
        Place(
            continent: "Africa",
            country: "Kenya",
            countryCode: "KE",
            states: ["Rift Valley", "Coast", "Eastern"],
            latitude: -4.0..<4.0,
            longitude: 34.0..<41.0,
            localities: ["Lake Naivasha", "Tsavo East", "Mount Kenya forest"]
        ),
        Place(
            continent: "South America",
            country: "Brazil",
            countryCode: "BR",
            states: ["Amazonas", "Bahia", "Pará", "São Paulo"],
            latitude: -23.0 ..< -2.0,
            longitude: -65.0 ..< -40.0,
            localities: ["Rio Negro", "Mata Atlântica reserve", "Serra do Mar"]
        ),
        Place(
            continent: "Asia",
            country: "Malaysia",
            countryCode: "MY",
            states: ["Sabah", "Sarawak", "Pahang"],
            latitude: 1.5..<6.5,
            longitude: 100.5..<118.5,
            localities: ["Danum Valley", "Gunung Mulu", "Taman Negara"]
        ),
        Place(
            continent: "Oceania",
            country: "Australia",
            countryCode: "AU",
            states: ["Queensland", "New South Wales", "Western Australia"],
            latitude: -35.0 ..< -12.0,
            longitude: 115.0..<153.0,
            localities: ["Daintree", "Blue Mountains", "Kimberley"]
        ),
        Place(
            continent: "North America",
            country: "United States",
            countryCode: "US",
            states: ["California", "New Mexico", "Colorado", "Texas", "Minnesota", "Oregon"],
            latitude: 29.0..<48.0,
            longitude: -123.0 ..< -94.0,
            localities: ["Sierra Nevada", "Sacramento Mountains", "Rocky Mountain NP", "Big Bend", "Cascade Range"]
        ),
        Place(
            continent: "North America",
            country: "Mexico",
            countryCode: "MX",
            states: ["Chihuahua", "Oaxaca", "Sonora"],
            latitude: 16.0..<31.0,
            longitude: -110.0 ..< -94.0,
            localities: ["Sierra Madre Occidental", "Valle de Oaxaca"]
        ),
        Place(
            continent: "North America",
            country: "Canada",
            countryCode: "CA",
            states: ["British Columbia", "Alberta", "Ontario"],
            latitude: 43.0..<58.0,
            longitude: -128.0 ..< -78.0,
            localities: ["Banff", "Algonquin", "Vancouver Island"]
        ),
        Place(
            continent: "Asia",
            country: "China",
            countryCode: "CN",
            states: ["Yunnan", "Sichuan", "Tibet"],
            latitude: 22.0..<34.0,
            longitude: 92.0..<104.0,
            localities: ["Xishuangbanna", "Wolong", "Hengduan Mountains"]
        ),
        Place(
            continent: "Europe",
            country: "France",
            countryCode: "FR",
            states: ["Provence-Alpes-Côte d'Azur", "Bretagne", "Occitanie"],
            latitude: 43.0..<49.0,
            longitude: -4.0..<7.0,
            localities: ["Camargue", "Forêt de Brocéliande", "Pyrénées"]
        ),
        Place(
            continent: "Asia",
            country: "India",
            countryCode: "IN",
            states: ["Kerala", "Assam", "Sikkim"],
            latitude: 8.0..<28.0,
            longitude: 75.0..<95.0,
            localities: ["Western Ghats", "Kaziranga", "Khangchendzonga"]
        ),
    ]
}
