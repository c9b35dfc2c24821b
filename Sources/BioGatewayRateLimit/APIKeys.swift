import Foundation
import Yams

/// The team's API keys, read from a JSON or YAML file:
///
/// ```yaml
/// keys:
///   - key: 3f9c…            # the secret the client sends
///     name: alice           # how logs and limits name the client
///     rateLimit: 1200       # optional: requests per minute (default BIOGATEWAY_RATE_LIMIT)
///     upstreamRateLimit: 120  # optional: cache misses per minute (default BIOGATEWAY_UPSTREAM_RATE_LIMIT)
/// ```
public struct APIKeys: Sendable {
    /// One key's holder and limits.
    public struct Holder: Sendable, Hashable, Decodable {
        public var key: String
        public var name: String
        public var rateLimit: Int?
        public var upstreamRateLimit: Int?
    }

    private struct File: Decodable {
        var keys: [Holder]
    }

    private let holders: [String: Holder]

    public init(_ holders: [Holder] = []) {
        self.holders = Dictionary(holders.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// A keys file that cannot be used, with the reason in words.
    public struct InvalidFile: Error, CustomStringConvertible {
        public var description: String
    }

    /// Reads a keys file (JSON if it starts with `{`, YAML otherwise).
    public static func load(path: String) throws -> APIKeys {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InvalidFile(description: "cannot read the keys file \(path): \(error.localizedDescription)")
        }
        let file: File
        do {
            if data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) == UInt8(ascii: "{") {
                file = try JSONDecoder().decode(File.self, from: data)
            } else {
                file = try YAMLDecoder().decode(File.self, from: data)
            }
        } catch {
            throw InvalidFile(
                description: "the keys file \(path) is not a list of keys ({\"keys\": [{\"key\": …, \"name\": …}]}): \(error)"
            )
        }
        for holder in file.keys {
            guard holder.key.count >= 16 else {
                throw InvalidFile(description: "the key of '\(holder.name)' in \(path) is shorter than 16 characters")
            }
            guard !holder.name.isEmpty else { throw InvalidFile(description: "a key in \(path) has an empty name") }
            for limit in [holder.rateLimit, holder.upstreamRateLimit].compactMap({ $0 }) where limit <= 0 {
                throw InvalidFile(description: "the limits of '\(holder.name)' in \(path) must be positive")
            }
        }
        let names = file.keys.map(\.name)
        if let duplicate = names.first(where: { name in names.filter { $0 == name }.count > 1 }) {
            throw InvalidFile(description: "two keys in \(path) are named '\(duplicate)'")
        }
        return APIKeys(file.keys)
    }

    /// The holder of `key`, compared in constant time per candidate.
    public func holder(of key: String) -> Holder? {
        let presented = Array(key.utf8)
        var found: Holder?
        for (candidate, holder) in self.holders where Credentials.constantTimeEquals(Array(candidate.utf8), presented) {
            found = holder
        }
        return found
    }

    public var count: Int { self.holders.count }
}
