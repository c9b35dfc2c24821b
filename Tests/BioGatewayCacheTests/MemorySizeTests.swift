import BioGatewayQuery
import Foundation
import NIOCore
import Testing

@testable import BioGatewayCache

/// What the memory caches count for a kept value is what it allocates (measured figures in docs/performance.md):
/// a bound counted in body bytes alone let the process grow to nearly three times it with small answers.
@Suite("Memory counted for kept values")
struct MemorySizeTests {
    @Test(arguments: [1, 2, 3, 100, 153, 256, 257, 4_096, 15_523, 70_000, 1 << 20])
    func aBufferCountsTheCapacityNIOAllocates(bytes: Int) {
        let buffer = ByteBufferAllocator().buffer(capacity: bytes)
        #expect(MemorySize.allocation(bytes: bytes) == buffer.capacity + MemorySize.bufferObjectBytes)
        #expect(MemorySize.allocation(buffer) == buffer.capacity + MemorySize.bufferObjectBytes)
        #expect(buffer.capacity >= bytes)
    }

    @Test func anEmptyBufferCountsNothing() {
        #expect(MemorySize.allocation(bytes: 0) == 0)
        #expect(MemorySize.allocation(ByteBuffer()) == 0)
    }

    /// A JSON answer of about `bytes` bytes that gzip makes smaller.
    static func answer(_ bytes: Int) -> String {
        var text = #"{"recs":["#
        var index = 0
        while text.utf8.count < bytes - 40 {
            text += #"{"genus":"Bufo","catalognumber":"\#(index * 7_919 % 100_003)"},"#
            index += 1
        }
        return text + #"{}],"matching records":1}"#
    }

    @Test(arguments: [300, 700, 3_000, 15_000, 100_000])
    func aReadyAnswerCountsItsBuffersAsAllocatedAndItsOverhead(bytes: Int) throws {
        let body = Self.answer(bytes)
        let entry = makeEntry(body: body)
        #expect(entry.coding == .gzip)
        let ready = try #require(ReadyAnswer(entry))
        #expect(ready.identity == ByteBuffer(string: body))
        #expect(try GzipCodec.decompress(Data(buffer: ready.stored), expectedLength: body.utf8.count) == Data(body.utf8))
        // the two forms share one buffer or have one each, whichever NIO's rounding makes smaller
        let apart = MemorySize.allocation(bytes: entry.storedBody.count) + MemorySize.allocation(bytes: body.utf8.count)
        let together = MemorySize.allocation(bytes: entry.storedBody.count + body.utf8.count)
        #expect(ready.allocatedBytes == min(apart, together))
        // sharing one buffer: the identity bytes follow the gzip bytes in the same storage
        let storedStart = ready.stored.withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        let identityStart = try #require(ready.identity).withUnsafeReadableBytes { UInt(bitPattern: $0.baseAddress) }
        #expect((identityStart == storedStart + UInt(entry.storedBody.count)) == (together <= apart))
        #expect(ready.memoryBytes == ready.allocatedBytes + ReadyAnswer.overheadBytes)
    }

    @Test func aCompressedBufferHoldsOnlyWhatItNeeds() throws {
        let body = ByteBuffer(string: Self.answer(100_000))
        let gzip = try GzipCodec.compress(body)
        #expect(gzip.readableBytes < body.readableBytes / 4)
        // not the room deflate asks for (about the input's size): what its bytes take
        #expect(MemorySize.allocation(gzip) == MemorySize.allocation(bytes: gzip.readableBytes))
        #expect(try GzipCodec.decompress(Data(buffer: gzip), expectedLength: body.readableBytes) == Data(buffer: body))
    }

    @Test func anAnswerStoredAsItCameCountsItsOneBufferOnce() throws {
        let body = #"{"recs":[]}"#
        let entry = makeEntry(body: body)
        #expect(entry.coding == .identity)
        let ready = try #require(ReadyAnswer(entry))
        #expect(ready.identity == ready.stored)
        #expect(ready.memoryBytes == MemorySize.allocation(bytes: body.utf8.count) + ReadyAnswer.overheadBytes)
    }

    @Test func aLargeAnswerKeepsAndCountsOnlyItsGzipBytes() throws {
        let body = Self.answer(ReadyAnswer.identityLimit + 10_000)
        let entry = makeEntry(body: body)
        let ready = try #require(ReadyAnswer(entry))
        #expect(ready.identity == nil)
        #expect(ready.memoryBytes == MemorySize.allocation(bytes: entry.storedBody.count) + ReadyAnswer.overheadBytes)
    }
}
