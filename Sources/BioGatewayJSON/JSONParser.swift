/// A strict RFC 8259 JSON parser over UTF-8 bytes.
///
/// Unlike `JSONSerialization` it keeps integers apart from doubles and booleans apart from numbers,
/// and keeps object keys in order; the canonicaliser depends on both. It reads with ``JSONScanner`` (one
/// grammar for both), building the values the scanner walks.
public struct JSONParser {
    /// Why a document is not JSON, with the byte offset where parsing stopped.
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public let offset: Int
        public let reason: String
        public var description: String { "\(self.reason) at byte \(self.offset)" }
    }

    private init() {}

    /// Parses a complete JSON document; trailing non-space bytes are an error.
    public static func parse(_ bytes: some Collection<UInt8>) throws(ParseError) -> JSONValue {
        do {
            return try Array(bytes).withUnsafeBytes { bytes in try JSONScanner.scan(bytes) { try $0.readValue() } }
        } catch let error as ParseError {
            throw error
        } catch {
            preconditionFailure("the scanner throws only ParseError: \(error)")
        }
    }

    /// Parses a complete JSON document given as a string.
    public static func parse(_ text: String) throws(ParseError) -> JSONValue {
        try self.parse(Array(text.utf8))
    }
}
