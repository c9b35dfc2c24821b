/// A reader of JSON bytes (RFC 8259, strictly) that builds nothing: its caller walks the parts of a document
/// it wants (members, elements, strings, booleans) and the scanner skips the rest, validating as it goes.
/// For checking the shape of a large document (an upstream's answer) without allocating a tree of it.
///
/// ``JSONParser`` reads with it, so both accept exactly the same documents and fail with the same errors.
public struct JSONScanner {
    /// What the next value is.
    public enum Kind: Equatable, Sendable {
        case object, array, string, number, bool, null
    }

    /// A string as it appears in the document, not decoded; it points into the scanned bytes, so it is valid
    /// only inside the ``scan(_:_:)`` that read it.
    public struct StringToken {
        /// The bytes between the quotes.
        public let raw: UnsafeRawBufferPointer
        /// Whether it contains an escape (then ``raw`` is not its text).
        public let hasEscapes: Bool

        /// Whether the decoded string is empty (every escape decodes to at least one character).
        public var isEmpty: Bool { self.raw.isEmpty }

        /// Whether the decoded string is `text`, compared as ``JSONParser`` would compare a key it built.
        public func equals(_ text: StaticString) -> Bool {
            if self.hasEscapes { return self.decoded() == text.description }
            return self.raw.count == text.utf8CodeUnitCount
                && self.raw.elementsEqual(UnsafeRawBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }

        /// The decoded string. Bytes that are not UTF-8 become U+FFFD, and so does a lone or mismatched
        /// surrogate escape (a high surrogate's escape and the escape after it become one U+FFFD).
        public func decoded() -> String {
            guard self.hasEscapes else { return String(decoding: self.raw, as: UTF8.self) }
            let raw = self.raw
            // the token was checked when it was read: every escape is whole
            func hex4(at index: Int) -> UInt32 { (0..<4).reduce(0) { $0 * 16 + JSONGrammar.hexValue(raw[index + $1])! } }
            var buffer: [UInt8] = []
            buffer.reserveCapacity(raw.count)
            var index = 0
            while index < raw.count {
                let byte = raw[index]
                guard byte == UInt8(ascii: "\\") else {
                    buffer.append(byte)
                    index += 1
                    continue
                }
                let escape = raw[index + 1]
                index += 2
                switch escape {
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    var code = hex4(at: index)
                    index += 4
                    if (0xD800...0xDBFF).contains(code) {
                        if index + 1 < raw.count, raw[index] == UInt8(ascii: "\\"), raw[index + 1] == UInt8(ascii: "u") {
                            let low = hex4(at: index + 2)
                            index += 6
                            code = (0xDC00...0xDFFF).contains(low) ? 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
                        } else {
                            code = 0xFFFD
                        }
                    } else if (0xDC00...0xDFFF).contains(code) {
                        code = 0xFFFD
                    }
                    buffer.append(contentsOf: String(Character(Unicode.Scalar(code) ?? "\u{FFFD}")).utf8)
                default:
                    // `"`, `\\` and `/` stand for themselves
                    buffer.append(escape)
                }
            }
            return String(decoding: buffer, as: UTF8.self)
        }
    }

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var depth = 0
    private static let maximumDepth = 512

    private init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Scans one complete document in `bytes` with `body`, which must read or skip its one value; trailing
    /// non-space bytes are an error.
    public static func scan<T>(_ bytes: UnsafeRawBufferPointer, _ body: (inout JSONScanner) throws -> T) throws -> T {
        var scanner = JSONScanner(bytes)
        scanner.skipWhitespace()
        let start = scanner.index
        let result = try body(&scanner)
        if scanner.index == start { try scanner.skipValue() }
        scanner.skipWhitespace()
        guard scanner.index == scanner.bytes.count else { throw scanner.error("unexpected data after the JSON value") }
        return result
    }

    /// The kind of the next value (after any whitespace).
    public mutating func peek() throws(JSONParser.ParseError) -> Kind {
        self.skipWhitespace()
        guard self.index < self.bytes.count else { throw self.error("unexpected end of input") }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw self.error("unexpected character")
        }
    }

    /// Checks and passes over the next value, whatever it is.
    public mutating func skipValue() throws {
        switch try self.peek() {
        case .object: try self.members { _, _ in }
        case .array: try self.elements { _, _ in }
        case .string: _ = try self.readString()
        case .number: try self.skipNumber()
        case .bool: _ = try self.readBool()
        case .null: try self.expectLiteral("null")
        }
    }

    /// Reads the next value, whatever it is, as a ``JSONValue`` (what ``JSONParser`` builds).
    mutating func readValue() throws -> JSONValue {
        switch try self.peek() {
        case .object:
            var object = JSONObject()
            try self.members { scanner, key in object[key.decoded()] = try scanner.readValue() }
            return .object(object)
        case .array:
            var elements: [JSONValue] = []
            try self.elements { scanner, _ in elements.append(try scanner.readValue()) }
            return .array(elements)
        case .string: return .string(try self.readString().decoded())
        case .number: return try self.readNumber()
        case .bool: return .bool(try self.readBool())
        case .null:
            try self.expectLiteral("null")
            return .null
        }
    }

    /// Reads the next value, a boolean.
    public mutating func readBool() throws(JSONParser.ParseError) -> Bool {
        guard try self.peek() == .bool else { throw self.error("expected a boolean") }
        if self.bytes[self.index] == UInt8(ascii: "t") {
            try self.expectLiteral("true")
            return true
        }
        try self.expectLiteral("false")
        return false
    }

