/// A reader of JSON bytes that checks them against the same grammar as ``JSONParser`` and builds nothing:
/// its caller walks the parts of a document it wants (members, elements, strings, booleans) and the scanner
/// skips the rest, validating as it goes. For checking the shape of a large document (an upstream's answer)
/// without allocating a tree of it.
///
/// Accepts exactly the documents ``JSONParser`` accepts, or throws; its errors may say less than the
/// parser's (a caller that needs the parser's message parses the rejected document).
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

        /// The decoded string (escapes resolved as ``JSONParser`` resolves them).
        public func decoded() -> String {
            let quoted = [UInt8(ascii: "\"")] + Array(self.raw) + [UInt8(ascii: "\"")]
            return (try? JSONParser.parse(quoted))?.stringValue ?? ""
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
        try self.enter()
        self.index += 1
        self.skipWhitespace()
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "}") {
            self.index += 1
            self.depth -= 1
            return
        }
        while true {
            self.skipWhitespace()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\"") else {
                throw self.error("expected a string key")
            }
            let key = try self.readString()
            self.skipWhitespace()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ":") else { throw self.error("expected ':'") }
            self.index += 1
            self.skipWhitespace()
            let before = self.index
            try body(&self, key)
            if self.index == before { try self.skipValue() }
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw self.error("unexpected end of input") }
            if self.bytes[self.index] == UInt8(ascii: ",") {
                self.index += 1
            } else if self.bytes[self.index] == UInt8(ascii: "}") {
                self.index += 1
                self.depth -= 1
                return
            } else {
                throw self.error("expected ',' or '}'")
            }
        }
    }

    /// Walks the next value, an array: `body` is given each element's position, with the scanner before it,
    /// and reads or skips it (one it leaves unread is skipped).
    public mutating func elements(_ body: (inout JSONScanner, Int) throws -> Void) throws {
        guard try self.peek() == .array else { throw self.error("expected an array") }
        try self.enter()
        self.index += 1
        self.skipWhitespace()
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "]") {
            self.index += 1
            self.depth -= 1
            return
        }
        var position = 0
        while true {
            self.skipWhitespace()
            let before = self.index
            try body(&self, position)
            if self.index == before { try self.skipValue() }
            position += 1
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw self.error("unexpected end of input") }
            if self.bytes[self.index] == UInt8(ascii: ",") {
                self.index += 1
            } else if self.bytes[self.index] == UInt8(ascii: "]") {
                self.index += 1
                self.depth -= 1
                return
            } else {
                throw self.error("expected ',' or ']'")
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

    /// The parser's number grammar and range: an integer fits 64 bits or, like any other number, is a
    /// finite double.
    private mutating func skipNumber() throws(JSONParser.ParseError) {
        let start = self.index
        let isInteger: Bool
        (self.index, isInteger) = try JSONGrammar.number(in: self.bytes, at: start)
        // up to 18 characters always fit 64 bits, and a fraction without an exponent in up to 300 is a finite
        // double; the rest is checked as the parser converts it
        let length = self.index - start
        let hasExponent = !isInteger && self.bytes[start..<self.index].contains { $0 | 0x20 == UInt8(ascii: "e") }
        guard (isInteger && length > 18) || hasExponent || length > 300 else { return }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: self.bytes[start..<self.index]), as: UTF8.self)
        if isInteger, Int64(text) != nil { return }
        guard let double = Double(text), double.isFinite else { throw self.error("number out of range") }
    }
}
