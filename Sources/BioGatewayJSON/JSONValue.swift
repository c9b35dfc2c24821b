/// A JSON value that keeps what the wire said: integers stay integers, object keys keep their order.
///
/// The gateway parses upstream and client JSON into this type to validate and canonicalise it; it never
/// re-encodes a cached body.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The string, when this is a string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The object, when this is an object.
    public var objectValue: JSONObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The elements, when this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The integer, when this is an integer (or a double with no fractional part).
    public var integerValue: Int64? {
        switch self {
        case .integer(let value): return value
        case .double(let value) where value.rounded() == value && abs(value) < 9.0e15: return Int64(value)
        default: return nil
        }
    }

    /// The number as a double, when this is a number.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): return Double(value)
        case .double(let value): return value
        default: return nil
        }
    }

    /// `true` for `null`.
    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// Looks up a key when this is an object.
    public subscript(key: String) -> JSONValue? {
        self.objectValue?[key]
    }
}

/// A JSON object that remembers the order its keys arrived in.
///
/// Members are kept in order in two arrays. Small objects (most records and every envelope) are searched
/// linearly, which is cheaper than hashing; past ``indexThreshold`` members a dictionary from key to
/// position is kept too, so a huge object (a hostile request body) is never quadratic to build.
public struct JSONObject: Sendable, Hashable, Sequence {
    public private(set) var keys: [String] = []
    private var values: [JSONValue] = []
    private var positions: [String: Int]?
    static let indexThreshold = 64

    public init() {}

    public init(_ pairs: [(String, JSONValue)]) {
        self.keys.reserveCapacity(pairs.count)
        self.values.reserveCapacity(pairs.count)
        for (key, value) in pairs { self[key] = value }
    }

    public var count: Int { self.keys.count }
    public var isEmpty: Bool { self.keys.isEmpty }

    private func position(of key: String) -> Int? {
        if let positions = self.positions { return positions[key] }
        return self.keys.firstIndex(of: key)
    }

    public subscript(key: String) -> JSONValue? {
        get { self.position(of: key).map { self.values[$0] } }
        set {
            if let position = self.position(of: key) {
                if let newValue {
                    self.values[position] = newValue
                } else {
                    self.keys.remove(at: position)
                    self.values.remove(at: position)
                    if self.positions != nil {
                        self.positions![key] = nil
                        for index in position..<self.keys.count { self.positions![self.keys[index]] = index }
                    }
                }
            } else if let newValue {
                self.positions?[key] = self.keys.count
                self.keys.append(key)
                self.values.append(newValue)
                if self.positions == nil, self.keys.count > Self.indexThreshold {
                    self.positions = Dictionary(uniqueKeysWithValues: self.keys.enumerated().map { ($1, $0) })
                }
            }
        }
    }

    /// The members in order. A concrete type (not an opaque one), so that loops over members compile to
    /// direct array walks in every module.
    public struct Iterator: IteratorProtocol {
        var keys: IndexingIterator<[String]>
        var values: IndexingIterator<[JSONValue]>

        public mutating func next() -> (key: String, value: JSONValue)? {
            guard let key = self.keys.next(), let value = self.values.next() else { return nil }
            return (key, value)
        }
    }

    public func makeIterator() -> Iterator {
        Iterator(keys: self.keys.makeIterator(), values: self.values.makeIterator())
    }

    /// Equal when they have the same members, in any order (as JSON objects are).
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return zip(lhs.keys, lhs.values).allSatisfy { rhs[$0] == $1 }
    }

    public func hash(into hasher: inout Hasher) {
        // order-independent, to agree with ==
        var members = 0
        for (key, value) in zip(self.keys, self.values) {
            var member = Hasher()
            member.combine(key)
            member.combine(value)
            members ^= member.finalize()
        }
        hasher.combine(self.count)
        hasher.combine(members)
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    /// An object with these members, in the order written.
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self.init(elements) }
}
