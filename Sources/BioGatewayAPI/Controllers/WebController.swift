import Foundation
import Hummingbird
import Logging
import NIOCore

/// The web page: `/` for browsers (a client asking for `text/html`; everyone else gets the JSON index), its
/// script and style at `/ui/`, Leaflet from the installed Debian package at `/ui/vendor/leaflet/`, and the
/// world outline the map draws at `/ui/world.geojson`. Static files and the public JSON API (`/v1/status`,
/// `/v1/records`): the page holds no state and shows nothing secret.
struct WebController: Sendable {
    /// The folder of Leaflet's files (``GatewayConfiguration/webLeafletFolder``).
    let leafletFolder: String
    /// The world outline's GeoJSON, read at start (nil when it is not installed).
    let worldOutline: ByteBuffer?

    /// The page's own files, installed with the binary.
    static let pageFolder: String? = Bundle.module.url(forResource: "Resources/ui", withExtension: nil)?.path

    static let indexPage: ByteBuffer? = Self.pageFolder
        .flatMap { try? Data(contentsOf: URL(fileURLWithPath: $0).appendingPathComponent("index.html")) }
        .map { ByteBuffer(bytes: $0) }

    /// The largest world outline read (Natural Earth's 1:10m land is 10 MB; the 1:110m countries 0.8 MB).
    static let maximumOutlineBytes = 32 << 20

    init(leafletFolder: String, worldOutlinePath: String, logger: Logger) {
        self.leafletFolder = leafletFolder
        self.worldOutline = Self.read(worldOutlinePath, logger: logger)
        if !FileManager.default.fileExists(atPath: leafletFolder + "/leaflet.js") {
            logger.warning(
                "Leaflet is not installed: the web page's map will not work (install libjs-leaflet and libjs-leaflet.markercluster)",
                metadata: ["web_leaflet_folder": "\(leafletFolder)"]
            )
        }
    }

    static func read(_ path: String, logger: Logger) -> ByteBuffer? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let size = attributes[.size] as? Int, size <= Self.maximumOutlineBytes,
            let data = FileManager.default.contents(atPath: path)
        else {
            logger.warning(
                "no world outline: the web page's map draws no land (run scripts/install-web-assets.sh)",
                metadata: ["web_world_outline": "\(path)"]
            )
            return nil
        }
        return ByteBuffer(bytes: data)
    }

    /// Whether a request for `/` is a browser's: it names `text/html` in `Accept`.
    static func wantsHTML(_ request: Request) -> Bool {
        request.headers[values: .accept].contains { $0.lowercased().contains("text/html") }
    }

    static func indexResponse() throws -> Response {
        guard let page = Self.indexPage else { throw Self.notInstalled("the web page (index.html)") }
        return Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache", .vary: "Accept"],
            body: ResponseBody(byteBuffer: page)
        )
    }

    func register(on router: some RouterMethods<GatewayRequestContext>) {
        router.get("/ui/world.geojson") { _, _ in
            guard let outline = self.worldOutline else { throw Self.notInstalled("the world outline (web_world_outline)") }
            return Response(
                status: .ok,
                headers: [.contentType: "application/geo+json", .cacheControl: "public, max-age=86400"],
                body: ResponseBody(byteBuffer: outline)
            )
        }
        // the files: the page's own, then Leaflet's; a name in neither is a 404 problem
        var files = router.group("/ui")
        if let pageFolder = Self.pageFolder {
            files = files.add(middleware: FileMiddleware(pageFolder, urlBasePath: "/ui", cacheControl: Self.revalidate))
        }
        files.add(middleware: FileMiddleware(self.leafletFolder, urlBasePath: "/ui/vendor/leaflet", cacheControl: Self.keep))
            .get("**") { request, _ -> Response in
                throw ProblemDetails(
                    slug: "not-found",
                    title: "Not Found",
                    status: 404,
                    detail: "No web page file is named \(request.uri.path)."
                )
            }
    }

    /// The page's own files change with the gateway: revalidated (FileMiddleware answers 304 to a known ETag).
    static let revalidate = CacheControl([(MediaType(type: .any), [.noCache])])
    /// Leaflet's change with the Debian package: kept a day.
    static let keep = CacheControl([(MediaType(type: .any), [.maxAge(86_400)])])

    static func notInstalled(_ what: String) -> ProblemDetails {
        ProblemDetails(slug: "not-installed", title: "Not Found", status: 404, detail: "\(what) was not installed with this gateway.")
    }
}
