#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The addresses whose `X-Forwarded-For` is believed (CIDRs such as `10.0.0.0/8`, `::1/128`).
public struct TrustedProxies: Sendable, Hashable {
    struct Network: Sendable, Hashable {
        var address: [UInt8]
        var prefixLength: Int

        func contains(_ candidate: [UInt8]) -> Bool {
            guard candidate.count == self.address.count else { return false }
            var bits = self.prefixLength
            for index in self.address.indices where bits > 0 {
                let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
                if candidate[index] & mask != self.address[index] & mask { return false }
                bits -= 8
            }
            return true
        }
    }

    private let networks: [Network]

    /// A CIDR that cannot be read.
    public struct InvalidCIDR: Error, CustomStringConvertible {
        public var cidr: String
        public var description: String { "'\(self.cidr)' is not an address or CIDR (e.g. 10.0.0.0/8 or fd00::/8)" }
    }

    public init() { self.networks = [] }

    /// Reads a comma-separated list of addresses and CIDRs.
    public init(parsing list: String) throws {
        var networks: [Network] = []
        for item in list.split(separator: ",").map({ $0.trimmingCharacters(in: " \t") }) where !item.isEmpty {
            let parts = item.split(separator: "/", maxSplits: 1)
            guard let address = Self.bytes(of: String(parts[0])) else { throw InvalidCIDR(cidr: item) }
            let maximum = address.count * 8
            let prefix = parts.count == 2 ? Int(parts[1]) : maximum
            guard let prefix, (0...maximum).contains(prefix) else { throw InvalidCIDR(cidr: item) }
            networks.append(Network(address: address, prefixLength: prefix))
        }
        self.networks = networks
    }

    /// Whether `address` (text) is a trusted proxy.
    public func contains(_ address: String) -> Bool {
        // no proxies (the default): nothing to read
        guard !self.networks.isEmpty, let bytes = Self.bytes(of: address) else { return false }
        return self.networks.contains { $0.contains(bytes) }
    }

    /// The client of a request from `peer` carrying `X-Forwarded-For` lines: the peer itself unless it is a
    /// trusted proxy; then the rightmost forwarded address that is not a trusted proxy (each proxy appends
    /// the address it received from, so only the entries added by trusted proxies can be believed).
    public func client(peer: String, forwardedFor lines: [String]) -> String {
        guard self.contains(peer) else { return peer }
        let chain = lines.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: " \t") }.filter { !$0.isEmpty }
        for address in chain.reversed() {
            guard Self.bytes(of: address) != nil else { return peer }  // garbage: trust nothing further
            if !self.contains(address) { return address }
        }
        return chain.first ?? peer
    }

    /// IPv4 (4 bytes) or IPv6 (16 bytes) address bytes, or nil.
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            let bytes = withUnsafeBytes(of: &v6) { Array($0) }
            // an IPv4-mapped IPv6 address is the IPv4 address
            if bytes.prefix(10).allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return Array(bytes.suffix(4)) }
            return bytes
        }
        return nil
    }
}

extension StringProtocol {
    fileprivate func trimmingCharacters(in set: String) -> String {
        let characters = Set(set)
        var slice = Substring(self)
        while let first = slice.first, characters.contains(first) { slice.removeFirst() }
        while let last = slice.last, characters.contains(last) { slice.removeLast() }
        return String(slice)
    }
}
