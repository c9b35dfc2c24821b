import BioGatewayJSON

/// Decodes `application/x-www-form-urlencoded` data (URL query strings and form bodies).
///
/// `+` means a space and `%XX` an escaped byte, as Python's `requests` and R's `httr` encode them.
/// Keys keep their order and may repeat.
public struct FormParameters: Sendable, Hashable {
    /// The decoded pairs, in the order they appeared.
    public private(set) var pairs: [(key: String, value: String)]

    public init(pairs: [(key: String, value: String)] = []) { self.pairs = pairs }

    /// Parses a query string or form body (without the leading `?`): one pass over its bytes.
    public init(encoded: some StringProtocol) {
        var text = String(encoded)
        self.pairs = text.withUTF8 { bytes in Self.parse(bytes) }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> [(key: String, value: String)] {
        var pairs: [(key: String, value: String)] = []
        var start = 0
        while start < bytes.count {
            var end = start
            var equals: Int?
            while end < bytes.count, bytes[end] != UInt8(ascii: "&") {
                if equals == nil, bytes[end] == UInt8(ascii: "=") { equals = end }
                end += 1
            }
            if end > start {
                if let equals {
                    pairs.append((Self.decode(bytes[start..<equals]), Self.decode(bytes[(equals + 1)..<end])))
                } else {
                    pairs.append((Self.decode(bytes[start..<end]), ""))
                }
            }
            start = end + 1
        }
        return pairs
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
        var text = String(text)
        return text.withUTF8 { bytes in Self.decode(bytes[...]) }
    }

    /// Decodes one component's bytes; invalid UTF-8 in the result is repaired (U+FFFD), as `String(decoding:)` does.
    static func decode(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> String {
        // most components have nothing to decode: their bytes are the string
        if !bytes.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "%") }) {
            return String(decoding: bytes, as: UTF8.self)
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "+") {
                decoded.append(UInt8(ascii: " "))
            } else if byte == UInt8(ascii: "%"), bytes.endIndex - index > 2,
                let high = hexValue(bytes[index + 1]),
                let low = hexValue(bytes[index + 2])
            {
                decoded.append(high << 4 | low)
                index += 2
            } else {
                decoded.append(byte)
            }
            index += 1
        }
        return String(decoding: decoded, as: UTF8.self)
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
