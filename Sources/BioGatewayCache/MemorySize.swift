import NIOCore

/// What memory a kept value really takes, for the bounds of the memory caches: a bound counted in the bytes of
/// the bodies alone lets the process grow to several times it.
package enum MemorySize {
    /// What a `ByteBuffer`'s storage object costs beside its bytes.
    package static let bufferObjectBytes = 64

    /// What a buffer of `bytes` allocates: NIO rounds every buffer's capacity up to a power of two.
    package static func allocation(bytes: Int) -> Int {
        bytes <= 0 ? 0 : (bytes == 1 ? 1 : 1 << (Int.bitWidth - (bytes - 1).leadingZeroBitCount)) + Self.bufferObjectBytes
    }

    /// What `buffer` allocates, when it is not a slice of a larger one (its capacity is its storage's).
    package static func allocation(_ buffer: ByteBuffer) -> Int {
        buffer.capacity == 0 ? 0 : buffer.capacity + Self.bufferObjectBytes
    }
}
