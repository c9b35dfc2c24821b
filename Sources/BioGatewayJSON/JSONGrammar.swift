/// The lexical rules of RFC 8259 that ``JSONParser`` and ``JSONScanner`` share, over bytes indexed from 0.
enum JSONGrammar {
    /// Where a number starting at `start` ends, and whether it is an integer (no fraction, no exponent).
    /// - Throws: the offset where the number stopped being one.
    static func number(
        in bytes: some RandomAccessCollection<UInt8>,
        at start: Int
    ) throws(JSONParser.ParseError) -> (
        end: Int, isInteger: Bool
    ) {
        var index = start
        func byte(_ index: Int) -> UInt8? { index < bytes.count ? bytes[bytes.index(bytes.startIndex, offsetBy: index)] : nil }
        func digits() throws(JSONParser.ParseError) {
            guard let first = byte(index), Self.isDigit(first) else { throw JSONParser.ParseError(offset: index, reason: "invalid number") }
            while let next = byte(index), Self.isDigit(next) { index += 1 }
        }
        var isInteger = true
        if byte(index) == UInt8(ascii: "-") { index += 1 }
        if byte(index) == UInt8(ascii: "0") {
            index += 1
        } else {
            try digits()
        }
        if byte(index) == UInt8(ascii: ".") {
            isInteger = false
            index += 1
            try digits()
        }
        if byte(index) == UInt8(ascii: "e") || byte(index) == UInt8(ascii: "E") {
            isInteger = false
            index += 1
            if byte(index) == UInt8(ascii: "+") || byte(index) == UInt8(ascii: "-") { index += 1 }
            try digits()
        }
        return (index, isInteger)
    }

    /// The index of the first byte at or after `start` that is not JSON whitespace.
    static func skippingWhitespace(in bytes: some RandomAccessCollection<UInt8>, from start: Int) -> Int {
        var index = start
        while index < bytes.count {
            switch bytes[bytes.index(bytes.startIndex, offsetBy: index)] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return index
            }
        }
        return index
    }

    /// The index after `literal` (`true`, `false` or `null`), which must start at `start`.
    static func literal(
        _ literal: StaticString,
        in bytes: some RandomAccessCollection<UInt8>,
        at start: Int
    ) throws(JSONParser.ParseError)
        -> Int
    {
        let count = literal.utf8CodeUnitCount
        guard start + count <= bytes.count else { throw JSONParser.ParseError(offset: start, reason: "unexpected end of input") }
        for offset in 0..<count where bytes[bytes.index(bytes.startIndex, offsetBy: start + offset)] != literal.utf8Start[offset] {
            throw JSONParser.ParseError(offset: start, reason: "invalid literal")
        }
        return start + count
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    /// The value of a hexadecimal digit, or nil.
    static func hexValue(_ byte: UInt8) -> UInt32? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(byte - UInt8(ascii: "A") + 10)
        default: nil
        }
    }
}
