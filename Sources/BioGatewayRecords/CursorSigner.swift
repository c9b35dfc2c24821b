import BioGatewayJSON
import BioGatewayQuery
import Crypto
import Foundation

/// Makes and reads the opaque `next` cursors of `/v1/records`: the query's fingerprint and the
/// ``PagePosition``, as URL-safe base64, followed by an HMAC-SHA256 tag with the server's secret. A cursor
/// that was altered, was not made by this gateway (or by one with another secret), or belongs to another
/// question is refused.
public struct CursorSigner: Sendable {
    private let key: SymmetricKey
    static let version: Int64 = 1

    /// Why a cursor was refused.
    public enum Refusal: Error, Sendable, Hashable {
        /// Not a cursor this gateway issued, or altered since.
        case invalid
        /// A cursor of another question (other sources or filters).
        case otherQuery
    }

    public init(secret: some ContiguousBytes) {
        self.key = SymmetricKey(data: secret)
    }

    /// The cursor for `position` in the question with this fingerprint.
    public func cursor(for position: PagePosition, fingerprint: String) -> String {
        let payload: JSONValue = ["v": .integer(Self.version), "q": .string(fingerprint), "p": position.json]
        return self.signed(payload: Data(JSONWriter(style: .compact).bytes(payload)))
    }

    /// A cursor carrying `payload` as it is, tagged with this signer's secret (``cursor(for:fingerprint:)``
    /// signs the JSON of a position; the fuzz target signs arbitrary bytes to reach the decoding behind the tag).
    public func signed(payload: Data) -> String {
        let tag = HMAC<SHA256>.authenticationCode(for: payload, using: self.key)
        return Self.base64URL(payload) + "." + Self.base64URL(Data(tag))
    }

    /// The position a cursor records, if it is genuine and belongs to the question with this fingerprint.
    public func position(from cursor: String, fingerprint: String) throws(Refusal) -> PagePosition {
        let parts = cursor.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Self.data(base64URL: parts[0]), let tag = Self.data(base64URL: parts[1]),
            HMAC<SHA256>.isValidAuthenticationCode(tag, authenticating: payload, using: self.key),
            let document = try? JSONParser.parse(payload), let object = document.objectValue,
            object["v"]?.integerValue == Self.version, let owner = object["q"]?.stringValue,
            let positionJSON = object["p"], let position = PagePosition(json: positionJSON)
        else { throw .invalid }
        guard owner == fingerprint else { throw .otherQuery }
        return position
    }

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func data(base64URL text: Substring) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
