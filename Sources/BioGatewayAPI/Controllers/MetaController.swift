import Foundation
import HTTPTypes
import Hummingbird

/// `GET /` (an index of the gateway's endpoints, or the web page for a browser) and `GET /openapi.yaml` (the
/// API description).
struct MetaController: Sendable {
    /// Whether `/admin/cache` is on (an admin token is configured); the index says how to turn it on.
    let adminEnabled: Bool

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
        let admin =
            self.adminEnabled
            ? "on: /admin/cache needs Authorization: Bearer <admin token>"
            : "off: set BIOGATEWAY_ADMIN_TOKEN (at least 16 characters) and restart to turn /admin/cache on"
        let index = """
            {"name":"BioGateway","description":"Caching gateway for the NHM Data Portal and VertNet search APIs",\
            "openapi":"/openapi.yaml",\
            "endpoints":{"records":"/v1/records","export":"/v1/records/export",\
            "nhm":"/nhm/api/3/action/datastore_search","vertnet":"/vertnet/api/search","sources":"/v1/sources",\
            "status":"/v1/status","metrics":"/metrics","health":"/healthz","ready":"/readyz","adminCache":"/admin/cache"},\
            "admin":"\(admin)"}
            """
        router.get("/") { request, _ in
            // a browser gets the web page; scripts, curl and everyone else the JSON index
            if WebController.wantsHTML(request) { return try WebController.indexResponse() }
            return Response(
                status: .ok,
                headers: [.contentType: "application/json", .vary: "Accept"],
                body: ResponseBody(byteBuffer: ByteBuffer(string: index))
            )
        }
    }
}
