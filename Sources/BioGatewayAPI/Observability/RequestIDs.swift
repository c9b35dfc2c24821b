import BioGatewayQuery
import Synchronization

/// Makes the ids of requests that come without a usable one: random-looking version-4 UUIDs in lowercase
/// (`3f2b…-…-4…`), unique within the process, made without Foundation's `UUID` and its formatting.
///
/// Each id is a counter mixed by SplitMix64 (a bijection, so no two counter values give the same id) from a
/// seed drawn once from the system's random source: one atomic increment and 36 bytes written per id.
public final class RequestIDs: Sendable {
    private let counter = Atomic<UInt64>(0)
    private let seeds: (UInt64, UInt64)

    public init() {
        var system = SystemRandomNumberGenerator()
        self.seeds = (system.next(), system.next())
    }

    /// A new id.
    public func next() -> String {
        let count = self.counter.wrappingAdd(1, ordering: .relaxed).newValue
        var mixHigh = SplitMix64(seed: self.seeds.0 &+ count)
        var mixLow = SplitMix64(seed: self.seeds.1 ^ count)
        var high = mixHigh.next()
        var low = mixLow.next()
        high = (high & ~0xF000) | 0x4000  // version 4
        low = (low & ~(0xC000 << 48)) | (0x8000 << 48)  // variant 10
        return String(unsafeUninitializedCapacity: 36) { buffer in
            var index = 0
            func write(_ value: UInt64, nibbles: Int) {
                for shift in stride(from: (nibbles - 1) * 4, through: 0, by: -4) {
                    buffer[index] = Self.hexDigits[Int((value >> UInt64(shift)) & 0xF)]
                    index += 1
                }
            }
            func dash() {
                buffer[index] = UInt8(ascii: "-")
                index += 1
            }
            write(high >> 32, nibbles: 8)
            dash()
            write(high >> 16, nibbles: 4)
            dash()
            write(high, nibbles: 4)
            dash()
            write(low >> 48, nibbles: 4)
            dash()
            write(low, nibbles: 12)
            return index
        }
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
}
