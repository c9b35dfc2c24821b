import HTTPTypes

/// Reading comma-separated header lists (RFC 9110 §5.6.1) without Foundation: a hit reads
/// `Accept-Encoding` on every request, and Foundation's `trimmingCharacters(in:)` bridges each piece
/// through `NSString`.
enum HeaderList {
    /// Calls `body` with each non-empty element of every line of `name`, without its surrounding
    /// whitespace. Makes no array: a hit reads `Accept-Encoding` this way on every request.
    static func forEachElement(of name: HTTPField.Name, in headers: HTTPFields, _ body: (Substring) -> Void) {
        for line in headers[values: name] {
            line[...].forEachPart(separatedBy: UInt8(ascii: ",")) { element in
                if !element.isEmpty { body(element) }
            }
        }
    }
}

extension Substring {
    /// Without leading and trailing spaces and tabs (HTTP's optional whitespace).
    var trimmingWhitespace: Substring {
        let isWhitespace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 }
        guard let first = self.utf8.firstIndex(where: { !isWhitespace($0) }),
            let last = self.utf8.lastIndex(where: { !isWhitespace($0) })
        else { return self[self.endIndex...] }
        return self[first...last]
    }

    /// Whether it equals `lowercase` (an ASCII token written in lower case), ignoring ASCII case.
    func equalsIgnoringCase(_ lowercase: StaticString) -> Bool {
        let expected = UnsafeBufferPointer(start: lowercase.utf8Start, count: lowercase.utf8CodeUnitCount)
        return self.utf8.elementsEqual(expected) { byte, wanted in
            (0x41...0x5A).contains(byte) ? byte | 0x20 == wanted : byte == wanted
        }
    }

    /// Calls `body` with each part between `separator` bytes, without its surrounding whitespace.
    func forEachPart(separatedBy separator: UInt8, _ body: (Substring) -> Void) {
        var start = self.startIndex
        while true {
            let end = self.utf8[start...].firstIndex(of: separator) ?? self.endIndex
            body(self[start..<end].trimmingWhitespace)
            guard end < self.endIndex else { return }
            start = self.utf8.index(after: end)
        }
    }
}
