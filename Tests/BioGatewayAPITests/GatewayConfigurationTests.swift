import BioGatewayAPI
import Foundation
import Testing

@Suite("Configuration")
struct GatewayConfigurationTests {
    @Test func defaults() throws {
        let configuration = try GatewayConfiguration.load(flags: [:], environment: [:])
        #expect(configuration.server.host == "127.0.0.1")
        #expect(configuration.server.port == 8080)
        #expect(configuration.cache.path == "./biogateway-cache.sqlite")
        #expect(configuration.upstream.nhmURL == "https://data.nhm.ac.uk")
        #expect(configuration.upstream.vertnetURL == "https://api.vertnet-portal.appspot.com")
        #expect(configuration.cache.ttl == 86_400)
        #expect(configuration.cache.pageMaxBytes == 64 << 20)
        // no kept pages is a valid choice; no cache at all is not
        #expect(try GatewayConfiguration.load(flags: [:], environment: ["BIOGATEWAY_PAGE_CACHE_MAX_BYTES": "0"]).cache.pageMaxBytes == 0)
        #expect(try GatewayConfiguration.load(flags: ["biogateway.page.cache.max.bytes": "8M"], environment: [:]).cache.pageMaxBytes == 8 << 20)
    }

    @Test func flagsWinOverEnvironmentWhichWinsOverDefaults() throws {
        let configuration = try GatewayConfiguration.load(
            flags: ["biogateway.port": "9001"],
            environment: ["BIOGATEWAY_PORT": "9002", "BIOGATEWAY_CACHE_TTL": "60", "BIOGATEWAY_NHM_URL": "http://127.0.0.1:8081"]
        )
        #expect(configuration.server.port == 9001)
        #expect(configuration.cache.ttl == 60)
        #expect(configuration.upstream.nhmURL == "http://127.0.0.1:8081")
        #expect(configuration.upstream.vertnetURL == "https://api.vertnet-portal.appspot.com")
    }

    @Test func fileValuesComeBelowEnvironmentAndFlags() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString).yaml").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try """
        port: 9100
        cache:
          ttl: 120
          max_bytes: 64M
        stale_while_revalidate: 30
        biogateway.upstream.timeout: 15
        rate-limit: 99
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let file = try ConfigurationFile.load(path: path)
        let configuration = try GatewayConfiguration.load(
            flags: ["biogateway.port": "9001"],
            environment: ["BIOGATEWAY_PORT": "9002", "BIOGATEWAY_CACHE_TTL": "60"],
            file: file
        )
        #expect(configuration.server.port == 9001)  // flag over environment over file
        #expect(configuration.cache.ttl == 60)  // environment over file
        #expect(configuration.cache.maxBytes == 64 << 20)  // file over default
        #expect(configuration.cache.staleWhileRevalidate == 30)
        #expect(configuration.upstream.timeout == 15)
        #expect(configuration.clients.rateLimit == 99)
        #expect(configuration.cache.emptyTTL == 300)  // default
        let sources = GatewayConfiguration.sources(flags: ["biogateway.port": "9001"], environment: ["BIOGATEWAY_CACHE_TTL": "60"], file: file)
        #expect(sources["biogateway.port"] == "flag")
        #expect(sources["biogateway.cache.ttl"] == "environment")
        #expect(sources["biogateway.cache.max.bytes"] == "file")
        #expect(sources["biogateway.empty.ttl"] == "default")
    }

    @Test func configurationFilesAreChecked() throws {
        for (text, expected) in [
            ("port: 8080\ncache:\n  tll: 5\n", "unknown setting 'cache.tll'"),
            ("- port\n", "must be a mapping"),
            ("port: [1, 2]\n", "must be a single value"),
            ("port: {{\n", "not YAML or JSON"),
        ] {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString).yaml").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            #expect(throws: ConfigurationFile.Invalid.self) { try ConfigurationFile.load(path: path) }
            do { _ = try ConfigurationFile.load(path: path) } catch { #expect("\(error)".contains(expected), "\(error)") }
        }
        let json = FileManager.default.temporaryDirectory.appendingPathComponent("config-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: json) }
        try #"{"port": 8181, "vertnet": {"max_rps": 0.5}}"#.write(toFile: json, atomically: true, encoding: .utf8)
        let configuration = try GatewayConfiguration.load(flags: [:], environment: [:], file: try ConfigurationFile.load(path: json))
        #expect(configuration.server.port == 8181)
        #expect(configuration.upstream.vertnetMaxRPS == 0.5)
        #expect(
            GatewayConfiguration.unknownVariables(in: ["BIOGATEWAY_CACHE_TTl": "1", "BIOGATEWAY_PORT": "1", "HOME": "/"]) == ["BIOGATEWAY_CACHE_TTl"]
        )
    }

    @Test(arguments: [
        ("BIOGATEWAY_PORT", "eighty", "must be a whole number"),
        ("BIOGATEWAY_PORT", "70000", "between 0 and 65535"),
        ("BIOGATEWAY_CACHE_TTL", "-1", "between 0"),
        ("BIOGATEWAY_NHM_URL", "data.nhm.ac.uk", "http:// or https://"),
        ("BIOGATEWAY_CACHE_PATH", "", "must not be empty"),
        ("BIOGATEWAY_CACHE_MAX_BYTES", "lots", "positive number of bytes"),
        ("BIOGATEWAY_CACHE_MAX_BYTES", "0", "positive number of bytes"),
        ("BIOGATEWAY_PAGE_CACHE_MAX_BYTES", "-1", "must be a number of bytes"),
        ("BIOGATEWAY_NHM_MAX_RPS", "0", "above 0"),
        ("BIOGATEWAY_REQUIRE_KEY", "maybe", "true or false"),
        ("BIOGATEWAY_TRUSTED_PROXIES", "10.0.0.0/40", "not an address or CIDR"),
        ("BIOGATEWAY_LOG_FORMAT", "xml", "text or json"),
        ("BIOGATEWAY_KEYS_FILE", "/nonexistent/keys.yaml", "no readable file"),
    ])
    func unusableValuesAreReportedByName(_ variable: String, _ value: String, _ reason: String) {
        do {
            _ = try GatewayConfiguration.load(flags: [:], environment: [variable: value])
            Issue.record("\(variable)=\(value) was accepted")
        } catch {
            let message = "\(error)"
            #expect(message.contains(variable))
            #expect(message.contains(reason))
        }
    }
}