    /// Reads the next value, a string, without decoding it.
    public mutating func readString() throws(JSONParser.ParseError) -> StringToken {
        guard try self.peek() == .string else { throw self.error("expected a string") }
        self.index += 1
        let start = self.index
        var hasEscapes = false
        while true {
            guard self.index < self.bytes.count else { throw self.error("unterminated string") }
            let byte = self.bytes[self.index]
            if byte == UInt8(ascii: "\"") { break }
            if byte < 0x20 { throw self.error("control character in string") }
            self.index += 1
            guard byte == UInt8(ascii: "\\") else { continue }
            hasEscapes = true
            guard self.index < self.bytes.count else { throw self.error("unterminated escape") }
            let escape = self.bytes[self.index]
            self.index += 1
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
                UInt8(ascii: "r"), UInt8(ascii: "t"):
                continue
            case UInt8(ascii: "u"):
                // a surrogate's partner is an escape of its own: checked when it is reached
                guard self.index + 4 <= self.bytes.count else { throw self.error("truncated \\u escape") }
                for _ in 0..<4 {
                    guard JSONGrammar.hexValue(self.bytes[self.index]) != nil else { throw self.error("invalid \\u escape") }
                    self.index += 1
                }
            default:
                throw self.error("invalid escape")
            }
        }
        let token = StringToken(raw: UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index]), hasEscapes: hasEscapes)
        self.index += 1
        return token
    }

    /// Walks the next value, an object: `body` is given each key, with the scanner before its value, and
    /// reads or skips that value (one it leaves unread is skipped).
    public mutating func members(_ body: (inout JSONScanner, StringToken) throws -> Void) throws {
        guard try self.peek() == .object else { throw self.error("expected an object") }
        try self.container(closedBy: UInt8(ascii: "}")) { scanner, _ in
            guard scanner.index < scanner.bytes.count, scanner.bytes[scanner.index] == UInt8(ascii: "\"") else {
                throw scanner.error("expected a string key")
            }
            let key = try scanner.readString()
            scanner.skipWhitespace()
            guard scanner.index < scanner.bytes.count, scanner.bytes[scanner.index] == UInt8(ascii: ":") else {
                throw scanner.error("expected ':'")
            }
            scanner.index += 1
            scanner.skipWhitespace()
            let before = scanner.index
            try body(&scanner, key)
            if scanner.index == before { try scanner.skipValue() }
        }
    }

    /// Walks the next value, an array: `body` is given each element's position, with the scanner before it,
    /// and reads or skips it (one it leaves unread is skipped).
    public mutating func elements(_ body: (inout JSONScanner, Int) throws -> Void) throws {
        guard try self.peek() == .array else { throw self.error("expected an array") }
        try self.container { scanner, position in
            let before = scanner.index
            try body(&scanner, position)
            if scanner.index == before { try scanner.skipValue() }
        }
    }

    /// Walks the object or array whose opening bracket is next: `each` reads one member or element (the
    /// scanner past any whitespace before it); commas between them and the closing bracket are checked here.
    private mutating func container(
        closedBy closing: UInt8 = UInt8(ascii: "]"),
        _ each: (inout JSONScanner, Int) throws -> Void
    ) throws {
        try self.enter()
        self.index += 1
        self.skipWhitespace()
        if self.index < self.bytes.count, self.bytes[self.index] == closing {
            self.index += 1
            self.depth -= 1
            return
        }
        var position = 0
        while true {
            self.skipWhitespace()
            try each(&self, position)
            position += 1
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw self.error("unexpected end of input") }
            if self.bytes[self.index] == UInt8(ascii: ",") {
                self.index += 1
            } else if self.bytes[self.index] == closing {
                self.index += 1
                self.depth -= 1
                return
            } else {
                throw self.error(closing == UInt8(ascii: "}") ? "expected ',' or '}'" : "expected ',' or ']'")
            }
        }
    }

    private func error(_ reason: String) -> JSONParser.ParseError { JSONParser.ParseError(offset: self.index, reason: reason) }

    private mutating func enter() throws(JSONParser.ParseError) {
        self.depth += 1
        if self.depth > Self.maximumDepth { throw self.error("nesting too deep") }
    }

    private mutating func skipWhitespace() {
        self.index = JSONGrammar.skippingWhitespace(in: self.bytes, from: self.index)
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONParser.ParseError) {
        self.index = try JSONGrammar.literal(literal, in: self.bytes, at: self.index)
    }

    /// Passes over a number: up to 18 characters always fit 64 bits, and a fraction without an exponent in
    /// up to 300 is a finite double; the rest is read, to check its range.
    private mutating func skipNumber() throws(JSONParser.ParseError) {
        let start = self.index
        let isInteger: Bool
        (self.index, isInteger) = try JSONGrammar.number(in: self.bytes, at: start)
        let length = self.index - start
        let hasExponent = !isInteger && self.bytes[start..<self.index].contains { $0 | 0x20 == UInt8(ascii: "e") }
        guard (isInteger && length > 18) || hasExponent || length > 300 else { return }
        self.index = start
        _ = try self.readNumber()
    }

    /// Reads a number: an integer that fits 64 bits, or else a finite double.
    private mutating func readNumber() throws(JSONParser.ParseError) -> JSONValue {
        let start = self.index
        let isInteger: Bool
        (self.index, isInteger) = try JSONGrammar.number(in: self.bytes, at: start)
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index]), as: UTF8.self)
        if isInteger, let integer = Int64(text) { return .integer(integer) }
        guard let double = Double(text), double.isFinite else { throw self.error("number out of range") }
        return .double(double)
    }
}
