/// The Darwin Core terms of a unified record, in the fixed order CSV columns follow, with their types.
public enum DarwinCoreTerm: String, CaseIterable, Sendable {
    case occurrenceID
    case basisOfRecord
    case institutionCode
    case collectionCode
    case catalogNumber
    case scientificName
    case kingdom
    case phylum
    case `class`
    case order
    case family
    case genus
    case specificEpithet
    case infraspecificEpithet
    case recordedBy
    case eventDate
    case year
    case month
    case day
    case country
    case stateProvince
    case county
    case locality
    case decimalLatitude
    case decimalLongitude
    case coordinateUncertaintyInMeters
    case geodeticDatum
    case typeStatus
    case sex
    case lifeStage
    case preparations
    case individualCount
    case modified

    /// How a term's value is typed in a unified record.
    public enum Kind: Sendable {
        case text
        /// A whole number, within the range.
        case integer(ClosedRange<Int64>)
        /// A number, within the range.
        case number(ClosedRange<Double>)
    }

    public var kind: Kind {
        switch self {
        case .year: .integer(0...9999)
        case .month: .integer(1...12)
        case .day: .integer(1...31)
        case .individualCount: .integer(0...Int64(Int32.max))
        case .decimalLatitude: .number(-90...90)
        case .decimalLongitude: .number(-180...180)
        case .coordinateUncertaintyInMeters: .number(0...Double(Int32.max))
        default: .text
        }
    }

    /// The term for a lowercase name as VertNet sends it (`decimallatitude` → `decimalLatitude`).
    public static func term(lowercased name: String) -> DarwinCoreTerm? { Self.byLowercaseName[name] }

    private static let byLowercaseName: [String: DarwinCoreTerm] = Dictionary(
        uniqueKeysWithValues: DarwinCoreTerm.allCases.map { ($0.rawValue.lowercased(), $0) }
    )
}
