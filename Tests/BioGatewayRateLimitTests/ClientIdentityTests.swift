import BioGatewayRateLimit
import Foundation
import Testing

@Suite("Trusted proxies")
struct TrustedProxiesTests {
    @Test func believesForwardedForOnlyFromTrustedProxies() throws {
        let proxies = try TrustedProxies(parsing: "10.0.0.0/8, 192.168.1.1, fd00::/8")
        #expect(proxies.contains("10.200.3.4"))
        #expect(proxies.contains("192.168.1.1"))
        #expect(!proxies.contains("192.168.1.2"))
        #expect(proxies.contains("fd12::1"))
        #expect(proxies.contains("::ffff:10.1.1.1"))
        #expect(!proxies.contains("not an address"))

        // an untrusted peer's header is ignored
        #expect(proxies.client(peer: "203.0.113.5", forwardedFor: ["1.2.3.4"]) == "203.0.113.5")
        // a trusted proxy: the rightmost address that is not a trusted proxy
        #expect(proxies.client(peer: "10.0.0.1", forwardedFor: ["1.2.3.4, 198.51.100.7"]) == "198.51.100.7")
        #expect(proxies.client(peer: "10.0.0.1", forwardedFor: ["1.2.3.4", "198.51.100.7, 10.9.9.9"]) == "198.51.100.7")
        // a spoofed entry left of a real one does not help
        #expect(proxies.client(peer: "10.0.0.1", forwardedFor: ["6.6.6.6, 198.51.100.7"]) == "198.51.100.7")
        #expect(proxies.client(peer: "10.0.0.1", forwardedFor: []) == "10.0.0.1")
        #expect(proxies.client(peer: "10.0.0.1", forwardedFor: ["garbage"]) == "10.0.0.1")
    }

    @Test func rejectsUnreadableCIDRs() {
        for bad in ["10.0.0.0/33", "10.0.0/8", "example.com", "::/129"] {
            #expect(throws: TrustedProxies.InvalidCIDR.self) { try TrustedProxies(parsing: bad) }
        }
        #expect(throws: Never.self) { try TrustedProxies(parsing: "") }
    }
}

@Suite("API keys file")
struct APIKeysTests {
    func write(_ text: String, _ name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func readsYAMLAndJSON() throws {
        let yaml = try self.write(
            """
            keys:
              - key: alice-key-0123456789abcdef
                name: alice
                rateLimit: 1200
              - key: bob-key-0123456789abcdef
                name: bob
            """,
            "keys.yaml"
        )
        let keys = try APIKeys.load(path: yaml)
        #expect(keys.count == 2)
        #expect(keys.holder(of: "alice-key-0123456789abcdef")?.rateLimit == 1200)
        #expect(keys.holder(of: "bob-key-0123456789abcdef")?.name == "bob")
        #expect(keys.holder(of: "bob-key-0123456789abcdeX") == nil)
        let json = try self.write(#"{"keys":[{"key":"carol-key-0123456789abcdef","name":"carol","upstreamRateLimit":5}]}"#, "keys.json")
        #expect(try APIKeys.load(path: json).holder(of: "carol-key-0123456789abcdef")?.upstreamRateLimit == 5)
    }

    @Test func explainsUnusableFiles() throws {
        let cases = [
            ("keys: [{key: short, name: a}]", "shorter than 16"),
            ("keys: [{key: aaaaaaaaaaaaaaaaaaaa, name: a}, {key: bbbbbbbbbbbbbbbbbbbb, name: a}]", "two keys"),
            ("keys: [{key: aaaaaaaaaaaaaaaaaaaa, name: a, rateLimit: 0}]", "must be positive"),
            ("- just a list", "not a list of keys"),
        ]
        for (text, expected) in cases {
            let path = try self.write(text, "keys.yaml")
            do {
                _ = try APIKeys.load(path: path)
                Issue.record("\(text) was accepted")
            } catch {
                #expect("\(error)".contains(expected), "\(error)")
            }
        }
        #expect(throws: APIKeys.InvalidFile.self) { try APIKeys.load(path: "/nonexistent/keys.yaml") }
    }
}
