import HTTPTypes

/// Reading comma-separated header lists (RFC 9110 §5.6.1) without Foundation: a hit reads
/// `Accept-Encoding` on every request, and Foundation's `trimmingCharacters(in:)` bridges each piece
/// through `NSString`.
enum HeaderList {
    /// Calls `body` with each non-empty element of every line of `name`, without its surrounding
    /// whitespace.
    static func forEachElement(of name: HTTPField.Name, in headers: HTTPFields, _ body: (Substring) -> Void) {
        for line in headers[values: name] {
            for element in line.split(separator: ",") {
                let trimmed = element.trimmingWhitespace
                if !trimmed.isEmpty { body(trimmed) }
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
}
