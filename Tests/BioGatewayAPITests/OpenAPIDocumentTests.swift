import BioGatewayTestSupport
import Foundation
import Testing

@Suite("OpenAPI document")
struct OpenAPIDocumentTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theGatewayServesTheRepositoryDocument() async throws {
        let onDisk = try Data(contentsOf: Self.repositoryRoot.appendingPathComponent("openapi.yaml"))
        try await withRouterStack { _, gateway async throws in
            let served = try await gateway.request("/openapi.yaml")
            #expect(served.status == 200)
            #expect(Data(served.body) == onDisk, "Sources/BioGatewayAPI/Resources/openapi.yaml must be a copy of openapi.yaml")
        }
    }

    @Test func everyRouteIsDescribed() throws {
        let document = try String(contentsOf: Self.repositoryRoot.appendingPathComponent("openapi.yaml"), encoding: .utf8)
        for path in [
            "/nhm/api/3/action/datastore_search:", "/nhm/api/action/datastore_search:", "/vertnet/api/search:",
            "/vertnet/api/v1/search:", "/openapi.yaml:", "  /:", "/admin/cache:", "/v1/sources:", "/v1/records:", "/v1/records/export:", "/healthz:",
            "/readyz:", "/metrics:", "/v1/status:", "/ui/world.geojson:", "/ui/{file}:",
        ] {
            #expect(document.contains(path), "openapi.yaml does not describe \(path)")
        }
    }
}
