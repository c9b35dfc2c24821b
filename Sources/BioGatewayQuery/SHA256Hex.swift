import Crypto
import Foundation

/// Lowercase hexadecimal SHA-256 digests, the form cache keys and body checksums take.
public enum SHA256Hex {
    /// The SHA-256 of `bytes` as 64 lowercase hex digits.
    public static func digest(_ bytes: some DataProtocol) -> String {
        let hexDigits = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(64)
        for byte in SHA256.hash(data: bytes) {
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
