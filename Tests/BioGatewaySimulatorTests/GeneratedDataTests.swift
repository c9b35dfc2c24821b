import BioGatewayQuery
import BioGatewayTestSupport
import Foundation
import Testing

@testable import BioGatewaySimulator

@Suite("Simulator: generated records a scientist would believe")
struct GeneratedDataTests {
    /// Every locality's state, country and point, by its name.
    static let localities: [String: (place: Place, locality: Locality)] = Dictionary(
        uniqueKeysWithValues: Gazetteer.places.flatMap { place in place.localities.map { ($0.name, (place, $0)) } }
    )

    static func number(_ record: SimulatedRecord, _ field: String) -> Double? { record.string(field).flatMap(Double.init) }

    static func agrees(_ value: Double?, with centre: Double) -> Bool {
        value.map { abs($0 - centre) <= Locality.spread + 0.0001 } ?? true
    }

    @Test func nhmLocalitiesStatesCountriesAndCoordinatesAgree() throws {
        for record in SimulatorDataset.shared.nhmRecords {
            let locality = try #require(record.string("locality"))
            let name = String(locality.split(separator: ",").first ?? "")
            let known = try #require(Self.localities[name], "\(locality)")
            #expect(locality == "\(name), \(known.place.country)")
            #expect(record.string("stateProvince") == known.locality.state)
            #expect(record.string("country") == known.place.country)
            #expect(record.string("higherGeography") == "\(known.place.continent); \(known.place.country); \(known.locality.state)")
            #expect(Self.agrees(Self.number(record, "decimalLatitude"), with: known.locality.latitude), "\(locality)")
            #expect(Self.agrees(Self.number(record, "decimalLongitude"), with: known.locality.longitude), "\(locality)")
        }
    }

    @Test func vertnetLocalitiesStatesCountiesCountriesAndCoordinatesAgree() throws {
        for record in SimulatorDataset.shared.vertnetRecords {
            let locality = try #require(record.string("locality"))
            let known = try #require(Self.localities[locality], "\(locality)")
            #expect(record.string("stateprovince") == known.locality.state)
            #expect(record.string("county") == known.locality.county)
            #expect(record.string("country") == known.place.country)
            #expect(record.string("countrycode") == known.place.countryCode)
            #expect(Self.agrees(Self.number(record, "decimallatitude"), with: known.locality.latitude), "\(locality)")
            #expect(Self.agrees(Self.number(record, "decimallongitude"), with: known.locality.longitude), "\(locality)")
        }
    }

    @Test func everyLocalityLiesInItsCountry() {
        // rough boxes around each country: a point placed in the wrong country would fall outside
        let boxes: [String: (ClosedRange<Double>, ClosedRange<Double>)] = [
            "United Kingdom": (49.8...59, -8...2), "Ethiopia": (3...15, 33...48), "Kenya": (-5...5, 33.5...42),
            "Brazil": (-34...5, -74 ... -34), "Malaysia": (0.8...7.5, 99.5...119.5), "Australia": (-44 ... -10, 112...154),
            "United States": (24...50, -125 ... -66), "Mexico": (14...33, -118 ... -86), "Canada": (41...70, -141 ... -52),
            "China": (18...54, 73...135), "France": (41...51.5, -5...9.6), "India": (6...36, 68...97.5),
        ]
        for place in Gazetteer.places {
            let (latitudes, longitudes) = boxes[place.country] ?? (0...0, 0...0)
            for locality in place.localities {
                #expect(latitudes.contains(locality.latitude) && longitudes.contains(locality.longitude), "\(locality.name)")
            }
        }
    }
}
