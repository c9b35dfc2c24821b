/// A strict RFC 8259 JSON parser over UTF-8 bytes.
///
/// Unlike `JSONSerialization` it keeps integers apart from doubles and booleans apart from numbers,
/// and keeps object keys in order; the canonicaliser depends on both.
public struct JSONParser {
    /// Why a document is not JSON, with the byte offset where parsing stopped.
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public let offset: Int
        public let reason: String
        public var description: String { "\(self.reason) at byte \(self.offset)" }
    }

    private let bytes: [UInt8]
    private var index = 0
    private var depth = 0
    private static let maximumDepth = 512

    private init(bytes: [UInt8]) { self.bytes = bytes }

    /// Parses a complete JSON document; trailing non-space bytes are an error.
    public static func parse(_ bytes: some Collection<UInt8>) throws(ParseError) -> JSONValue {
        var parser = JSONParser(bytes: Array(bytes))
        parser.skipWhitespace()
        let value = try parser.parseValue()
        parser.skipWhitespace()
        guard parser.index == parser.bytes.count else { throw parser.error("unexpected data after the JSON value") }
        return value
    }

    /// Parses a complete JSON document given as a string.
    public static func parse(_ text: String) throws(ParseError) -> JSONValue {
        try self.parse(Array(text.utf8))
    }

    private func error(_ reason: String) -> ParseError { ParseError(offset: self.index, reason: reason) }

    private mutating func skipWhitespace() {
        self.index = JSONGrammar.skippingWhitespace(in: self.bytes, from: self.index)
    }

    private mutating func parseValue() throws(ParseError) -> JSONValue {
        guard self.index < self.bytes.count else { throw self.error("unexpected end of input") }
        switch self.bytes[self.index] {
        case UInt8(ascii: "{"): return try self.parseObject()
        case UInt8(ascii: "["): return try self.parseArray()
        case UInt8(ascii: "\""): return .string(try self.parseString())
        case UInt8(ascii: "t"):
            try self.expectLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try self.expectLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try self.expectLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try self.parseNumber()
        default: throw self.error("unexpected character")
        }
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(ParseError) {
        self.index = try JSONGrammar.literal(literal, in: self.bytes, at: self.index)
    }

    private mutating func enter() throws(ParseError) {
        self.depth += 1
        if self.depth > Self.maximumDepth { throw self.error("nesting too deep") }
    }

    private mutating func parseObject() throws(ParseError) -> JSONValue {
        try self.enter()
        defer { self.depth -= 1 }
        self.index += 1
        var object = JSONObject()
        self.skipWhitespace()
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "}") {
            self.index += 1
            return .object(object)
        }
        while true {
            self.skipWhitespace()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\"") else {
                throw self.error("expected a string key")
            }
            let key = try self.parseString()
            self.skipWhitespace()
            guard self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: ":") else {
                throw self.error("expected ':'")
            }
            self.index += 1
            self.skipWhitespace()
            object[key] = try self.parseValue()
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw self.error("unexpected end of input") }
            if self.bytes[self.index] == UInt8(ascii: ",") {
                self.index += 1
            } else if self.bytes[self.index] == UInt8(ascii: "}") {
                self.index += 1
                return .object(object)
            } else {
                throw self.error("expected ',' or '}'")
            }
        }
    }

    private mutating func parseArray() throws(ParseError) -> JSONValue {
        try self.enter()
        defer { self.depth -= 1 }
        self.index += 1
        var elements: [JSONValue] = []
        self.skipWhitespace()
        if self.index < self.bytes.count, self.bytes[self.index] == UInt8(ascii: "]") {
            self.index += 1
            return .array(elements)
        }
        while true {
            self.skipWhitespace()
            elements.append(try self.parseValue())
            self.skipWhitespace()
            guard self.index < self.bytes.count else { throw self.error("unexpected end of input") }
            if self.bytes[self.index] == UInt8(ascii: ",") {
                self.index += 1
            } else if self.bytes[self.index] == UInt8(ascii: "]") {
                self.index += 1
                return .array(elements)
            } else {
                throw self.error("expected ',' or ']'")
            }
        }
    }

    private mutating func parseHex4() throws(ParseError) -> UInt32 {
        guard self.index + 4 <= self.bytes.count else { throw self.error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = JSONGrammar.hexValue(self.bytes[self.index]) else { throw self.error("invalid \\u escape") }
            value = value * 16 + digit
            self.index += 1
        }
        return value
    }

    private mutating func parseString() throws(ParseError) -> String {
        self.index += 1
        var runStart = self.index
        var buffer: [UInt8] = []
        func flushRun(_ parser: inout JSONParser, upTo end: Int) {
            if end > runStart { buffer.append(contentsOf: parser.bytes[runStart..<end]) }
        }
        while true {
            guard self.index < self.bytes.count else { throw self.error("unterminated string") }
            let byte = self.bytes[self.index]
            if byte == UInt8(ascii: "\"") {
                flushRun(&self, upTo: self.index)
                self.index += 1
                break
            }
            if byte < 0x20 { throw self.error("control character in string") }
            if byte == UInt8(ascii: "\\") {
                flushRun(&self, upTo: self.index)
                self.index += 1
                guard self.index < self.bytes.count else { throw self.error("unterminated escape") }
                let escape = self.bytes[self.index]
                self.index += 1
                switch escape {
                case UInt8(ascii: "\""): buffer.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): buffer.append(UInt8(ascii: "\\"))
                case UInt8(ascii: "/"): buffer.append(UInt8(ascii: "/"))
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    var code = try self.parseHex4()
                    if (0xD800...0xDBFF).contains(code) {
                        if self.index + 6 <= self.bytes.count, self.bytes[self.index] == UInt8(ascii: "\\"),
                            self.bytes[self.index + 1] == UInt8(ascii: "u")
                        {
                            self.index += 2
                            let low = try self.parseHex4()
                            if (0xDC00...0xDFFF).contains(low) {
                                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                            } else {
                                code = 0xFFFD
                            }
                        } else {
                            code = 0xFFFD
                        }
                    } else if (0xDC00...0xDFFF).contains(code) {
                        code = 0xFFFD
                    }
                    let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                    buffer.append(contentsOf: Array(String(Character(scalar)).utf8))
                default: throw self.error("invalid escape")
                }
                runStart = self.index
                continue
            }
            self.index += 1
        }
        return String(decoding: buffer, as: UTF8.self)
    }

    private mutating func parseNumber() throws(ParseError) -> JSONValue {
        let start = self.index
        let isInteger: Bool
        (self.index, isInteger) = try JSONGrammar.number(in: self.bytes, at: start)
        let text = String(decoding: self.bytes[start..<self.index], as: UTF8.self)
        if isInteger, let integer = Int64(text) { return .integer(integer) }
        guard let double = Double(text), double.isFinite else { throw self.error("number out of range") }
        return .double(double)
    }
}
