import BioGatewayAPI
import Testing

@Suite("Configuration")
struct GatewayConfigurationTests {
    @Test func defaults() throws {
        let configuration = try GatewayConfiguration.load(flags: [:], environment: [:])
        #expect(configuration.host == "127.0.0.1")
        #expect(configuration.port == 8080)
        #expect(configuration.cachePath == "./biogateway-cache.sqlite")
        #expect(configuration.nhmURL == "https://data.nhm.ac.uk")
        #expect(configuration.vertnetURL == "https://api.vertnet-portal.appspot.com")
        #expect(configuration.cacheTTL == 86_400)
    }

    @Test func flagsWinOverEnvironmentWhichWinsOverDefaults() throws {
        let configuration = try GatewayConfiguration.load(
            flags: ["biogateway.port": "9001"],
            environment: ["BIOGATEWAY_PORT": "9002", "BIOGATEWAY_CACHE_TTL": "60", "BIOGATEWAY_NHM_URL": "http://127.0.0.1:8081"]
        )
        #expect(configuration.port == 9001)
        #expect(configuration.cacheTTL == 60)
        #expect(configuration.nhmURL == "http://127.0.0.1:8081")
        #expect(configuration.vertnetURL == "https://api.vertnet-portal.appspot.com")
    }

    @Test(arguments: [
        ("BIOGATEWAY_PORT", "eighty", "must be a whole number"),
        ("BIOGATEWAY_PORT", "70000", "between 0 and 65535"),
        ("BIOGATEWAY_CACHE_TTL", "-1", "between 0"),
        ("BIOGATEWAY_NHM_URL", "data.nhm.ac.uk", "http:// or https://"),
        ("BIOGATEWAY_CACHE_PATH", "", "must not be empty"),
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
