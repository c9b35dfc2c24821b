import BioGatewayAPI
import BioGatewaySettings
import BioGatewayTestSupport
import BioGatewayUpstream
import Testing

@Suite("Secrets: credentials in URLs are never shown")
struct SecretsTests {
    @Test(arguments: [
        ("http://user:S3cretPass@host:8080/path", "http://***@host:8080/path"),
        ("https://token@host", "https://***@host"),
        ("https://host/a@b", "https://host/a@b"),
        ("https://data.nhm.ac.uk", "https://data.nhm.ac.uk"),
    ])
    func userinfoIsRedacted(_ url: String, _ shown: String) {
        #expect(Redaction.url(url) == shown)
    }

    @Test func sourcesAndConfigurationShowNoPassword() async throws {
        try await withSimulator { simulator in
            let withPassword = simulator.baseURL.replacingOccurrences(of: "http://", with: "http://user:S3cretPass@")
            let configure: (inout GatewayConfiguration) -> Void = { $0.upstream.nhmURL = withPassword }
            try await withGateway(upstreamURL: simulator.baseURL, configure: configure) { gateway in
                let sources = try await gateway.request("/v1/sources")
                #expect(!sources.text.contains("S3cretPass"))
                #expect(sources.text.contains("***@127.0.0.1"))
            }
            var configuration = GatewayConfiguration()
            configuration.upstream.nhmURL = withPassword
            #expect(configuration.effectiveValues.allSatisfy { !$0.value.contains("S3cretPass") })
        }
    }
}
