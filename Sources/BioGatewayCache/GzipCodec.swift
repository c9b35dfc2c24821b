import CompressNIO
import Foundation
import NIOCore
import NIOFoundationCompat
import Synchronization

/// gzip (RFC 1952) for stored bodies, through compress-nio's zlib binding.
public enum GzipCodec {
    /// A body that cannot be decompressed to its recorded length.
    public struct CorruptBody: Error, CustomStringConvertible {
        public var description: String
    }

    /// Compresses `buffer`'s readable bytes into a gzip member, in a buffer of its own size (to be kept).
    public static func compress(_ buffer: ByteBuffer) throws -> ByteBuffer {
        let output = try Self.deflate(buffer)
        // deflate writes into room for the worst case (about the input's size), which a kept body would hold
        var exact = ByteBufferAllocator().buffer(capacity: output.readableBytes)
        exact.writeImmutableBuffer(output)
        return exact
    }

    /// Compresses `data` into a gzip member.
    public static func compress(_ data: Data) throws -> Data {
        Data(buffer: try Self.deflate(ByteBuffer(data: data)))
    }

    /// `buffer`'s readable bytes as a gzip member, in a buffer with room for the worst case.
    private static func deflate(_ buffer: ByteBuffer) throws -> ByteBuffer {
        var input = buffer
        return try Self.compressors.withCompressor { compressor in
            var output = ByteBufferAllocator().buffer(capacity: compressor.maxSize(from: input))
            try compressor.deflate(from: &input, to: &output, flush: .finish)
            return output
        }
    }

    /// zlib's compression state is about 270 KB, set up afresh for every stream: more than compressing a
    /// small answer costs. A few are kept and reset between bodies instead.
    private static let compressors = CompressorPool(keeping: 2)

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

/// zlib gzip compressors kept for reuse: at most `keeping` idle ones (each holds about 270 KB); a caller that
/// finds none idle makes one.
private final class CompressorPool: Sendable {
    /// One compressor, used by one caller at a time: the one that took it out of the pool.
    private final class Kept: @unchecked Sendable {
        let compressor: ZlibCompressor

        init() throws {
            self.compressor = try ZlibCompressor(algorithm: .gzip)
        }
    }

    private let idle = Mutex<[Kept]>([])
    private let keeping: Int

    init(keeping: Int) {
        self.keeping = keeping
    }

    func withCompressor<T>(_ body: (ZlibCompressor) throws -> T) throws -> T {
        let kept = try self.idle.withLock { $0.popLast() } ?? Kept()
        defer {
            // a compressor that cannot be reset (zlib's state is damaged) is dropped
            if (try? kept.compressor.reset()) != nil {
                self.idle.withLock { idle in
                    if idle.count < self.keeping { idle.append(kept) }
                }
            }
        }
        return try body(kept.compressor)
    }
}
