import Foundation
import HTTPTypes
import Hummingbird

/// `GET /` (an index of the gateway's endpoints) and `GET /openapi.yaml` (the API description).
struct MetaController: Sendable {
    static let openAPIDocument: ByteBuffer? = Bundle.module.url(forResource: "Resources/openapi", withExtension: "yaml")
        .flatMap { try? Data(contentsOf: $0) }
        .map { ByteBuffer(bytes: $0) }

    func register(on router: some RouterMethods<GatewayRequestContext>) {
        router.get("/openapi.yaml") { _, _ in
            guard let document = Self.openAPIDocument else {
                throw ProblemDetails(
                    slug: "not-installed",
                    title: "Not Found",
                    status: 404,
                    detail: "openapi.yaml was not installed with this binary."
                )
            }
            return Response(status: .ok, headers: [.contentType: "application/yaml"], body: ResponseBody(byteBuffer: document))
        }
        router.get("/") { _, _ in
            let index = """
                {"name":"BioGateway","description":"Caching gateway for the NHM Data Portal and VertNet search APIs",\
                "openapi":"/openapi.yaml",\
                "endpoints":{"records":"/v1/records","export":"/v1/records/export",\
                "nhm":"/nhm/api/3/action/datastore_search","vertnet":"/vertnet/api/search","sources":"/v1/sources"}}
                """
            return Response(status: .ok, headers: [.contentType: "application/json"], body: ResponseBody(byteBuffer: ByteBuffer(string: index)))
        }
    }
}
