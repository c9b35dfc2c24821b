/// Serialises ``JSONValue`` in the styles the gateway and the simulator need.
public struct JSONWriter: Sendable {
    /// How a document is laid out.
    public struct Style: Sendable {
        /// Sort object keys by their UTF-8 bytes (canonical form, RFC 8785 style ordering for ASCII keys).
        public var sortKeys: Bool
        /// Python's `json.dumps` defaults: `", "` and `": "` separators.
        public var pythonSeparators: Bool
        /// Escape every non-ASCII character as `\uXXXX` (Python's `ensure_ascii`).
        public var asciiOnly: Bool

        /// Compact, keys sorted: the form cache keys are computed over.
        public static let canonical = Style(sortKeys: true, pythonSeparators: false, asciiOnly: false)
        /// Compact, keys in their original order.
        public static let compact = Style(sortKeys: false, pythonSeparators: false, asciiOnly: false)
        /// What Python 2's `json.dumps` writes by default (VertNet's server).
        public static let python = Style(sortKeys: false, pythonSeparators: true, asciiOnly: true)
    }

    public var style: Style

    public init(style: Style) { self.style = style }

    /// Encodes a value to UTF-8 bytes.
    public func bytes(_ value: JSONValue) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(256)
        self.write(value, into: &output)
        return output
    }

    /// Encodes a value to a string.
    public func string(_ value: JSONValue) -> String {
        String(decoding: self.bytes(value), as: UTF8.self)
    }

    /// Appends `value` to `output`.
    public func write(_ value: JSONValue, into output: inout [UInt8]) {
        switch value {
        case .null: output.append(contentsOf: "null".utf8)
        case .bool(let flag): output.append(contentsOf: (flag ? "true" : "false").utf8)
        case .integer(let integer): output.append(contentsOf: String(integer).utf8)
        case .double(let double): output.append(contentsOf: Self.format(double).utf8)
        case .string(let string): self.writeString(string, into: &output)
        case .array(let elements):
            output.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                if offset > 0 { self.writeComma(into: &output) }
                self.write(element, into: &output)
            }
            output.append(UInt8(ascii: "]"))
        case .object(let object):
            output.append(UInt8(ascii: "{"))
            let keys = self.style.sortKeys ? object.keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) } : object.keys
            for (offset, key) in keys.enumerated() {
                if offset > 0 { self.writeComma(into: &output) }
                self.writeString(key, into: &output)
                output.append(UInt8(ascii: ":"))
                if self.style.pythonSeparators { output.append(UInt8(ascii: " ")) }
                self.write(object[key]!, into: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
    }

    private func writeComma(into output: inout [UInt8]) {
        output.append(UInt8(ascii: ","))
        if self.style.pythonSeparators { output.append(UInt8(ascii: " ")) }
    }

    /// Shortest round-tripping form; integral doubles keep a `.0` like Python's `repr`.
    public static func format(_ double: Double) -> String {
        var text = "\(double)"
        if !text.contains(".") && !text.contains("e") && !text.contains("n") && !text.contains("i") { text += ".0" }
        return text
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    private func writeString(_ string: String, into output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        if self.style.asciiOnly && !string.utf8.allSatisfy({ $0 < 0x80 }) {
            self.writeScalars(string, into: &output)
        } else {
            // UTF-8 passes through as it is: copy the runs between the bytes that need escaping
            var string = string
            string.withUTF8 { utf8 in
                var runStart = 0
                for index in utf8.indices {
                    let byte = utf8[index]
                    if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                        output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                        self.writeEscaped(byte, into: &output)
                        runStart = index + 1
                    }
                }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
            }
        }
        output.append(UInt8(ascii: "\""))
    }

    /// An ASCII byte that JSON escapes: a quote, a backslash or a control character.
    private func writeEscaped(_ byte: UInt8, into output: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): output.append(contentsOf: "\\\"".utf8)
        case UInt8(ascii: "\\"): output.append(contentsOf: "\\\\".utf8)
        case UInt8(ascii: "\n"): output.append(contentsOf: "\\n".utf8)
        case UInt8(ascii: "\r"): output.append(contentsOf: "\\r".utf8)
        case UInt8(ascii: "\t"): output.append(contentsOf: "\\t".utf8)
        case 0x08: output.append(contentsOf: "\\b".utf8)
        case 0x0C: output.append(contentsOf: "\\f".utf8)
        default: self.writeEscape(UInt16(byte), into: &output)
        }
    }

    /// Scalar by scalar, escaping every non-ASCII one as UTF-16 (`asciiOnly`, Python's default).
    private func writeScalars(_ string: String, into output: inout [UInt8]) {
        for scalar in string.unicodeScalars {
            if scalar.value < 0x80 {
                let byte = UInt8(scalar.value)
                if byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                    self.writeEscaped(byte, into: &output)
                } else {
                    output.append(byte)
                }
            } else {
                for unit in String(scalar).utf16 { self.writeEscape(unit, into: &output) }
            }
        }
    }

    private func writeEscape(_ unit: UInt16, into output: inout [UInt8]) {
        output.append(contentsOf: "\\u".utf8)
        for shift in stride(from: 12, through: 0, by: -4) {
            output.append(Self.hexDigits[Int((unit >> UInt16(shift)) & 0xF)])
        }
    }
}

extension JSONValue {
    /// The canonical encoding: compact, keys sorted.
    public var canonicalString: String { JSONWriter(style: .canonical).string(self) }
}
