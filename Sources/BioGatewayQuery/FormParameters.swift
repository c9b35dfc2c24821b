import BioGatewayJSON

/// Decodes `application/x-www-form-urlencoded` data (URL query strings and form bodies).
///
/// `+` means a space and `%XX` an escaped byte, as Python's `requests` and R's `httr` encode them.
/// Keys keep their order and may repeat.
public struct FormParameters: Sendable, Hashable {
    /// The decoded pairs, in the order they appeared.
    public private(set) var pairs: [(key: String, value: String)]

    public init(pairs: [(key: String, value: String)] = []) { self.pairs = pairs }

    /// Parses a query string or form body (without the leading `?`).
    public init(encoded: some StringProtocol) {
        self.pairs = []
        for component in encoded.split(separator: "&", omittingEmptySubsequences: true) {
            if let equals = component.firstIndex(of: "=") {
                self.pairs.append(
                    (Self.decode(component[..<equals]), Self.decode(component[component.index(after: equals)...]))
                )
            } else {
                self.pairs.append((Self.decode(component), ""))
            }
        }
    }

    /// The first value of a key.
    public subscript(key: String) -> String? {
        self.pairs.first { $0.key == key }?.value
    }

    /// Every value of a key, in order.
    public func values(for key: String) -> [String] {
        self.pairs.filter { $0.key == key }.map(\.value)
    }

    /// The distinct keys, in order of first appearance.
    public var keys: [String] {
        var seen = Set<String>()
        return self.pairs.compactMap { seen.insert($0.key).inserted ? $0.key : nil }
    }

    /// CKAN's reading of a GET request: one value stays a string, a repeated key becomes a list. One pass
    /// over the pairs (grouping by rescanning them for each key was quadratic in hostile bodies).
    public var ckanObject: JSONObject {
        var order: [String] = []
        var grouped: [String: [String]] = [:]
        for (key, value) in self.pairs {
            if grouped[key]?.append(value) == nil {
                grouped[key] = [value]
                order.append(key)
            }
        }
        var object = JSONObject()
        for key in order {
            let values = grouped[key]!
            object[key] = values.count == 1 ? .string(values[0]) : .array(values.map { .string($0) })
        }
        return object
    }

    /// Decodes one component: `+` to space, then percent escapes (invalid escapes stay literal).
    public static func decode(_ text: some StringProtocol) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = Array(text.utf8)[...]
        while let byte = iterator.popFirst() {
            if byte == UInt8(ascii: "+") {
                bytes.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), iterator.count >= 2,
                let high = hexValue(iterator[iterator.startIndex]),
                let low = hexValue(iterator[iterator.startIndex + 1])
            {
                bytes.append(high << 4 | low)
                iterator = iterator.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Percent-encodes a component for a query string (unreserved characters stay as they are).
    public static func encode(_ text: String) -> String {
        var output = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                output += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return output
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    public static func == (lhs: FormParameters, rhs: FormParameters) -> Bool {
        lhs.pairs.elementsEqual(rhs.pairs) { $0.key == $1.key && $0.value == $1.value }
    }

    public func hash(into hasher: inout Hasher) {
        for pair in self.pairs {
            hasher.combine(pair.key)
            hasher.combine(pair.value)
        }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - self.count)) + self
    }
}
