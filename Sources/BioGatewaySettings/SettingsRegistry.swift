import Configuration

/// A struct whose stored properties are all ``Setting``s: its settings can be listed, read from a
/// `ConfigReader` and mixed from two instances without naming any of them.
///
/// Listing uses `Mirror`; building uses the struct's synthesized `Decodable` initializer, fed whole
/// settings by ``SettingsAssembler`` — the technique swift-argument-parser uses for `@Option` properties.
public protocol SettingsRegistry: Decodable, Sendable {
    /// Every setting at its default.
    init()
}

extension SettingsRegistry {
    /// The settings, in declaration order, with the values of this instance.
    public var settings: [any AnySetting] {
        Mirror(reflecting: self).children.compactMap { $0.value as? any AnySetting }
    }

    /// The settings, in declaration order, at their defaults.
    public static var settings: [any AnySetting] { Self().settings }

    /// Reads every setting from `reader`; a value that is present but unusable is reported, not ignored.
    public init(reader: ConfigReader) throws(InvalidSetting) {
        var parts: [String: any AnySetting] = [:]
        for (label, setting) in Self.labelledSettings(Self()) {
            parts[label] = try setting.reading(reader)
        }
        self = Self.assemble(parts)
    }

    /// This instance with the settings `keys` names taken from `other`.
    public func taking(_ keys: Set<String>, from other: Self) -> Self {
        let others = Dictionary(uniqueKeysWithValues: Self.labelledSettings(other))
        var parts: [String: any AnySetting] = [:]
        for (label, setting) in Self.labelledSettings(self) {
            parts[label] = keys.contains(setting.key) ? others[label]! : setting
        }
        return Self.assemble(parts)
    }

    private static func labelledSettings(_ instance: Self) -> [(String, any AnySetting)] {
        Mirror(reflecting: instance).children.compactMap { child in
            // a property wrapper is stored as `_name`; the synthesized coding key is `name`
            guard let label = child.label, let setting = child.value as? any AnySetting else { return nil }
            return (label.hasPrefix("_") ? String(label.dropFirst()) : label, setting)
        }
    }

    private static func assemble(_ parts: [String: any AnySetting]) -> Self {
        do {
            return try Self(from: SettingsAssembler(parts: parts))
        } catch {
            preconditionFailure("\(Self.self) has a stored property that is not a @Setting: \(error)")
        }
    }
}

/// A `Decoder` that answers each property of a ``SettingsRegistry`` with a setting it was given whole.
struct SettingsAssembler: Decoder {
    let parts: [String: any AnySetting]
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        KeyedDecodingContainer(Container(parts: self.parts))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer { throw Self.unsupported }
    func singleValueContainer() throws -> any SingleValueDecodingContainer { throw Self.unsupported }

    static let unsupported = DecodingError.typeMismatch(
        (any AnySetting).self,
        .init(codingPath: [], debugDescription: "only @Setting properties can be assembled")
    )

    struct Container<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let parts: [String: any AnySetting]
        var codingPath: [any CodingKey] { [] }
        var allKeys: [Key] { self.parts.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { self.parts[key.stringValue] != nil }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            guard let setting = self.parts[key.stringValue] as? T else { throw SettingsAssembler.unsupported }
            return setting
        }

        func decodeNil(forKey key: Key) throws -> Bool { false }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { throw SettingsAssembler.unsupported }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { throw SettingsAssembler.unsupported }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { throw SettingsAssembler.unsupported }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { throw SettingsAssembler.unsupported }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { throw SettingsAssembler.unsupported }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { throw SettingsAssembler.unsupported }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { throw SettingsAssembler.unsupported }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { throw SettingsAssembler.unsupported }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { throw SettingsAssembler.unsupported }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { throw SettingsAssembler.unsupported }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { throw SettingsAssembler.unsupported }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { throw SettingsAssembler.unsupported }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { throw SettingsAssembler.unsupported }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { throw SettingsAssembler.unsupported }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            throw SettingsAssembler.unsupported
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer { throw SettingsAssembler.unsupported }
        func superDecoder() throws -> any Decoder { throw SettingsAssembler.unsupported }
        func superDecoder(forKey key: Key) throws -> any Decoder { throw SettingsAssembler.unsupported }
    }
}
