import BioGatewayQuery

/// The simulator's source of deterministic data: ``SplitMix64`` with helpers for picking and scattering.
struct SeededGenerator: RandomNumberGenerator {
    private var base: SplitMix64

    init(seed: UInt64) { self.base = SplitMix64(seed: seed) }

    mutating func next() -> UInt64 { self.base.next() }

    /// An element of a non-empty array.
    mutating func pick<T>(_ elements: [T]) -> T { elements[Int(self.next() % UInt64(elements.count))] }

    /// An integer in a closed range.
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    /// A double in a range.
    mutating func double(_ range: Range<Double>) -> Double { Double.random(in: range, using: &self) }

    /// `true` with probability `p`.
    /// A value within ``Locality/spread`` of `centre`.
    mutating func around(_ centre: Double) -> Double { self.double((centre - Locality.spread)..<(centre + Locality.spread)) }

    mutating func chance(_ p: Double) -> Bool { self.double(0..<1) < p }

    /// A deterministic version-4-shaped UUID string.
    mutating func uuid() -> String {
        let a = self.next()
        let b = self.next()
        func hex(_ value: UInt64, _ digits: Int) -> String {
            let text = String(value, radix: 16)
            return String(repeating: "0", count: max(0, digits - text.count)) + text.suffix(digits)
        }
        return "\(hex(a >> 32, 8))-\(hex((a >> 16) & 0xFFFF, 4))-4\(hex(a & 0xFFF, 3))-"
            + "\(hex(0x8 | (b >> 62), 1))\(hex((b >> 48) & 0xFFF, 3))-\(hex(b & 0xFFFF_FFFF_FFFF, 12))"
    }
}
