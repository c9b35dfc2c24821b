import CompressNIO
import Foundation
import NIOCore
import NIOFoundationCompat

/// gzip (RFC 1952) for stored bodies, through compress-nio's zlib binding.
public enum GzipCodec {
    /// A body that cannot be decompressed to its recorded length.
    public struct CorruptBody: Error, CustomStringConvertible {
        public var description: String
    }

    /// Compresses `buffer`'s readable bytes into a gzip member.
    public static func compress(_ buffer: ByteBuffer) throws -> ByteBuffer {
        var input = buffer
        return try input.compress(with: .gzip())
    }

    /// Compresses `data` into a gzip member.
    public static func compress(_ data: Data) throws -> Data {
        var input = ByteBuffer(data: data)
        let output = try input.compress(with: .gzip())
        return Data(buffer: output)
    }

    /// Decompresses a gzip member that must expand to exactly `expectedLength` bytes.
    public static func decompress(_ data: Data, expectedLength: Int) throws -> Data {
        var input = ByteBuffer(data: data)
        let output: ByteBuffer
        do {
            output = try input.decompress(with: .gzip(), maxSize: expectedLength + 1)
        } catch {
            throw CorruptBody(description: "the stored gzip body cannot be decompressed (\(error))")
        }
        guard output.readableBytes == expectedLength else {
            throw CorruptBody(description: "the stored body expands to \(output.readableBytes) bytes, not \(expectedLength)")
        }
        return Data(buffer: output)
    }
}
